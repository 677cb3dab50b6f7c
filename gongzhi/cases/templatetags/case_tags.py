"""The status badge and the deadline of a case, and the cards of a case list.

Tags rather than included templates: a list renders these for each of its rows, and
rendered by the template engine a list's 25 cards took longer than the rest of the page.
"""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def minute(moment) -> str:
    """Local time to the minute, as the date filter's "Y-m-d H:i" (a tenth of its cost)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@register.simple_tag
def case_status(case) -> SafeString:
    return format_html(
        '<span class="case-status case-status-{}">{}</span>', case.status, case.get_status_display()
    )


@register.simple_tag
def case_due(case, now) -> SafeString | str:
    """The reply deadline; while a reply is awaited, flagged when overdue or nearly due."""
    if not case.due_at:
        return ""
    due = minute(case.due_at)
    if case.awaits_reply:
        if case.due_at < now:
            return format_html('<span class="due-overdue">⚠ {}: {}</span>', _("Overdue"), due)
        if case.warn_at and case.warn_at <= now:
            return format_html('<span class="due-nearly">⏰ {}: {}</span>', _("Nearly due"), due)
    return format_html("{}: {}", _("Due"), due)


@register.simple_tag
def case_cards(rows, now, show_reporter=False) -> SafeString:
    """One card (<li>) per row of {case, reporter, phone}, the reporter already masked;
    show_reporter shows the masked contact (staff lists)."""
    return format_html_join("\n", "{}", ((_card(row, now, show_reporter),) for row in rows))


def _card(row, now, show_reporter: bool) -> SafeString:
    case = row["case"]
    unit = format_html("<span>{}</span>", case.current_unit.name) if case.current_unit else ""
    if case.compound:
        place = case.compound.name + (f" {case.building.name}" if case.building else "")
    else:
        place = case.address
    reporter = ""
    if show_reporter and row["reporter"]:
        reporter = format_html('<span class="masked">{} {}</span>', row["reporter"], row["phone"])
    return format_html(
        '<li class="card"><a class="card-link" href="{}">#{} {}</a>'
        '<div class="case-meta">{} <span>{} {}</span> {} <span>{}</span></div>'
        '<div class="case-meta"><span>{}</span> {} {}</div></li>',
        reverse("cases:detail", args=[case.pk]),
        case.pk,
        case.title,
        case_status(case),
        case.category.code,
        case.category.name,
        unit,
        case_due(case, now),
        minute(case.created_at),
        format_html("<span>{}</span>", place) if place else "",
        reporter,
    )

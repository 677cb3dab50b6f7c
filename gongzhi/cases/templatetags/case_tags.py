"""The status badge and the deadline of a case, for its page and every case list.

Tags rather than included templates: a list renders both for each of its rows, and an
include costs more than the rest of a row.
"""

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from gongzhi.cases.querysets import AWAITING_REPLY

register = template.Library()


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
    due = date(timezone.localtime(case.due_at), "Y-m-d H:i")
    if case.status in AWAITING_REPLY:
        if case.due_at < now:
            return format_html('<span class="due-overdue">⚠ {}: {}</span>', _("Overdue"), due)
        if case.warn_at and case.warn_at <= now:
            return format_html('<span class="due-nearly">⏰ {}: {}</span>', _("Nearly due"), due)
    return format_html("{}: {}", _("Due"), due)

"""Template helpers of the 共谋 pages.

The board's cards are written here with format_html rather than a template loop: a page of
twenty cards costs the template engine some 30 ms of tag rendering, this well under one,
and the board has to answer within 50 ms (bench/bench_needs.py). The markup is the same a
template would give; every value is escaped by format_html.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, npgettext

from gongzhi.core.masking import mask_name

register = template.Library()

STATUS_CLASS = {
    "adopted": " badge-ok",
    "answered": " badge-ok",
    "declined": " badge-off",
    "merged": " badge-off",
    "submitted": " badge-warn",
}


@register.filter
def masked(name) -> str:
    """A person's name as lists show it: 张*, 张*丰 (DOMAIN.md §5)."""
    return mask_name(str(name or ""))


def _badge(text, css: str = ""):
    return format_html('<span class="badge{}">{}</span>', css, text)


def _meta(need, show_due: bool):
    parts = [
        format_html("<span>{} · {}</span>", need.get_kind_display(), need.category.label),
        _badge(need.get_status_display(), STATUS_CLASS.get(need.status, "")),
    ]
    if need.moderation_status != "published":
        parts.append(_badge(need.get_moderation_status_display(), " badge-warn"))
    if need.flagged_for_agenda_at:
        parts.append(_badge(gettext("On the council agenda"), " badge-ok"))
    if need.compound_id:
        place = need.compound.name
        if need.building_id:
            place = f"{place} {need.building.name}"
        parts.append(format_html("<span>{}</span>", place))
    parts.append(format_html('<span class="secondary">{}</span>', f"{need.created_at:%Y-%m-%d}"))
    if show_due and need.first_response_at is None and need.is_overdue:
        parts.append(_badge(gettext("Overdue"), " badge-warn"))
    return mark_safe("\n".join(parts))  # noqa: S308 - each part comes from format_html


def _found_in(entry):
    if not entry.snippet_html:
        return ""
    label = {
        "need_reply": gettext("In a reply"),
        "need_comment": gettext("In a comment"),
    }.get(entry.kind)
    badge = format_html('<span class="badge">{}</span> ', label) if label else ""
    return format_html("<p>{}{}</p>", badge, entry.snippet_html)


def _card(entry, supported: set, show_due: bool):
    need = entry.need
    mine = need.pk in supported
    count = format_html(
        '<div class="support-count{}"><strong>{}</strong><span>{}</span>{}</div>',
        " is-supported" if mine else "",
        need.support_count,
        npgettext("count on a card", "support", "supports", need.support_count),
        format_html(
            '<span class="visually-hidden">{}</span><span aria-hidden="true">✓</span>',
            gettext("(you support this)"),
        )
        if mine
        else "",
    )
    return format_html(
        '<li class="need-card">{}<div><h2><a href="{}">{}</a></h2>{}'
        '<p class="need-meta">{}</p></div></li>',
        count,
        reverse("needs:detail", args=[need.pk]),
        entry.title_html or need.title,
        _found_in(entry),
        _meta(need, show_due),
    )


@register.simple_tag
def need_cards(entries, supported=None, show_due=False):
    """The board's list of needs: `entries` are selectors.Result rows (need, search hit)."""
    supported = supported or set()
    return format_html(
        '<ul class="need-list">{}</ul>',
        format_html_join("\n", "{}", ((_card(e, supported, show_due),) for e in entries)),
    )


def _when(moment) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _one_comment(comment, user_id, report_next: str, replies: str = ""):
    status = ""
    if comment.moderation_status != "published":
        status = _badge(comment.get_moderation_status_display(), " badge-warn")
    report = ""
    if comment.author_id != user_id and comment.moderation_status == "published":
        report = format_html(
            '<a class="secondary" href="{}?next={}">{}</a>',
            reverse("moderation:report", args=["needs.comment", comment.pk]),
            report_next,
            gettext("Report"),
        )
    author = mask_name(comment.author.name if comment.author_id and comment.author else "")
    return format_html(
        '<li id="comment-{}"><strong>{}</strong> <span class="muted">{}</span> {}'
        '<p class="comment-text">{}</p>{}{}</li>',
        comment.pk,
        author,
        _when(comment.created_at),
        status,
        comment.text,
        report,
        replies,
    )


@register.simple_tag(takes_context=True)
def comment_thread(context, comments, can_comment=False):
    """A need's comments with their replies and, under each, a form to reply to it."""
    from urllib.parse import quote

    request = context["request"]
    user_id = request.user.pk
    report_next = quote(request.get_full_path())
    action = reverse("needs:comment", args=[context["need"].pk])
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token")
    )
    items = []
    for comment in comments:
        replies = [_one_comment(r, user_id, report_next) for r in comment.replies.all()]
        nested = ""
        if replies:
            nested = format_html(
                '<ul class="replies">{}</ul>', format_html_join("", "{}", ((r,) for r in replies))
            )
        form = ""
        if can_comment and comment.moderation_status == "published":
            form = format_html(
                '<details class="reply-form"><summary>{}</summary>'
                '<form method="post" action="{}">{}'
                '<input type="hidden" name="parent" value="{}">'
                '<label for="reply-{}">{}</label>'
                '<textarea id="reply-{}" name="text" rows="2" maxlength="2000" required></textarea>'
                '<button type="submit" class="button-quiet">{}</button></form></details>',
                gettext("Reply"),
                action,
                csrf,
                comment.pk,
                comment.pk,
                gettext("Your reply"),
                comment.pk,
                gettext("Send reply"),
            )
        items.append(_one_comment(comment, user_id, report_next, format_html("{}{}", nested, form)))
    return format_html(
        '<ul class="comments">{}</ul>', format_html_join("\n", "{}", ((i,) for i in items))
    )

"""Keep the full-text index (gongzhi.core.search) in step with needs, replies and comments.

Written in the same transaction as the change, so a rolled-back action leaves no trace.
Results are filtered again through visible_to(user) when searched; `visible` only lets the
index skip what nobody may find.
"""

from gongzhi.core import search

NEED = "need"
REPLY = "need_reply"
COMMENT = "need_comment"
KINDS = (NEED, REPLY, COMMENT)


def index_need(need) -> None:
    """Index a need (title and text) and its public replies with its current visibility;
    only open needs are offered as similar to a new one."""
    from .models import NeedEvent
    from .transitions import OPEN_STATUSES

    visible = need.is_published
    search.index_document(
        kind=NEED,
        object_id=need.pk,
        community_id=need.community_id,
        title=need.title,
        text=need.text,
        visible=visible,
        is_open=need.status in OPEN_STATUSES,
    )
    replies = NeedEvent.objects.filter(need=need).exclude(text="").only("id", "text")
    for event in replies:
        search.index_document(
            kind=REPLY,
            object_id=event.pk,
            community_id=need.community_id,
            title=need.title,
            text=event.text,
            visible=visible,
            is_open=False,
        )


def index_reply(event, need) -> None:
    """Index one public reply under its need's title."""
    if not event.text:
        return
    search.index_document(
        kind=REPLY,
        object_id=event.pk,
        community_id=need.community_id,
        title=need.title,
        text=event.text,
        visible=need.is_published,
        is_open=False,
    )


def index_comment(comment) -> None:
    """Index a comment under its need's title, visible while both are published."""
    need = comment.need
    search.index_document(
        kind=COMMENT,
        object_id=comment.pk,
        community_id=comment.community_id,
        title=need.title,
        text=comment.text,
        visible=comment.is_published and need.is_published,
        is_open=False,
    )

"""Reads shared by the pages and the API: the board, a need's page, search, suggestions."""

from dataclasses import dataclass

from django.utils import timezone

from gongzhi.core import search

from . import indexing
from .models import Comment, Need, NeedEvent, Support
from .querysets import PUBLISHED, resident_of
from .transitions import OPEN_STATUSES

SORTS = {
    "supported": ("-support_count", "-id"),
    "newest": ("-created_at", "-id"),
    "answered": ("-last_response_at", "-id"),
}
SIMILAR_LIMIT = 5


def board_needs(community, *, status="", category=None, compound=None, sort="supported"):
    """The board's published needs, filtered and sorted: walks one of the board's indexes.

    Use page_of() to turn a slice of it into rows for display.
    """
    rows = Need.objects.on_board(community)
    # Merged needs live on in the need they went into: shown only when asked for.
    rows = rows.filter(status=status) if status else rows.exclude(status=Need.Status.MERGED)
    if category:
        rows = rows.filter(category_id=category)
    if compound:
        rows = rows.filter(compound_id=compound)
    order = SORTS.get(sort, SORTS["supported"])
    if sort == "answered":
        # "Recently answered" lists the needs that have a response, the latest first.
        rows = rows.filter(last_response_at__isnull=False)
    return rows.order_by(*order)


def rows_in_order(ids, *, api: bool = False) -> list[Need]:
    """The needs with these ids, in this order, with what a list shows (one query)."""
    ids = list(ids)
    if not ids:
        return []
    rows = Need.objects.filter(pk__in=ids)
    rows = rows.for_api() if api else rows.for_listing()
    found = {n.pk: n for n in rows}
    return [found[i] for i in ids if i in found]


def pending_needs(user, community) -> list[Need]:
    """The user's own needs waiting for or hidden by moderation, linked above the board.

    A union of a lookup by author and one by resident: each walks its own index, where one
    OR of the two would read every need of the community.
    """
    fields = ("id", "title", "moderation_status")
    rows = Need.objects.none()
    if user is not None and user.is_authenticated:
        base = Need.objects.filter(community=community).exclude(moderation_status=PUBLISHED)
        rows = base.filter(author_id=user.pk).only(*fields)
        resident = resident_of(user)
        if resident is not None:
            rows = rows.union(base.filter(resident_id=resident.pk).only(*fields))
    return list(rows.order_by("-id")[:10])


def supported_ids(user, need_ids) -> set[int]:
    """Which of these needs the user (as a resident) supports: one query."""
    resident = resident_of(user)
    if resident is None or not need_ids:
        return set()
    return set(
        Support.objects.filter(resident=resident, need_id__in=list(need_ids)).values_list(
            "need_id", flat=True
        )
    )


def need_for_page(need_id: int):
    """One need with everything its page shows beside photos, history and comments."""
    # The merge target and the matter are read only for merged and adopted needs.
    return (
        Need.objects.select_related(
            "community", "category", "compound", "building", "author", "resident"
        )
        .filter(pk=need_id)
        .first()
    )


def history(need):
    """The need's public history, oldest first, with who acted."""
    return list(
        NeedEvent.objects.filter(need=need)
        .select_related("actor", "other_need")
        .order_by("created_at", "id")
    )


@dataclass
class Result:
    """One card on the board: a need, and for a search hit where the words were found."""

    need: Need
    kind: str = ""
    title_html: str = ""
    snippet_html: str = ""
    rank: float = 0.0

    @classmethod
    def of(cls, need: Need) -> "Result":
        """A board row that is no search hit."""
        return cls(need)


def search_needs(user, community, q: str, *, limit: int = 20, offset: int = 0, api=False):
    """Search the community's needs, replies and comments; return (count, results).

    The index answers ranked, highlighted hits; they are mapped to needs and filtered once
    more through visible_to(user), so a hit never shows what the user may not open.
    """
    page = search.search(
        q, community_ids=[community.pk], kinds=indexing.KINDS, limit=limit, offset=offset
    )
    need_ids = {h.object_id for h in page.hits if h.kind == indexing.NEED}
    reply_ids = [h.object_id for h in page.hits if h.kind == indexing.REPLY]
    comment_ids = [h.object_id for h in page.hits if h.kind == indexing.COMMENT]
    reply_need = {}
    if reply_ids:
        reply_need = dict(NeedEvent.objects.filter(pk__in=reply_ids).values_list("pk", "need_id"))
    comment_need = {}
    if comment_ids:
        comment_need = dict(
            Comment.objects.visible_to(user).filter(pk__in=comment_ids).values_list("pk", "need_id")
        )
    wanted = need_ids | set(reply_need.values()) | set(comment_need.values())
    needs = {}
    if wanted:
        rows = Need.objects.visible_to(user).filter(community=community, pk__in=wanted)
        needs = {n.pk: n for n in (rows.for_api() if api else rows.for_listing())}
    results = []
    for hit in page.hits:
        need_id: int | None
        if hit.kind == indexing.NEED:
            need_id = hit.object_id
        elif hit.kind == indexing.REPLY:
            need_id = reply_need.get(hit.object_id)
        else:
            need_id = comment_need.get(hit.object_id)
        need = needs.get(need_id)
        if need is None:
            continue
        results.append(Result(need, hit.kind, hit.title_html, hit.snippet_html, hit.rank))
    return page.count, results


def similar_open_needs(user, community, text: str, *, exclude_id=None, api: bool = False):
    """Open needs of the community like the text being typed, most alike first."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    hits = search.similar(
        text,
        community_id=community.pk,
        kinds=[indexing.NEED],
        limit=SIMILAR_LIMIT * 2,
        exclude_ids=(exclude_id,) if exclude_id else (),
    )
    ids = [h.object_id for h in hits]
    if not ids:
        return []
    rows = Need.objects.visible_to(user).filter(
        community=community, pk__in=ids, status__in=OPEN_STATUSES
    )
    found = {n.pk: n for n in (rows.for_api() if api else rows.for_listing())}
    return [found[i] for i in ids if i in found][:SIMILAR_LIMIT]


def overdue_needs(community, *, api: bool = False):
    """The community's needs past their response time, the longest overdue first."""
    rows = Need.objects.overdue(timezone.now()).filter(community=community)
    rows = rows.for_api() if api else rows.for_listing()
    return rows.order_by("response_due_at", "id")

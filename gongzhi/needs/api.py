"""/api/v1/needs/: the 共谋 board for programs, with the same permissions as the pages.

A need or community the user may not see answers 404, like one that does not exist; an
action on a need the user sees but may not take answers 403. Refusals by the rules answer
{"code", "message", "errors"}: 422 when fields are to blame, 409 when the state forbids it.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut, error_body
from gongzhi.registry.models import Building, Community, Compound, Resident

from . import permissions as perms
from . import selectors, services
from .categories import ensure_categories
from .models import MAX_PHOTOS, Category, Comment, Need, NeedSettings
from .schemas import (
    BoardFilter,
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    CommentIn,
    CommentThread,
    EventOut,
    FollowOut,
    NeedDetail,
    NeedIn,
    NeedPage,
    NeedPatch,
    NeedRow,
    PhotoOut,
    ReplyIn,
    SearchIn,
    SearchOut,
    SettingsIO,
    SimilarIn,
    SupportOut,
    TransitionIn,
)

router = Router(auth=api_auth, tags=["needs"])

READ = {404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- helpers -----------------------------------------------------------------------------------


def _board_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not perms.can_view_board(user, community):
        raise Http404
    return community


def _admin_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not perms.can_manage_settings(user, community):
        raise Http404
    return community


def _need(user, need_id: int) -> Need:
    need = selectors.need_for_page(need_id)
    if need is None or not perms.can_view_need(user, need):
        raise Http404
    return need


def _forbidden():
    return Status(403, error_body("forbidden", _("You may not do this.")))


def _refused(exc: services.NeedError):
    if exc.field:
        message = str(exc.message)
        return Status(422, error_body(exc.code, message, {exc.field: [message]}))
    return Status(409, error_body(exc.code, str(exc.message)))


def _invalid(field: str, message: str):
    return Status(422, error_body("invalid", message, {field: [message]}))


def _in_community(model, pk, community, field: str):
    """Fetch a row of the community by id, or None when not given; raise on a foreign id."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, community=community).first()
    if row is None:
        raise services.NeedError("invalid", _("Choose one in this community."), field)
    return row


def _detail(need_id: int) -> Need:
    """The need as NeedDetail renders it (its resolvers add what the caller sees)."""
    return selectors.need_for_page(need_id)


# --- community endpoints -----------------------------------------------------------------------


@router.get("/communities/{community_id}/needs", response={200: NeedPage, **READ})
def list_needs(request, community_id: int, filters: Query[BoardFilter]):
    """The community's board: filtered by status, category or compound, sorted, paginated."""
    community = _board_community(request.auth, community_id)
    rows = selectors.board_needs(
        community,
        status=filters.status or "",
        category=filters.category_id,
        compound=filters.compound_id,
        sort=filters.sort,
    )
    ids = rows.values_list("pk", flat=True)[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "items": selectors.rows_in_order(ids, api=True)}


@router.post("/communities/{community_id}/needs", response={201: NeedDetail, **WRITE})
def raise_need(request, community_id: int, payload: NeedIn):
    """Raise a need or proposal; with on_behalf_of_id a worker raises it for a resident."""
    user = request.auth
    community = _board_community(user, community_id)
    on_behalf_of = None
    if payload.on_behalf_of_id is not None:
        if not perms.can_raise_for_others(user, community):
            return _forbidden()
        on_behalf_of = Resident.objects.filter(
            pk=payload.on_behalf_of_id, community=community
        ).first()
        if on_behalf_of is None or not perms.can_raise_on_behalf_of(user, on_behalf_of):
            return _invalid("on_behalf_of_id", _("Choose a resident you may act for."))
        if not payload.consent_method:
            return _invalid(
                "consent_method", _("Record how the resident agreed to have this raised for them.")
            )
    elif not perms.can_raise_need(user, community):
        return _forbidden()
    try:
        category = _in_community(Category, payload.category_id, community, "category_id")
        compound = _in_community(Compound, payload.compound_id, community, "compound_id")
        building = _in_community(Building, payload.building_id, community, "building_id")
        need = services.raise_need(
            community=community,
            actor=user,
            kind=payload.kind,
            title=payload.title,
            text=payload.text,
            category=category,
            compound=compound,
            building=building,
            on_behalf_of=on_behalf_of,
            consent_method=payload.consent_method or "",
        )
    except services.NeedError as exc:
        return _refused(exc)
    return Status(201, _detail(need.pk))


@router.get("/communities/{community_id}/search", response={200: SearchOut, **READ})
def search_needs(request, community_id: int, params: Query[SearchIn]):
    """Full-text search over the community's needs, replies and comments, highlighted."""
    community = _board_community(request.auth, community_id)
    count, results = selectors.search_needs(
        request.auth, community, params.q, limit=params.limit, offset=params.offset, api=True
    )
    items = [
        {
            "need": r.need,
            "kind": r.kind,
            "title_html": str(r.title_html),
            "snippet_html": str(r.snippet_html),
        }
        for r in results
    ]
    return {"count": count, "items": items}


@router.get("/communities/{community_id}/similar", response={200: list[NeedRow], **READ})
def similar_needs(request, community_id: int, params: Query[SimilarIn]):
    """Open needs like a text being written, so residents support instead of duplicating."""
    community = _board_community(request.auth, community_id)
    return selectors.similar_open_needs(request.auth, community, params.text, api=True)


@router.get("/communities/{community_id}/overdue", response={200: NeedPage, **READ})
def overdue_needs(request, community_id: int, page: Query[BoardFilter]):
    """Needs past the community's response time (community admins)."""
    community = get_object_or_404(Community, pk=community_id)
    if not perms.can_view_overdue(request.auth, community):
        raise Http404
    rows = selectors.overdue_needs(community, api=True)
    return {"count": rows.count(), "items": list(rows[page.offset : page.offset + page.limit])}


@router.get("/communities/{community_id}/categories", response={200: list[CategoryOut], **READ})
def list_categories(request, community_id: int):
    """The categories a need can be raised in."""
    community = _board_community(request.auth, community_id)
    return ensure_categories(community)


@router.post("/communities/{community_id}/categories", response={201: CategoryOut, **WRITE})
def add_category(request, community_id: int, payload: CategoryIn):
    """Add a category (community admins)."""
    community = _admin_community(request.auth, community_id)
    ensure_categories(community)
    try:
        category = services.add_category(community=community, actor=request.auth, name=payload.name)
    except services.NeedError as exc:
        return _refused(exc)
    return Status(201, category)


@router.patch("/categories/{category_id}", response={200: CategoryOut, **WRITE})
def change_category(request, category_id: int, payload: CategoryPatch):
    """Take a category out of use, or back into use (community admins)."""
    category = get_object_or_404(Category.objects.select_related("community"), pk=category_id)
    if not perms.can_manage_settings(request.auth, category.community):
        raise Http404
    return services.set_category_active(
        category=category, actor=request.auth, active=payload.is_active
    )


@router.get("/communities/{community_id}/settings", response={200: SettingsIO, **READ})
def get_settings(request, community_id: int):
    """The support threshold and response time (community admins)."""
    community = _admin_community(request.auth, community_id)
    return NeedSettings.for_community(community)


@router.put("/communities/{community_id}/settings", response={200: SettingsIO, **WRITE})
def put_settings(request, community_id: int, payload: SettingsIO):
    """Change the support threshold and response time (community admins)."""
    community = _admin_community(request.auth, community_id)
    return services.update_settings(
        community=community,
        actor=request.auth,
        support_threshold=payload.support_threshold,
        response_working_days=payload.response_working_days,
    )


# --- one need ----------------------------------------------------------------------------------


@router.get("/{need_id}", response={200: NeedDetail, **READ})
def get_need(request, need_id: int):
    """A need with its photos and history, and whether the user supports and follows it."""
    return _need(request.auth, need_id)


@router.patch("/{need_id}", response={200: NeedDetail, **WRITE})
def edit_need(request, need_id: int, payload: NeedPatch):
    """Change a need's wording and place (its author, before any response)."""
    user = request.auth
    need = _need(user, need_id)
    if not perms.can_edit_need(user, need):
        return _forbidden()
    try:
        services.edit_need(
            need=need,
            actor=user,
            title=payload.title,
            text=payload.text,
            category=_in_community(Category, payload.category_id, need.community, "category_id"),
            compound=_in_community(Compound, payload.compound_id, need.community, "compound_id"),
            building=_in_community(Building, payload.building_id, need.community, "building_id"),
        )
    except services.NeedError as exc:
        return _refused(exc)
    return _detail(need.pk)


@router.post("/{need_id}/photos", response={201: list[PhotoOut], **WRITE})
def add_photos(request, need_id: int, photos: File[list[UploadedFile]]):
    """Add photos (JPEG, PNG, WebP or GIF; re-encoded without EXIF), up to six in all."""
    from django.core.exceptions import ValidationError

    from gongzhi.core.images import clean_image

    user = request.auth
    need = _need(user, need_id)
    if not perms.can_edit_need(user, need):
        return _forbidden()
    if len(photos) > MAX_PHOTOS:
        return _invalid("photos", _("Add at most 6 photos."))
    try:
        cleaned = [clean_image(upload) for upload in photos]
    except ValidationError as exc:
        return _invalid("photos", " ".join(exc.messages))
    try:
        rows = services.add_photos(need=need, actor=user, photos=cleaned)
    except services.NeedError as exc:
        return _refused(exc)
    return Status(201, [PhotoOut(id=p.pk, url=reverse("needs:photo", args=[p.pk])) for p in rows])


def _support_state(user, need) -> dict:
    need.refresh_from_db(fields=["support_count"])
    return {
        "support_count": need.support_count,
        "supported": bool(selectors.supported_ids(user, [need.pk])),
    }


@router.post("/{need_id}/support", response={200: SupportOut, **WRITE})
def support(request, need_id: int):
    """Support (附议) the need: once per resident."""
    need = _need(request.auth, need_id)
    if not perms.can_support(request.auth, need):
        return _forbidden()
    try:
        services.support_need(need=need, actor=request.auth)
    except services.NeedError as exc:
        return _refused(exc)
    return _support_state(request.auth, need)


@router.delete("/{need_id}/support", response={200: SupportOut, **WRITE})
def withdraw(request, need_id: int):
    """Withdraw one's support."""
    need = _need(request.auth, need_id)
    if not perms.can_withdraw_support(request.auth, need):
        return _forbidden()
    try:
        services.withdraw_support(need=need, actor=request.auth)
    except services.NeedError as exc:
        return _refused(exc)
    return _support_state(request.auth, need)


@router.post("/{need_id}/follow", response={200: FollowOut, **WRITE})
def follow(request, need_id: int):
    """Follow the need: be told of its status changes and replies."""
    need = _need(request.auth, need_id)
    if not perms.can_follow(request.auth, need):
        return _forbidden()
    services.follow_need(need=need, actor=request.auth)
    return {"following": True}


@router.delete("/{need_id}/follow", response={200: FollowOut, **WRITE})
def unfollow(request, need_id: int):
    """Stop following the need."""
    need = _need(request.auth, need_id)
    if not perms.can_follow(request.auth, need):
        return _forbidden()
    services.unfollow_need(need=need, actor=request.auth)
    return {"following": False}


@router.get("/{need_id}/comments", response={200: list[CommentThread], **READ})
def list_comments(request, need_id: int):
    """The need's comments, each with its replies."""
    need = _need(request.auth, need_id)
    return list(Comment.objects.thread_for(request.auth, need))


@router.post("/{need_id}/comments", response={201: CommentThread, **WRITE})
def add_comment(request, need_id: int, payload: CommentIn):
    """Comment on the need, or reply to a top-level comment (parent_id)."""
    need = _need(request.auth, need_id)
    if not perms.can_comment(request.auth, need):
        return _forbidden()
    parent = None
    if payload.parent_id is not None:
        parent = Comment.objects.filter(pk=payload.parent_id, need=need).first()
        if parent is None:
            return _invalid("parent_id", _("Reply to a comment on this need."))
    try:
        comment = services.comment_on_need(
            need=need, actor=request.auth, text=payload.text, parent=parent
        )
    except services.NeedError as exc:
        return _refused(exc)
    comment = Comment.objects.select_related("author").get(pk=comment.pk)
    return Status(201, comment)


@router.post("/{need_id}/transitions", response={201: EventOut, **WRITE})
def transition(request, need_id: int, payload: TransitionIn):
    """Triage: accept, merge (merge_into_id), decline, answer or adopt, with a public reply."""
    user = request.auth
    need = _need(user, need_id)
    if not perms.can_triage(user, need):
        return _forbidden()
    target = None
    if payload.to_status == Need.Status.MERGED:
        if payload.merge_into_id is None:
            return _invalid("merge_into_id", _("Choose the need to merge into."))
        target = Need.objects.filter(pk=payload.merge_into_id, community=need.community).first()
        if target is None or not perms.can_view_need(user, target):
            return _invalid("merge_into_id", _("No need with this number on the board."))
    try:
        event = services.transition_need(
            need=need, actor=user, to_status=payload.to_status, reply=payload.reply,
            merge_into=target,
        )  # fmt: skip
    except services.NeedError as exc:
        return _refused(exc)
    return Status(201, event)


@router.post("/{need_id}/replies", response={201: EventOut, **WRITE})
def reply(request, need_id: int, payload: ReplyIn):
    """A public reply that leaves the status as it is."""
    need = _need(request.auth, need_id)
    if not perms.can_reply(request.auth, need):
        return _forbidden()
    try:
        event = services.reply_to_need(need=need, actor=request.auth, text=payload.text)
    except services.NeedError as exc:
        return _refused(exc)
    return Status(201, event)

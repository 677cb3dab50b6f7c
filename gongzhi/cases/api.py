"""/api/v1/cases/: the case lists, the case with its timeline, every action, and campaigns.

The same predicates as the pages decide: a case the user may not see, or an action they may
not take, answers 404 like a missing row. A refused action answers {"code", "message",
"errors"}: 409 when the case's status does not allow it, 422 when the input is to blame.

Photos: a JSON body cannot carry files, and one django-ninja operation reads its fields
either from JSON or from a form, not both. So the report and the reply keep their JSON
endpoints, and each has a multipart twin (`/with-photos`) taking the same fields as form
fields plus `photos`, handled by the same code and the same service call: the photos are
checked before anything is written, so a refused photo saves nothing.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile

from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import ErrorOut, error_body
from gongzhi.core.db import prepared_plans
from gongzhi.registry.models import Building, Community, Compound, Grid
from gongzhi.registry.schemas import PageIn

from . import permissions as perms
from . import services
from .models import CallBack, Campaign, Case, CaseEvent, CasePhoto, Category, HandlingUnit
from .querysets import campaign_progress
from .rates_api import router as rates_router
from .schemas import (
    CallbackIn,
    CampaignDetail,
    CampaignPage,
    CaseCampaignIn,
    CaseDetail,
    CaseFilter,
    CasePage,
    CategoryOut,
    DispatchIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    RedirectIn,
    ReplyIn,
    ReportIn,
    TextIn,
    UnitOut,
)
from .services import CaseError
from .views import photo_file

router = Router(auth=api_auth, tags=["cases"])

NOT_FOUND = {404: ErrorOut}
WRITE = {200: CaseDetail, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
CONFLICTS = {"illegal_transition", "already_answered", "callback_needed"}


def _page(queryset, params) -> dict:
    return {
        "count": queryset.count(),
        "items": list(queryset[params.offset : params.offset + params.limit]),
    }


def _case_or_404(user, case_id: int) -> Case:
    case = get_object_or_404(Case.objects.for_page(), pk=case_id)
    if not perms.can_view_case(user, case):
        raise Http404
    return case


def _acting_on(user, case_id: int, name: str) -> Case:
    case = _case_or_404(user, case_id)
    if not perms.may_take(user, case, name):
        raise Http404
    return case


def _refused(exc: CaseError):
    status = 409 if exc.code in CONFLICTS else 422
    return Status(status, error_body(exc.code, exc.message, exc.errors))


def _detail(user, case_id: int) -> Case:
    """The case with its timeline, call-backs and the viewer's actions attached."""
    case = _case_or_404(user, case_id)
    case.api_events = list(  # type: ignore[attr-defined]
        CaseEvent.objects.filter(case=case)
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("id")))
        .order_by("at", "id")
    )
    works = perms.works_on_case(user, case)
    # The schema reads these three under their aliases (schemas.CaseDetail).
    case.api_callbacks = list(case.callbacks.order_by("at", "id")) if works else []  # type: ignore[attr-defined]
    case.api_actions = perms.available_actions(user, case)  # type: ignore[attr-defined]
    return case


def _in_community(model, pk, community):
    if pk is None:
        return None
    row = model.objects.filter(pk=pk, community=community).first()
    if row is None:
        raise CaseError(_("This is not in the community."), field=f"{model._meta.model_name}_id")
    return row


# --- Lists ---------------------------------------------------------------------------------


@router.get("", response={200: CasePage, **NOT_FOUND})
@prepared_plans()  # as the pages: the joins cost more to plan than to run
def case_list(request, params: Query[CaseFilter]):
    """The cases in the user's work (community, grid, unit, subdistrict), filtered."""
    if not perms.has_case_work(request.auth):
        raise Http404
    cases = Case.objects.handled_by(request.auth).filtered(params.dict(), request.auth)
    order = ("due_at", "id") if params.due else ("-created_at", "-id")
    return _page(cases.for_listing().order_by(*order), params)


@router.get("/mine", response=CasePage)
def my_cases(request, params: Query[PageIn]):
    """The cases the user reported or follows."""
    cases = Case.objects.reported_by(request.auth).for_listing().order_by("-created_at", "-id")
    return _page(cases, params)


@router.get("/categories", response={200: list[CategoryOut], **NOT_FOUND})
def category_list(request, community: int):
    """The minor classes in use in a community (for a report form)."""
    found = get_object_or_404(Community, pk=community)
    allowed = found.pk in perms.report_community_ids(
        request.auth
    ) or perms.can_view_community_cases(request.auth, found)
    if not allowed:
        raise Http404
    return list(Category.objects.for_community(found).for_picker())


@router.get("/units", response={200: list[UnitOut], **NOT_FOUND})
def unit_list(request, community: int):
    """A community's handling units."""
    found = get_object_or_404(Community, pk=community)
    if not perms.can_view_community_cases(request.auth, found):
        raise Http404
    return list(HandlingUnit.objects.filter(community=found).order_by("kind", "name"))


@router.get("/campaigns", response=CampaignPage)
def campaign_list(request, params: Query[PageIn]):
    """Campaigns of the communities the user works on, with progress."""
    return _page(Campaign.objects.visible_to(request.auth).for_listing(), params)


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetail, **NOT_FOUND})
def campaign_detail(request, campaign_id: int):
    """One campaign with its counts by status."""
    campaign = get_object_or_404(Campaign.objects.for_listing(), pk=campaign_id)
    if not perms.can_view_campaign(request.auth, campaign):
        raise Http404
    progress = campaign_progress(campaign)
    campaign.percent_closed = progress["percent_closed"]  # type: ignore[attr-defined]
    campaign.by_status = [  # type: ignore[attr-defined]
        {"status": row["status"], "label": str(row["label"]), "count": row["count"]}
        for row in progress["by_status"]
    ]
    return campaign


# --- Intake --------------------------------------------------------------------------------


REPORTED = {201: CaseDetail, 404: ErrorOut, 422: ErrorOut}


@router.post("", response=REPORTED)
def report(request, payload: ReportIn):
    """Report a case: residents on the web, grid workers on patrol, workers for a caller."""
    return _report(request.auth, payload, [])


@router.post("/with-photos", response=REPORTED)
def report_with_photos(
    request, payload: Form[ReportIn], photos: File[list[UploadedFile] | None] = None
):
    """Report a case with photos (multipart/form-data: the report's fields and `photos`)."""
    return _report(request.auth, payload, photos or [])


def _report(user, payload: ReportIn, photos: list):
    """Check where the user may report through which channel, then file the case."""
    community = get_object_or_404(Community, pk=payload.community_id)
    by_channel: dict[str, set[int]] = {
        Case.Channel.WEB: perms.report_community_ids(user),
        Case.Channel.PATROL: perms.patrol_community_ids(user),
        Case.Channel.PHONE: perms.manager_community_ids(user) | perms.patrol_community_ids(user),
        Case.Channel.WALK_IN: perms.manager_community_ids(user) | perms.patrol_community_ids(user),
    }
    allowed = by_channel[payload.channel]
    if community.pk not in allowed:
        raise Http404
    try:
        category = Category.objects.filter(pk=payload.category_id).first()
        if category is None:
            raise CaseError(_("There is no such category."), field="category_id")
        grid = _in_community(Grid, payload.grid_id, community)
        if payload.channel == Case.Channel.PATROL:
            grids = {g.pk for g in perms.patrol_grids(user, community)}
            if grid is None or grid.pk not in grids:
                raise CaseError(_("Choose one of your grids."), field="grid_id")
        reporter = None
        resident = getattr(user, "resident", None)
        if payload.channel == Case.Channel.WEB:
            reporter = user
            if resident is not None and resident.community_id != community.pk:
                resident = None
        else:
            resident = None
        case = services.report_case(
            community=community,
            category=category,
            title=payload.title,
            text=payload.text,
            channel=payload.channel,
            actor=user,
            address=payload.address,
            compound=_in_community(Compound, payload.compound_id, community),
            building=_in_community(Building, payload.building_id, community),
            grid=grid,
            latitude=payload.latitude,
            longitude=payload.longitude,
            reporter=reporter,
            reporter_resident=resident,
            reporter_name=payload.reporter_name if reporter is None else "",
            reporter_phone=payload.reporter_phone if reporter is None else "",
            campaign=_in_community(Campaign, payload.campaign_id, community),
            photos=photos,
        )
    except CaseError as exc:
        return Status(422, error_body(exc.code, exc.message, exc.errors))
    return Status(201, _detail(user, case.pk))


# --- The case and its actions --------------------------------------------------------------


@router.get("/photos/{photo_id}", response=NOT_FOUND, url_name="case_photo")
def photo(request, photo_id: int):
    """A photo of a case (JPEG), for those who may see the case."""
    return photo_file(request.auth, photo_id)


@router.get("/{case_id}", response={200: CaseDetail, **NOT_FOUND})
@prepared_plans()  # as the pages: the joins cost more to plan than to run
def case_detail(request, case_id: int):
    """The case, its timeline, its call-backs (for those who work on it) and your actions."""
    return _detail(request.auth, case_id)


@router.post("/{case_id}/dispatch", response=WRITE)
def dispatch(request, case_id: int, payload: DispatchIn):
    """Send the case to a handling unit (community managers)."""
    case = _acting_on(request.auth, case_id, "dispatch")
    try:
        unit = _in_community(HandlingUnit, payload.unit_id, case.community)
        category = None
        if payload.category_id is not None:
            category = Category.objects.filter(pk=payload.category_id).first()
            if category is None:
                raise CaseError(_("There is no such category."), field="category_id")
        services.dispatch_case(
            case=case, actor=request.auth, unit=unit, category=category, note=payload.note
        )
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/accept", response=WRITE)
def accept(request, case_id: int):
    """The unit accepts the dispatched case."""
    case = _acting_on(request.auth, case_id, "accept")
    try:
        services.accept_case(case=case, actor=request.auth)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/return", response=WRITE)
def return_(request, case_id: int, payload: ReasonIn):
    """The unit returns the case with a reason."""
    case = _acting_on(request.auth, case_id, "return")
    try:
        services.return_case(case=case, actor=request.auth, reason=payload.reason)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/start", response=WRITE)
def start(request, case_id: int):
    """The unit starts work."""
    case = _acting_on(request.auth, case_id, "start")
    try:
        services.start_case(case=case, actor=request.auth)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/reply", response=WRITE)
def reply(request, case_id: int, payload: ReplyIn):
    """The unit replies with what was done."""
    return _reply(request.auth, case_id, payload, [])


@router.post("/{case_id}/reply/with-photos", response=WRITE)
def reply_with_photos(
    request,
    case_id: int,
    payload: Form[ReplyIn],
    photos: File[list[UploadedFile] | None] = None,
):
    """The unit replies with photos of the result (multipart/form-data: `text` and `photos`)."""
    return _reply(request.auth, case_id, payload, photos or [])


def _reply(user, case_id: int, payload: ReplyIn, photos: list):
    """Reply for the unit (with photos or none) and answer the case as it is now."""
    case = _acting_on(user, case_id, "reply")
    try:
        services.reply_case(case=case, actor=user, text=payload.text, photos=photos)
    except CaseError as exc:
        return _refused(exc)
    return _detail(user, case_id)


@router.post("/{case_id}/callback", response=WRITE)
def callback(request, case_id: int, payload: CallbackIn):
    """Record the call-back: staff by phone or SMS, the reporter online."""
    name = "answer" if payload.method == CallBack.Method.ONLINE else "callback"
    case = _acting_on(request.auth, case_id, name)
    answered = payload.answered or name == "answer"
    try:
        services.record_callback(
            case=case,
            actor=request.auth,
            method=payload.method,
            answered=answered,
            contacted_in_time=payload.contacted_in_time if answered else None,
            solved=payload.solved if answered else None,
            satisfied=payload.satisfied if answered else None,
            comment=payload.comment,
        )
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/close", response=WRITE)
def close(request, case_id: int, payload: NoteIn):
    """Close the case after the call-back."""
    case = _acting_on(request.auth, case_id, "close")
    try:
        services.close_case(case=case, actor=request.auth, note=payload.note)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/reopen", response=WRITE)
def reopen(request, case_id: int, payload: ReasonIn):
    """Reopen a closed case for re-handling."""
    case = _acting_on(request.auth, case_id, "reopen")
    try:
        services.reopen_case(case=case, actor=request.auth, reason=payload.reason)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/merge", response=WRITE)
def merge(request, case_id: int, payload: MergeIn):
    """Merge this duplicate into the main case."""
    case = _acting_on(request.auth, case_id, "merge")
    try:
        into = Case.objects.filter(pk=payload.into, community_id=case.community_id).first()
        if into is None:
            raise CaseError(_("There is no such case in the community."), field="into")
        services.merge_case(case=case, into=into, actor=request.auth, note=payload.note)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/redirect", response=WRITE)
def redirect(request, case_id: int, payload: RedirectIn):
    """Close an emergency as redirected to 110, 119 or 120."""
    case = _acting_on(request.auth, case_id, "redirect")
    try:
        services.redirect_emergency(
            case=case, actor=request.auth, number=payload.number, note=payload.note
        )
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/notes", response=WRITE)
def note(request, case_id: int, payload: TextIn):
    """Put a note on the timeline."""
    case = _acting_on(request.auth, case_id, "note")
    try:
        services.add_note(case=case, actor=request.auth, text=payload.text)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


@router.post("/{case_id}/campaign", response=WRITE)
def campaign(request, case_id: int, payload: CaseCampaignIn):
    """Put the case in a campaign of its community, or take it out."""
    case = _acting_on(request.auth, case_id, "campaign")
    try:
        chosen = _in_community(Campaign, payload.campaign_id, case.community)
        services.set_campaign(case=case, actor=request.auth, campaign=chosen)
    except CaseError as exc:
        return _refused(exc)
    return _detail(request.auth, case_id)


router.add_router("", rates_router)

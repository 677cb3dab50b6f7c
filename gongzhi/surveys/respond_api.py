"""Survey respond endpoints (mounted by surveys/api.py under /api/v1/surveys/).

The same services and permissions as the answering pages. Anything the user may not see
answers 404, like a row that does not exist. Refusals answer {"code", "message", "errors"}:
422 when the answers are to blame (errors keyed by question id), 409 when the survey's state
or an earlier answer forbids it ("closed", "not_open", "already_answered").
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from gongzhi.accounts.api import TOKEN_OR_SESSION, ErrorOut
from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import error_body
from gongzhi.core.masking import mask_name
from gongzhi.registry.models import Building, Household, Resident
from gongzhi.registry.schemas import PageIn

from . import coverage as cov
from . import permissions as perms
from . import respond_services as services
from .audience import audience_households, is_in_audience
from .models import Channel, Survey
from .querysets import resident_of
from .respond_services import ResponseError

router = Router(auth=api_auth)

NOT_FOUND = {404: ErrorOut}
WRITE_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_ID = 2**63 - 1
CONFLICTS = {"closed", "not_open", "already_answered", "used_code"}


# --- shapes ----------------------------------------------------------------------------


class AnswersIn(Schema):
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "By question id: an option id (single), a list of option ids (multiple), "
            '"yes"/"no" or true/false (yes/no), 1-5 (rating), a number, or text.'
        ),
    )


class SubmittedOut(Schema):
    survey_id: int
    channel: str
    submitted: bool = True


class VisitFilter(PageIn):
    building_id: int | None = Field(None, ge=1, le=MAX_ID)


class VisitRow(Schema):
    household_id: int
    dwelling_number: str | None
    head_name: str = Field(description="The oldest member's name, masked.")
    answered: bool
    last_outcome: Literal["answered", "not_home", "declined"] | None
    last_visit_at: datetime | None
    revisit_on: date | None
    has_draft: bool


class BuildingTally(Schema):
    id: int | None
    name: str
    households: int
    reached: int
    answered: int
    not_home: int
    declined: int
    to_visit: int
    reached_share: float
    answered_share: float
    not_home_share: float
    declined_share: float


class VisitPage(Schema):
    building: BuildingTally | None
    buildings: list[BuildingTally]
    count: int
    items: list[VisitRow]


class VisitIn(Schema):
    household_id: int = Field(ge=1, le=MAX_ID)
    outcome: Literal["answered", "not_home", "declined"]
    revisit_on: date | None = None
    note: str = Field("", max_length=300)
    answers: dict[str, Any] = Field(default_factory=dict)
    resident_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Who answered, for surveys of residents."
    )


class VisitOut(Schema):
    id: int
    household_id: int
    outcome: str
    revisit_on: date | None
    at: datetime


class DraftIn(Schema):
    data: dict[str, Any] = Field(
        default_factory=dict, description='Form values: {"q<id>": [values], "respondent": [id]}.'
    )


class DraftOut(Schema):
    data: dict[str, Any]
    updated_at: datetime | None


class CoverageOut(Schema):
    total: BuildingTally
    compounds: list[BuildingTally]
    grids: list[BuildingTally]
    buildings: list[BuildingTally]


# --- helpers ---------------------------------------------------------------------------


def _survey_or_404(survey_id: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("community"), pk=survey_id)
    if survey.status == Survey.Status.DRAFT:
        raise Http404
    return survey


def _household_or_404(user, survey: Survey, household_id: int) -> Household:
    household = get_object_or_404(
        Household.objects.select_related("dwelling__building"), pk=household_id
    )
    if not perms.can_visit(user, survey, household):
        raise Http404
    if not audience_households(survey).filter(pk=household.pk).exists():
        raise Http404
    return household


def _refused(exc: ResponseError):
    if exc.code == "not_in_audience":
        raise Http404
    status = 409 if exc.code in CONFLICTS else 422
    errors = {str(qid): messages for qid, messages in exc.errors.items()}
    return Status(status, error_body(exc.code, exc.message, errors))


# --- endpoints -------------------------------------------------------------------------


@router.post(
    "/{survey_id}/responses",
    auth=TOKEN_OR_SESSION,
    response={201: SubmittedOut, **WRITE_ERRORS},
)
def submit_answers(request, survey_id: int, payload: AnswersIn):
    """Answer a survey as the logged-in resident (for their household or themselves)."""
    survey = _survey_or_404(survey_id)
    resident = resident_of(request.auth)
    if resident is None or resident.community_id != survey.community_id:
        raise Http404
    if not is_in_audience(survey, resident):
        raise Http404
    try:
        services.submit_response(
            survey=survey,
            channel=Channel.ONLINE,
            answers=payload.answers,
            household=resident.household,
            resident=resident,
            actor=request.auth,
        )
    except ResponseError as exc:
        return _refused(exc)
    return Status(201, {"survey_id": survey.pk, "channel": Channel.ONLINE})


@router.get("/{survey_id}/visits", response={200: VisitPage, **NOT_FOUND})
def visit_list(request, survey_id: int, params: Query[VisitFilter]):
    """A worker's visit list: their buildings' tallies, one building's households (masked)."""
    survey = _survey_or_404(survey_id)
    buildings = cov.audience_buildings(survey, perms.visitable_buildings(request.auth, survey))
    tallies = cov.building_tallies(survey, buildings)
    if not tallies and not buildings.exists():
        raise Http404
    chosen = next(
        (t for t in tallies if params.building_id in (None, t.key)),
        None,
    )
    if params.building_id is not None and chosen is None:
        raise Http404
    items: list = []
    count = 0
    if chosen is not None:
        rows = cov.visit_rows(survey, Building(pk=chosen.key), request.auth)
        count = rows.count()
        columns = (
            "pk",
            "dwelling_number",
            "head_name",
            "is_answered",
            "last_outcome",
            "last_visit_at",
            "revisit_on",
            "has_draft",
        )
        items = [
            {
                **row,
                "household_id": row["pk"],
                "head_name": mask_name(row["head_name"] or ""),
                "answered": row["is_answered"],
            }
            for row in rows.values(*columns)[params.offset : params.offset + params.limit]
        ]
    return {
        "building": chosen.as_dict() if chosen else None,
        "buildings": [t.as_dict() for t in tallies],
        "count": count,
        "items": items,
    }


@router.post(
    "/{survey_id}/visits",
    auth=TOKEN_OR_SESSION,
    response={201: VisitOut, **WRITE_ERRORS},
)
def record_visit(request, survey_id: int, payload: VisitIn):
    """Record a door-to-door visit; with outcome "answered", the household's answers too."""
    survey = _survey_or_404(survey_id)
    household = _household_or_404(request.auth, survey, payload.household_id)
    resident = None
    if payload.resident_id is not None:
        resident = get_object_or_404(
            Resident.objects.filter(household=household, status=Resident.Status.ACTIVE),
            pk=payload.resident_id,
        )
    try:
        visit = services.record_visit(
            survey=survey,
            household=household,
            worker=request.auth,
            outcome=payload.outcome,
            revisit_on=payload.revisit_on,
            note=payload.note,
            answers=payload.answers,
            resident=resident,
        )
    except ResponseError as exc:
        return _refused(exc)
    return Status(201, visit)


@router.get("/{survey_id}/visits/{household_id}/draft", response={200: DraftOut, **NOT_FOUND})
def get_draft(request, survey_id: int, household_id: int):
    """Return your half-filled questionnaire for this household (empty when none)."""
    survey = _survey_or_404(survey_id)
    household = _household_or_404(request.auth, survey, household_id)
    draft = services.get_visit_draft(survey=survey, household=household, worker=request.auth)
    return {"data": draft.data if draft else {}, "updated_at": draft.updated_at if draft else None}


@router.put(
    "/{survey_id}/visits/{household_id}/draft",
    auth=TOKEN_OR_SESSION,
    response={200: DraftOut, **WRITE_ERRORS},
)
def put_draft(request, survey_id: int, household_id: int, payload: DraftIn):
    """Save your half-filled questionnaire for this household, replacing the previous one."""
    survey = _survey_or_404(survey_id)
    household = _household_or_404(request.auth, survey, household_id)
    try:
        draft = services.save_visit_draft(
            survey=survey, household=household, worker=request.auth, data=payload.data
        )
    except ResponseError as exc:
        return _refused(exc)
    return {"data": draft.data, "updated_at": draft.updated_at}


@router.get("/{survey_id}/coverage", response={200: CoverageOut, **NOT_FOUND})
def get_coverage(request, survey_id: int):
    """Coverage per building, compound and grid: households reached, answered, and so on."""
    survey = _survey_or_404(survey_id)
    if not perms.can_view_coverage(request.auth, survey):
        raise Http404
    figures = cov.cached_coverage(survey)
    return {
        "total": figures["total"].as_dict(),
        "compounds": [t.as_dict() for t in figures["compounds"]],
        "grids": [t.as_dict() for t in figures["grids"]],
        "buildings": [t.as_dict() for t in figures["buildings"]],
    }

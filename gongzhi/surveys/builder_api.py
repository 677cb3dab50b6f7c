"""Survey builder endpoints under /api/v1/surveys/ (mounted by surveys/api.py).

The same services and permissions as the builder pages: only a community's admins and
workers may manage its surveys; anything else answers 404, like a row that does not exist.
Refusals answer {"code", "message", "errors"}: 422 when fields are to blame, 409 when the
survey's state forbids the change.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from gongzhi.accounts.api import TOKEN_OR_SESSION, ErrorOut
from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import error_body
from gongzhi.registry.models import Building, Community, Compound
from gongzhi.registry.schemas import PageIn

from . import builder_services as services
from .models import Question, Section, Survey
from .permissions import can_manage_surveys
from .querysets import questions_for, surveys

router = Router(auth=api_auth)

NOT_FOUND = {404: ErrorOut}
WRITE_ERRORS = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Service field names -> the names this API uses for them.
API_FIELDS = {
    "audience_compounds": "compound_ids",
    "audience_buildings": "building_ids",
    "section": "section_id",
    "show_if_question": "show_if_question_id",
}
MAX_ID = 2**63 - 1

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Amount = Annotated[Decimal, Field(max_digits=12, decimal_places=2)]
Kind = Literal["single", "multiple", "yes_no", "rating", "number", "short_text", "long_text"]
Direction = Literal["up", "down"]


# --- shapes ----------------------------------------------------------------------------


class SurveyIn(Schema):
    title: Title
    description: str = Field("", max_length=5000)
    unit: Literal["household", "resident"] = "household"
    anonymous: bool = False
    audience: Literal["community", "compounds", "buildings"] = "community"
    compound_ids: list[Id] = Field(default_factory=list, max_length=500)
    building_ids: list[Id] = Field(default_factory=list, max_length=2000)
    audience_min_age: int | None = Field(None, ge=1, le=120)
    opens_at: datetime | None = None
    closes_at: datetime | None = None


class SurveyPatch(Schema):
    title: Title | None = None
    description: str | None = Field(None, max_length=5000)
    unit: Literal["household", "resident"] | None = None
    anonymous: bool | None = None
    audience: Literal["community", "compounds", "buildings"] | None = None
    compound_ids: list[Id] | None = Field(None, max_length=500)
    building_ids: list[Id] | None = Field(None, max_length=2000)
    audience_min_age: int | None = Field(None, ge=1, le=120)
    opens_at: datetime | None = None
    closes_at: datetime | None = None


class SurveyRow(Schema):
    id: int
    title: str
    status: str
    unit: str
    anonymous: bool
    question_count: int
    response_count: int
    created_at: datetime


class SurveyPage(Schema):
    count: int
    items: list[SurveyRow]


class OptionOut(Schema):
    id: int
    position: int
    label: str


class SectionOut(Schema):
    id: int
    position: int
    title: str


class QuestionOut(Schema):
    id: int
    position: int
    section_id: int | None
    kind: str
    text: str
    help_text: str
    required: bool
    max_choices: int | None
    min_value: Decimal | None
    max_value: Decimal | None
    show_if_question_id: int | None
    show_if_values: list[str] = Field(
        description="Option ids (as strings), 'yes'/'no', or ratings '1'-'5'."
    )
    options: list[OptionOut]

    @staticmethod
    def resolve_show_if_values(obj) -> list[str]:
        return [str(v) for v in obj.show_if_values or []]

    @staticmethod
    def resolve_options(obj) -> list:
        return list(obj.options.all())


class SurveyOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    status: str
    unit: str
    anonymous: bool
    audience: str
    compound_ids: list[int]
    building_ids: list[int]
    audience_min_age: int | None
    opens_at: datetime | None
    closes_at: datetime | None
    results_published_at: datetime | None
    copied_from_id: int | None
    created_at: datetime
    sections: list[SectionOut]
    questions: list[QuestionOut]


class SectionIn(Schema):
    title: Title


class MoveIn(Schema):
    direction: Direction


class QuestionIn(Schema):
    kind: Kind
    text: Text
    help_text: str = Field("", max_length=500)
    required: bool = True
    section_id: Id | None = None
    options: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=services.MAX_OPTIONS
    )
    max_choices: int | None = Field(None, ge=1, le=services.MAX_OPTIONS)
    min_value: Amount | None = None
    max_value: Amount | None = None
    show_if_question_id: Id | None = None
    show_if_values: list[str | int] = Field(default_factory=list, max_length=services.MAX_OPTIONS)


class QuestionPatch(Schema):
    kind: Kind | None = None
    text: Text | None = None
    help_text: str | None = Field(None, max_length=500)
    required: bool | None = None
    section_id: Id | None = None
    options: list[Annotated[str, StringConstraints(max_length=200)]] | None = Field(
        None, max_length=services.MAX_OPTIONS
    )
    max_choices: int | None = Field(None, ge=1, le=services.MAX_OPTIONS)
    min_value: Amount | None = None
    max_value: Amount | None = None
    show_if_question_id: Id | None = None
    show_if_values: list[str | int] | None = Field(None, max_length=services.MAX_OPTIONS)


class ReorderIn(Schema):
    order: list[Id] = Field(max_length=1000, description="Every question id, in the new order.")


# --- helpers ---------------------------------------------------------------------------


def _refusal(exc: services.BuilderError):
    """The (status, body) answer for a refused change."""
    errors = {API_FIELDS.get(k, k): v for k, v in exc.errors.items()}
    if errors:
        return Status(422, error_body("invalid", exc.message, errors))
    return Status(409, error_body("conflict", exc.message))


def _invalid(field: str, message: str):
    return Status(422, error_body("invalid", message, {field: [message]}))


def _community_or_404(user, community_id: int) -> Community:
    community = get_object_or_404(Community, pk=community_id)
    if not can_manage_surveys(user, community):
        raise Http404
    return community


def _survey_or_404(user, survey_id: int) -> Survey:
    survey = get_object_or_404(surveys().select_related("community"), pk=survey_id)
    if not can_manage_surveys(user, survey.community):
        raise Http404
    return survey


def _out(survey_id: int) -> dict:
    """The survey with everything SurveyOut shows, in a fixed number of queries."""
    survey = surveys().for_builder().get(pk=survey_id)
    data = {f: getattr(survey, f) for f in SurveyOut.model_fields if hasattr(survey, f)}
    data["compound_ids"] = [c.pk for c in survey.audience_compounds.all()]
    data["building_ids"] = [b.pk for b in survey.audience_buildings.all()]
    data["sections"] = list(survey.sections.all())
    data["questions"] = list(questions_for(survey))
    return data


def _places(community: Community, compound_ids, building_ids):
    """The chosen compounds and buildings of the community, or a field error for strays."""
    compounds = buildings = None
    if compound_ids is not None:
        compounds = list(Compound.objects.filter(community=community, pk__in=compound_ids))
        if len(compounds) != len(set(compound_ids)):
            message = _("Choose compounds of this community.")
            raise services.BuilderError(message, {"audience_compounds": [message]})
    if building_ids is not None:
        buildings = list(Building.objects.filter(community=community, pk__in=building_ids))
        if len(buildings) != len(set(building_ids)):
            message = _("Choose buildings of this community.")
            raise services.BuilderError(message, {"audience_buildings": [message]})
    return compounds, buildings


def _question_refs(survey: Survey, data: dict) -> dict:
    """Turn section_id and show_if_question_id into rows of this survey (or field errors)."""
    out = dict(data)
    if "section_id" in out:
        section_id = out.pop("section_id")
        out["section"] = None
        if section_id is not None:
            out["section"] = Section.objects.filter(survey=survey, pk=section_id).first()
            if out["section"] is None:
                message = _("Choose a section of this survey.")
                raise services.BuilderError(message, {"section": [message]})
    if "show_if_question_id" in out:
        condition_id = out.pop("show_if_question_id")
        out["show_if_question"] = None
        if condition_id is not None:
            out["show_if_question"] = (
                Question.objects.filter(survey=survey, pk=condition_id)
                .prefetch_related("options")
                .first()
            )
            if out["show_if_question"] is None:
                message = _("Choose a question of this survey.")
                raise services.BuilderError(message, {"show_if_question": [message]})
    return out


# --- surveys ---------------------------------------------------------------------------


@router.get("/communities/{int:community_id}", response={200: SurveyPage, **NOT_FOUND})
def list_surveys(request, community_id: int, params: Query[PageIn]):
    """List a community's surveys, newest first, with question and response counts."""
    community = _community_or_404(request.auth, community_id)
    rows = surveys().filter(community=community).for_listing()
    return {
        "count": rows.count(),
        "items": list(rows[params.offset : params.offset + params.limit]),
    }


@router.post(
    "/communities/{int:community_id}",
    auth=TOKEN_OR_SESSION,
    response={201: SurveyOut, **WRITE_ERRORS},
)
def create_survey(request, community_id: int, payload: SurveyIn):
    """Create a draft survey in the community."""
    community = _community_or_404(request.auth, community_id)
    data = payload.model_dump()
    try:
        compounds, buildings = _places(
            community, data.pop("compound_ids"), data.pop("building_ids")
        )
        survey = services.create_survey(
            community=community,
            actor=request.auth,
            compounds=compounds,
            buildings=buildings,
            **data,
        )
    except services.BuilderError as exc:
        return _refusal(exc)
    return Status(201, _out(survey.pk))


@router.get("/{int:survey_id}", response={200: SurveyOut, **NOT_FOUND})
def get_survey(request, survey_id: int):
    """Return a survey with its sections, questions and options, in questionnaire order."""
    survey = _survey_or_404(request.auth, survey_id)
    return _out(survey.pk)


@router.patch("/{int:survey_id}", auth=TOKEN_OR_SESSION, response={200: SurveyOut, **WRITE_ERRORS})
def update_survey(request, survey_id: int, payload: SurveyPatch):
    """Change a survey's settings; send only the fields to change."""
    survey = _survey_or_404(request.auth, survey_id)
    data = payload.model_dump(exclude_unset=True)
    for required in ("title", "unit", "anonymous", "audience"):
        if required in data and data[required] is None:
            return _invalid(required, _("This field cannot be empty."))
    try:
        compounds, buildings = _places(
            survey.community, data.pop("compound_ids", None), data.pop("building_ids", None)
        )
        if "description" in data and data["description"] is None:
            data["description"] = ""
        services.update_survey(
            survey=survey,
            actor=request.auth,
            changes=data,
            compounds=compounds,
            buildings=buildings,
        )
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


@router.delete("/{int:survey_id}", auth=TOKEN_OR_SESSION, response={204: None, **WRITE_ERRORS})
def delete_survey(request, survey_id: int):
    """Delete a draft survey."""
    survey = _survey_or_404(request.auth, survey_id)
    try:
        services.delete_survey(survey=survey, actor=request.auth)
    except services.BuilderError as exc:
        return _refusal(exc)
    return Status(204, None)


@router.post(
    "/{int:survey_id}/open", auth=TOKEN_OR_SESSION, response={200: SurveyOut, **WRITE_ERRORS}
)
def open_survey(request, survey_id: int):
    """Open a draft survey for answers (it needs at least one question)."""
    survey = _survey_or_404(request.auth, survey_id)
    try:
        services.open_survey(survey=survey, actor=request.auth)
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


@router.post(
    "/{int:survey_id}/close", auth=TOKEN_OR_SESSION, response={200: SurveyOut, **WRITE_ERRORS}
)
def close_survey(request, survey_id: int):
    """Close an open survey."""
    survey = _survey_or_404(request.auth, survey_id)
    try:
        services.close_survey(survey=survey, actor=request.auth)
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


@router.post(
    "/{int:survey_id}/duplicate", auth=TOKEN_OR_SESSION, response={201: SurveyOut, **WRITE_ERRORS}
)
def duplicate_survey(request, survey_id: int):
    """Copy a survey (sections, questions, options, show-if) as a new draft."""
    survey = _survey_or_404(request.auth, survey_id)
    copy = services.duplicate_survey(survey=survey, actor=request.auth)
    return Status(201, _out(copy.pk))


# --- sections --------------------------------------------------------------------------


def _section_or_404(survey: Survey, section_id: int) -> Section:
    section = get_object_or_404(Section, pk=section_id, survey=survey)
    section.survey = survey
    return section


@router.post(
    "/{int:survey_id}/sections", auth=TOKEN_OR_SESSION, response={201: SurveyOut, **WRITE_ERRORS}
)
def add_section(request, survey_id: int, payload: SectionIn):
    """Add a section at the end of the survey."""
    survey = _survey_or_404(request.auth, survey_id)
    try:
        services.add_section(survey=survey, actor=request.auth, title=payload.title)
    except services.BuilderError as exc:
        return _refusal(exc)
    return Status(201, _out(survey.pk))


@router.patch(
    "/{int:survey_id}/sections/{int:section_id}",
    auth=TOKEN_OR_SESSION,
    response={200: SurveyOut, **WRITE_ERRORS},
)
def rename_section(request, survey_id: int, section_id: int, payload: SectionIn):
    """Rename a section."""
    survey = _survey_or_404(request.auth, survey_id)
    section = _section_or_404(survey, section_id)
    try:
        services.rename_section(section=section, actor=request.auth, title=payload.title)
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


@router.post(
    "/{int:survey_id}/sections/{int:section_id}/move",
    auth=TOKEN_OR_SESSION,
    response={200: SurveyOut, **WRITE_ERRORS},
)
def move_section(request, survey_id: int, section_id: int, payload: MoveIn):
    """Move a section (with its questions) one place up or down."""
    survey = _survey_or_404(request.auth, survey_id)
    section = _section_or_404(survey, section_id)
    try:
        services.move_section(section=section, actor=request.auth, direction=payload.direction)
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


@router.delete(
    "/{int:survey_id}/sections/{int:section_id}",
    auth=TOKEN_OR_SESSION,
    response={200: SurveyOut, **WRITE_ERRORS},
)
def delete_section(request, survey_id: int, section_id: int):
    """Delete a section; its questions join the section before it."""
    survey = _survey_or_404(request.auth, survey_id)
    section = _section_or_404(survey, section_id)
    try:
        services.delete_section(section=section, actor=request.auth)
    except services.BuilderError as exc:
        return _refusal(exc)
    return _out(survey.pk)


# --- questions -------------------------------------------------------------------------


def _question_or_404(survey: Survey, question_id: int) -> Question:
    question = get_object_or_404(Question, pk=question_id, survey=survey)
    question.survey = survey
    return question


@router.post(
    "/{int:survey_id}/questions", auth=TOKEN_OR_SESSION, response={201: QuestionOut, **WRITE_ERRORS}
)
def add_question(request, survey_id: int, payload: QuestionIn):
    """Add a question at the end of its section."""
    survey = _survey_or_404(request.auth, survey_id)
    data = payload.model_dump()
    options = data.pop("options")
    try:
        fields = _question_refs(survey, data)
        question = services.add_question(
            survey=survey, actor=request.auth, options=options, **fields
        )
    except services.BuilderError as exc:
        return _refusal(exc)
    return Status(201, questions_for(survey).get(pk=question.pk))


@router.patch(
    "/{int:survey_id}/questions/{int:question_id}",
    auth=TOKEN_OR_SESSION,
    response={200: QuestionOut, **WRITE_ERRORS},
)
def update_question(request, survey_id: int, question_id: int, payload: QuestionPatch):
    """Change a question; send only the fields to change (options replace the list)."""
    survey = _survey_or_404(request.auth, survey_id)
    question = _question_or_404(survey, question_id)
    data = payload.model_dump(exclude_unset=True)
    for required in ("kind", "text", "required"):
        if required in data and data[required] is None:
            return _invalid(required, _("This field cannot be empty."))
    options = data.pop("options", None)
    if "help_text" in data and data["help_text"] is None:
        data["help_text"] = ""
    if "show_if_values" in data and data["show_if_values"] is None:
        data["show_if_values"] = []
    try:
        changes = _question_refs(survey, data)
        services.update_question(
            question=question, actor=request.auth, changes=changes, options=options
        )
    except services.BuilderError as exc:
        return _refusal(exc)
    return questions_for(survey).get(pk=question.pk)


@router.delete(
    "/{int:survey_id}/questions/{int:question_id}",
    auth=TOKEN_OR_SESSION,
    response={204: None, **WRITE_ERRORS},
)
def delete_question(request, survey_id: int, question_id: int):
    """Delete a question no other question depends on."""
    survey = _survey_or_404(request.auth, survey_id)
    question = _question_or_404(survey, question_id)
    try:
        services.delete_question(question=question, actor=request.auth)
    except services.BuilderError as exc:
        return _refusal(exc)
    return Status(204, None)


@router.post(
    "/{int:survey_id}/questions/{int:question_id}/move",
    auth=TOKEN_OR_SESSION,
    response={200: list[QuestionOut], **WRITE_ERRORS},
)
def move_question(request, survey_id: int, question_id: int, payload: MoveIn):
    """Move a question one place up or down; return the questions in their new order."""
    survey = _survey_or_404(request.auth, survey_id)
    question = _question_or_404(survey, question_id)
    try:
        services.move_question(question=question, actor=request.auth, direction=payload.direction)
    except services.BuilderError as exc:
        return _refusal(exc)
    return list(questions_for(survey))


@router.post(
    "/{int:survey_id}/questions/reorder",
    auth=TOKEN_OR_SESSION,
    response={200: list[QuestionOut], **WRITE_ERRORS},
)
def reorder_questions(request, survey_id: int, payload: ReorderIn):
    """Put the questions in this order (each section's questions stay together)."""
    survey = _survey_or_404(request.auth, survey_id)
    try:
        services.reorder_questions(survey=survey, actor=request.auth, order=payload.order)
    except services.BuilderError as exc:
        return _refusal(exc)
    return list(questions_for(survey))

"""Survey results endpoints (mounted by surveys/api.py under /api/v1/surveys/).

Residents read published results (aggregates and frequent terms) like the page does; the
breakdown, cross-tabulation and text answers are for staff. Anything the user may not see
answers 404, exactly like a missing survey.
"""

from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from gongzhi.accounts.api import ErrorOut
from gongzhi.accounts.auth import api_auth
from gongzhi.core.api_errors import error_body

from . import permissions as perms
from .models import Question, Survey
from .results import (
    CHOICE_KINDS,
    TEXT_KINDS,
    breakdown,
    crosstab,
    survey_questions,
    survey_results,
    text_answers,
)
from .results_services import ResultsError, publish_results, unpublish_results

router = Router(auth=api_auth)

NOT_FOUND = {404: ErrorOut}
MAX_LIMIT = 200
ID = Field(..., ge=1, le=2**63 - 1)


# --- Shapes ----------------------------------------------------------------------------------


class OptionResultOut(Schema):
    id: int = Field(description="Option id; 1/0 for yes/no; the value 1-5 for a rating.")
    label: str
    count: int
    share: float = Field(description="Share of the people who answered the question.")


class TermOut(Schema):
    term: str
    answers: int = Field(description="How many answers use the term.")


class QuestionResultOut(Schema):
    id: int
    kind: str
    text: str
    answered: int
    share_answered: float = Field(description="Share of all responses that answered.")
    options: list[OptionResultOut] | None = None
    average: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    terms: list[TermOut] | None = None


class ChannelOut(Schema):
    channel: str
    label: str
    count: int
    share: float


class ResultsOut(Schema):
    survey_id: int
    title: str
    status: str
    anonymous: bool
    results_published_at: datetime | None
    responses: int
    channels: list[ChannelOut]
    questions: list[QuestionResultOut]


class CellOut(Schema):
    count: int
    share: float


class ColumnOut(Schema):
    key: int
    label: str


class BreakdownRowOut(Schema):
    label: str
    answered: int
    suppressed: bool = Field(description="Too few answers to show in an anonymous survey.")
    cells: list[CellOut]
    average: float | None = None


class BreakdownViewOut(Schema):
    name: str = Field(description="compound, building or age_group")
    title: str
    caption: str
    rows: list[BreakdownRowOut]


class BreakdownOut(Schema):
    question_id: int
    columns: list[ColumnOut]
    views: list[BreakdownViewOut]


class BreakdownIn(Schema):
    question: int = ID


class CrosstabIn(Schema):
    a: int = ID
    b: int = ID


class CrosstabRowOut(Schema):
    label: str
    total: int
    cells: list[CellOut]


class CrosstabOut(Schema):
    a: int
    b: int
    columns: list[str]
    rows: list[CrosstabRowOut]
    column_totals: list[int]
    total: int
    counts_pairs: bool = Field(description="True when a multiple choice makes totals count pairs.")


class TextAnswerOut(Schema):
    text: str
    submitted_on: date


class TextAnswerPage(Schema):
    count: int
    items: list[TextAnswerOut]


class TextPageIn(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


class PublishedOut(Schema):
    survey_id: int
    results_published_at: datetime | None


# --- Access ----------------------------------------------------------------------------------


def _survey_or_404(user, survey_id: int) -> Survey:
    survey = get_object_or_404(Survey.objects.select_related("community"), pk=survey_id)
    if not perms.can_view_results(user, survey):
        raise Http404
    return survey


def _detailed_survey_or_404(user, survey_id: int) -> Survey:
    survey = _survey_or_404(user, survey_id)
    if not perms.can_view_result_details(user, survey):
        raise Http404
    return survey


def _number(value) -> float | None:
    return None if value is None else float(value)


# --- Endpoints -------------------------------------------------------------------------------


@router.get("/{survey_id}/results", response={200: ResultsOut, **NOT_FOUND})
def get_results(request, survey_id: int):
    """Return live results: counts and shares per option, averages, frequent terms."""
    survey = _survey_or_404(request.auth, survey_id)
    data = survey_results(survey)
    questions = []
    for item in data["questions"]:
        question = item["question"]
        questions.append(
            {
                "id": question.pk,
                "kind": question.kind,
                "text": question.text,
                "answered": item["answered"],
                "share_answered": round(item["share_answered"], 4),
                "options": [{**o, "share": round(o["share"], 4)} for o in item.get("options", [])]
                or None,
                "average": _number(item.get("average")),
                "minimum": _number(item.get("minimum")),
                "maximum": _number(item.get("maximum")),
                "terms": [{"term": t, "answers": n} for t, n in item["terms"]]
                if "terms" in item
                else None,
            }
        )
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "status": survey.status,
        "anonymous": survey.anonymous,
        "results_published_at": survey.results_published_at,
        "responses": data["total"],
        "channels": [{**c, "share": round(c["share"], 4)} for c in data["channels"]],
        "questions": questions,
    }


@router.get("/{survey_id}/results/breakdown", response={200: BreakdownOut, **NOT_FOUND})
def get_breakdown(request, survey_id: int, params: Query[BreakdownIn]):
    """Tally one question by compound, building and age group (staff only)."""
    survey = _detailed_survey_or_404(request.auth, survey_id)
    question = get_object_or_404(
        Question.objects.filter(survey=survey).exclude(kind__in=TEXT_KINDS), pk=params.question
    )
    data = breakdown(survey, question)
    return {
        "question_id": question.pk,
        "columns": [{"key": c["key"], "label": c["label"]} for c in data["columns"]],
        "views": [
            {
                "name": view["name"],
                "title": str(view["title"]),
                "caption": str(view["caption"]),
                "rows": [
                    {**row, "label": str(row["label"]), "average": _number(row.get("average"))}
                    for row in view["rows"]
                ],
            }
            for view in data["views"]
        ],
    }


@router.get(
    "/{survey_id}/results/crosstab", response={200: CrosstabOut, 422: ErrorOut, **NOT_FOUND}
)
def get_crosstab(request, survey_id: int, params: Query[CrosstabIn]):
    """Count respondents per pair of options of two choice questions (staff only)."""
    survey = _detailed_survey_or_404(request.auth, survey_id)
    questions = {q.pk: q for q in survey_questions(survey) if q.kind in CHOICE_KINDS}
    if params.a not in questions or params.b not in questions:
        raise Http404
    if params.a == params.b:
        return Status(422, error_body("same_question", _("Choose two different questions.")))
    table = crosstab(questions[params.a], questions[params.b])
    return {
        "a": params.a,
        "b": params.b,
        "columns": table["columns"],
        "rows": table["rows"],
        "column_totals": table["column_totals"],
        "total": table["total"],
        "counts_pairs": table["counts_pairs"],
    }


@router.get(
    "/{survey_id}/results/questions/{question_id}/text-answers",
    response={200: TextAnswerPage, **NOT_FOUND},
)
def list_text_answers(request, survey_id: int, question_id: int, params: Query[TextPageIn]):
    """List a text question's answers, newest day first (staff only)."""
    survey = _detailed_survey_or_404(request.auth, survey_id)
    question = get_object_or_404(
        Question.objects.filter(survey=survey, kind__in=TEXT_KINDS), pk=question_id
    )
    answers = text_answers(question)
    rows = answers[params.offset : params.offset + params.limit]
    return {
        "count": answers.count(),
        "items": [
            {
                "text": row["text"],
                "submitted_on": timezone.localtime(row["response__submitted_at"]).date(),
            }
            for row in rows
        ],
    }


def _set_published(request, survey_id: int, publish: bool):
    survey = _survey_or_404(request.auth, survey_id)
    if not perms.can_publish_results(request.auth, survey):
        raise Http404
    try:
        if publish:
            publish_results(survey=survey, actor=request.auth)
        else:
            unpublish_results(survey=survey, actor=request.auth)
    except ResultsError as error:
        return Status(409, error_body("draft", error.message))
    return {"survey_id": survey.pk, "results_published_at": survey.results_published_at}


@router.post(
    "/{survey_id}/results/publish", response={200: PublishedOut, 409: ErrorOut, **NOT_FOUND}
)
def publish(request, survey_id: int):
    """Publish the results to the community's residents (survey managers)."""
    return _set_published(request, survey_id, True)


@router.post(
    "/{survey_id}/results/unpublish", response={200: PublishedOut, 409: ErrorOut, **NOT_FOUND}
)
def unpublish(request, survey_id: int):
    """Stop showing the results to residents (survey managers)."""
    return _set_published(request, survey_id, False)

"""Survey results pages: live aggregates with charts, breakdown, cross-tabulation, text answers,
exports and publishing.

Residents see a survey's results only once they are published, and then only the aggregates
and the frequent terms of text answers; anything else answers 404 to them, as to outsiders.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import exports
from . import permissions as perms
from .models import Question, Survey
from .results import (
    CHOICE_KINDS,
    TEXT_KINDS,
    breakdown,
    chart_data,
    crosstab,
    survey_questions,
    survey_results,
    text_answers,
)
from .results_services import ResultsError, publish_results, unpublish_results

PAGE_SIZE = 25


def get_results_survey(user, survey_id: int) -> Survey:
    """Return the survey if the user may see its results, else 404."""
    survey = get_object_or_404(Survey.objects.select_related("community"), pk=survey_id)
    if not perms.can_view_results(user, survey):
        raise Http404
    return survey


def get_detailed_results_survey(user, survey_id: int) -> Survey:
    """Return the survey if the user may see breakdowns and text answers, else 404."""
    survey = get_results_survey(user, survey_id)
    if not perms.can_view_result_details(user, survey):
        raise Http404
    return survey


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _pick(questions, question_id, kinds):
    return next((q for q in questions if q.pk == question_id and q.kind in kinds), None)


@login_required
@require_GET
def results(request, survey_id: int):
    """Live results: counts and shares per option, averages, frequent terms, by channel."""
    survey = get_results_survey(request.user, survey_id)
    details = perms.can_view_result_details(request.user, survey)
    data = survey_results(survey)
    questions = [item["question"] for item in data["questions"]]
    chosen = None
    if details:
        breakdown_kinds = [k for k in Question.Kind.values if k not in TEXT_KINDS]
        chosen = _pick(questions, _int(request.GET.get("breakdown")), breakdown_kinds)
    context = {
        "survey": survey,
        "results": data,
        "charts": chart_data(data),
        "details": details,
        "breakdown": breakdown(survey, chosen) if chosen else None,
        "breakdown_questions": [
            (number, q) for number, q in enumerate(questions, start=1) if q.kind not in TEXT_KINDS
        ],
        "choice_questions": [q for q in questions if q.kind in CHOICE_KINDS],
        "can_export": perms.can_export_results(request.user, survey),
        "can_publish": perms.can_publish_results(request.user, survey),
    }
    return render(request, "surveys/results/results.html", context)


@login_required
@require_GET
def crosstab_page(request, survey_id: int):
    """Cross-tabulate two choice questions: respondents per pair of options."""
    survey = get_detailed_results_survey(request.user, survey_id)
    questions = [q for q in survey_questions(survey) if q.kind in CHOICE_KINDS]
    a = _pick(questions, _int(request.GET.get("a")), CHOICE_KINDS)
    b = _pick(questions, _int(request.GET.get("b")), CHOICE_KINDS)
    table = crosstab(a, b) if a and b and a != b else None
    context = {
        "survey": survey,
        "questions": questions,
        "a": a,
        "b": b,
        "table": table,
        "same_question": a is not None and a == b,
    }
    return render(request, "surveys/results/crosstab.html", context)


@login_required
@require_GET
def text_answers_page(request, survey_id: int, question_id: int):
    """List a text question's answers, newest day first, page by page."""
    survey = get_detailed_results_survey(request.user, survey_id)
    question = get_object_or_404(
        Question.objects.filter(survey=survey, kind__in=TEXT_KINDS), pk=question_id
    )
    page = Paginator(text_answers(question), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/results/text_answers.html",
        {"survey": survey, "question": question, "page": page},
    )


@login_required
@require_POST
def publish(request, survey_id: int):
    """Publish the results to residents, or withdraw them (action=publish|unpublish)."""
    survey = get_results_survey(request.user, survey_id)
    if not perms.can_publish_results(request.user, survey):
        raise Http404
    try:
        if request.POST.get("action") == "unpublish":
            unpublish_results(survey=survey, actor=request.user)
            messages.success(request, _("The results are no longer shown to residents."))
        else:
            publish_results(survey=survey, actor=request.user)
            messages.success(request, _("The results are now shown to residents."))
    except ResultsError as error:
        messages.error(request, error.message)
    return redirect("surveys:results", survey.pk)


def _download(request, survey_id: int, file_format: str):
    survey = get_results_survey(request.user, survey_id)
    if not perms.can_export_results(request.user, survey):
        raise Http404
    exports.record_export(survey=survey, actor=request.user, file_format=file_format)
    if file_format == "xlsx":
        chunks, content_type = exports.xlsx_chunks(survey), exports.XLSX_CONTENT_TYPE
    else:
        chunks, content_type = exports.csv_chunks(survey), exports.CSV_CONTENT_TYPE
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = exports.export_filename(survey, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Named answers are personal data: keep them out of browser and proxy caches.
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def export_xlsx(request, survey_id: int):
    """Download every response as an Excel workbook (streamed, audited)."""
    return _download(request, survey_id, "xlsx")


@login_required
@require_GET
def export_csv(request, survey_id: int):
    """Download every response as CSV (streamed, audited)."""
    return _download(request, survey_id, "csv")

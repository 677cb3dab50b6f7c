"""The survey builder's pages, for a community's admins and workers.

Every survey, section and question is fetched through a get_*_for_user helper that answers
404 when the user may not manage it, so a refused request never reveals that it exists.
Buttons are plain form posts: the builder works without JavaScript.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of
from gongzhi.registry.models import Community

from . import builder_services as services
from .builder_forms import QuestionForm, SectionForm, SurveyForm, add_builder_error
from .models import Question, Section, Survey
from .permissions import can_manage_surveys
from .querysets import questions_for, surveys

PAGE_SIZE = 25
QUESTIONNAIRE_TEMPLATE = "surveys/respond/_questionnaire.html"


def get_managed_community(user, community_id: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not can_manage_surveys(user, community):
        raise Http404
    return community


def get_managed_survey(user, survey_id: int) -> Survey:
    survey = get_object_or_404(surveys().select_related("community__subdistrict"), pk=survey_id)
    if not can_manage_surveys(user, survey.community):
        raise Http404
    return survey


def get_managed_section(user, survey_id: int, section_id: int) -> Section:
    survey = get_managed_survey(user, survey_id)
    section = get_object_or_404(Section, pk=section_id, survey=survey)
    section.survey = survey
    return section


def get_managed_question(user, survey_id: int, question_id: int) -> Question:
    survey = get_managed_survey(user, survey_id)
    question = get_object_or_404(Question, pk=question_id, survey=survey)
    question.survey = survey
    return question


def _edit_url(survey: Survey, anchor: str = "") -> str:
    url = reverse("surveys:edit", args=[survey.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def index(request):
    """The surveys entry of the navigation: the one community's list, or a choice of them."""
    scope = scope_of(request.user)
    communities = Community.objects.order_by("name", "id")
    if not scope.is_superuser:
        ids = scope.ids(Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)
        communities = communities.filter(id__in=ids)
    communities = list(communities[:200])
    if not communities:
        raise Http404
    if len(communities) == 1:
        return redirect("surveys:list", communities[0].pk)
    return render(request, "surveys/builder/index.html", {"communities": communities})


@login_required
def survey_list(request, community_id: int):
    """The community's surveys, newest first, with their question and response counts."""
    community = get_managed_community(request.user, community_id)
    rows = surveys().filter(community=community)
    status = request.GET.get("status", "")
    if status in Survey.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.for_listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/builder/list.html",
        {
            "community": community,
            "page": page,
            "status": status,
            "statuses": Survey.Status.choices,
        },
    )


@login_required
def survey_create(request, community_id: int):
    """Create a draft survey: its wording, who is asked, how, and when."""
    community = get_managed_community(request.user, community_id)
    form = SurveyForm(request.POST or None, community=community, instance=Survey())
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(
                community=community,
                actor=request.user,
                compounds=form.cleaned_data["audience_compounds"],
                buildings=form.cleaned_data["audience_buildings"],
                **form.service_fields(),
            )
        except services.BuilderError as exc:
            add_builder_error(form, exc)
        else:
            messages.success(request, _("The survey has been created. Now add its questions."))
            return redirect("surveys:edit", survey.pk)
    return render(
        request,
        "surveys/builder/survey_form.html",
        {"community": community, "form": form, "survey": None},
    )


@login_required
def survey_settings(request, survey_id: int):
    """Change a survey's settings (who is asked is fixed once it has been opened)."""
    survey = get_managed_survey(request.user, survey_id)
    form = SurveyForm(request.POST or None, community=survey.community, instance=survey)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_survey(
                survey=survey,
                actor=request.user,
                changes=form.service_fields(),
                compounds=form.cleaned_data["audience_compounds"],
                buildings=form.cleaned_data["audience_buildings"],
            )
        except services.BuilderError as exc:
            add_builder_error(form, exc)
        else:
            if changed:
                messages.success(request, _("The survey's settings have been saved."))
            return redirect("surveys:edit", survey.pk)
    return render(
        request,
        "surveys/builder/survey_form.html",
        {"community": survey.community, "form": form, "survey": survey},
    )


def _label_conditions(questions: list[Question]) -> None:
    """Give each question with a show-if condition the answers that show it, in words."""
    for question in questions:
        condition = question.show_if_question
        question.condition_label = ""  # type: ignore[attr-defined]
        if condition is None:
            continue
        by_value = dict(services.condition_values(_same(condition, questions)))
        question.condition_label = " / ".join(  # type: ignore[attr-defined]
            str(by_value.get(str(v), v)) for v in question.show_if_values
        )


def _same(question: Question, questions: list[Question]) -> Question:
    """The instance of this question in the list (it has its options prefetched)."""
    return next((q for q in questions if q.pk == question.pk), question)


def _blocks(sections: list[Section], questions: list[Question]) -> list[dict]:
    """The questionnaire as blocks: questions without a section, then each section's."""
    blocks: list[dict[str, Any]] = [{"section": None, "questions": []}]
    by_section: dict[int | None, dict[str, Any]] = {
        s.pk: {"section": s, "questions": []} for s in sections
    }
    for question in questions:
        by_section.get(question.section_id, blocks[0])["questions"].append(question)
    return blocks + [by_section[s.pk] for s in sections]


@login_required
def survey_edit(request, survey_id: int):
    """The builder: settings, status, sections and questions with their buttons."""
    survey = get_managed_survey(request.user, survey_id)
    survey = surveys().for_builder().get(pk=survey.pk)
    sections = list(survey.sections.all())
    questions = list(questions_for(survey))
    _label_conditions(questions)
    has_responses = survey.responses.exists()
    structure_locked = has_responses or survey.status == Survey.Status.CLOSED
    context = {
        "survey": survey,
        "community": survey.community,
        "blocks": _blocks(sections, questions),
        "question_count": len(questions),
        "last_section": sections[-1] if sections else None,
        "has_responses": has_responses,
        "structure_locked": structure_locked,
        "section_form": SectionForm(),
        "can_open": survey.status == Survey.Status.DRAFT,
        "can_close": survey.status == Survey.Status.OPEN,
        "can_delete": survey.status == Survey.Status.DRAFT,
    }
    return render(request, "surveys/builder/edit.html", context)


def _run(request, action, success: str, **kwargs) -> bool:
    """Run a builder service; report its refusal as an error message."""
    try:
        action(actor=request.user, **kwargs)
    except services.BuilderError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@require_POST
@login_required
def survey_open(request, survey_id: int):
    """Open the survey for answers."""
    survey = get_managed_survey(request.user, survey_id)
    _run(request, services.open_survey, _("The survey is open for answers."), survey=survey)
    return redirect("surveys:edit", survey.pk)


@require_POST
@login_required
def survey_close(request, survey_id: int):
    """Close the survey: no more answers."""
    survey = get_managed_survey(request.user, survey_id)
    _run(request, services.close_survey, _("The survey is closed."), survey=survey)
    return redirect("surveys:edit", survey.pk)


@require_POST
@login_required
def survey_duplicate(request, survey_id: int):
    """Copy the survey as a new draft and open the copy."""
    survey = get_managed_survey(request.user, survey_id)
    copy = services.duplicate_survey(survey=survey, actor=request.user)
    messages.success(
        request, _("This is a new draft copied from “%(title)s”.") % {"title": survey.title}
    )
    return redirect("surveys:edit", copy.pk)


@login_required
def survey_delete(request, survey_id: int):
    """Ask, then delete a draft survey."""
    survey = get_managed_survey(request.user, survey_id)
    if request.method == "POST":
        if _run(request, services.delete_survey, _("The draft has been deleted."), survey=survey):
            return redirect("surveys:list", survey.community_id)
        return redirect("surveys:edit", survey.pk)
    return render(
        request,
        "surveys/builder/confirm_delete.html",
        {"survey": survey, "community": survey.community, "thing": survey.title},
    )


@login_required
def survey_preview(request, survey_id: int):
    """The questionnaire as a resident will see it, read-only."""
    survey = get_managed_survey(request.user, survey_id)
    questions = list(questions_for(survey))
    _label_conditions(questions)
    try:
        get_template(QUESTIONNAIRE_TEMPLATE)
        questionnaire = QUESTIONNAIRE_TEMPLATE
    except TemplateDoesNotExist:
        questionnaire = None
    context = {
        "survey": survey,
        "community": survey.community,
        "questions": questions,
        "blocks": _blocks(list(survey.sections.order_by("position", "id")), questions),
        "values": {},
        "questionnaire_template": questionnaire,
    }
    return render(request, "surveys/builder/preview.html", context)


@require_POST
@login_required
def section_add(request, survey_id: int):
    """Add a section at the end."""
    survey = get_managed_survey(request.user, survey_id)
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a title for the section."))
        return redirect("surveys:edit", survey.pk)
    _run(
        request,
        services.add_section,
        _("The section has been added."),
        survey=survey,
        title=form.cleaned_data["title"],
    )
    return redirect("surveys:edit", survey.pk)


@login_required
def section_rename(request, survey_id: int, section_id: int):
    """Rename a section."""
    section = get_managed_section(request.user, survey_id, section_id)
    form = SectionForm(request.POST or None, initial={"title": section.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_section(
                section=section, actor=request.user, title=form.cleaned_data["title"]
            )
        except services.BuilderError as exc:
            add_builder_error(form, exc)
        else:
            messages.success(request, _("The section has been renamed."))
            return redirect(_edit_url(section.survey, f"s-{section.pk}"))
    return render(
        request,
        "surveys/builder/section_form.html",
        {"survey": section.survey, "community": section.survey.community, "form": form},
    )


@require_POST
@login_required
def section_move(request, survey_id: int, section_id: int):
    """Move a section (and its questions) up or down."""
    section = get_managed_section(request.user, survey_id, section_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a section up or down."))
    else:
        _run(
            request,
            services.move_section,
            _("The section has been moved."),
            section=section,
            direction=direction,
        )
    return redirect(_edit_url(section.survey, f"s-{section.pk}"))


@require_POST
@login_required
def section_delete(request, survey_id: int, section_id: int):
    """Delete a section; its questions join the section before it."""
    section = get_managed_section(request.user, survey_id, section_id)
    _run(
        request,
        services.delete_section,
        _("The section has been deleted; its questions have joined the section before it."),
        section=section,
    )
    return redirect("surveys:edit", section.survey.pk)


def _question_form_context(survey: Survey, form, question=None) -> dict:
    return {"survey": survey, "community": survey.community, "form": form, "question": question}


@login_required
def question_add(request, survey_id: int):
    """Add a question of any type."""
    survey = get_managed_survey(request.user, survey_id)
    questions = list(questions_for(survey))
    sections = list(survey.sections.order_by("position", "id"))
    initial = {"section": request.GET.get("section") or None}
    form = QuestionForm(
        request.POST or None, questions=questions, sections=sections, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = services.add_question(
                survey=survey,
                actor=request.user,
                options=form.option_labels(),
                **form.service_fields(),
            )
        except services.BuilderError as exc:
            add_builder_error(form, exc)
        else:
            messages.success(request, _("The question has been added."))
            if "add_another" in request.POST:
                url = reverse("surveys:question-add", args=[survey.pk])
                section = f"?section={question.section_id}" if question.section_id else ""
                return redirect(url + section)
            return redirect(_edit_url(survey, f"q-{question.pk}"))
    return render(
        request, "surveys/builder/question_form.html", _question_form_context(survey, form)
    )


@login_required
def question_edit(request, survey_id: int, question_id: int):
    """Edit a question; once answers exist only its wording."""
    question = get_managed_question(request.user, survey_id, question_id)
    survey = question.survey
    questions = list(questions_for(survey))
    question = _same(question, questions)
    sections = list(survey.sections.order_by("position", "id"))
    wording_only = survey.status == Survey.Status.CLOSED or survey.responses.exists()
    form = QuestionForm(
        request.POST or None,
        questions=questions,
        sections=sections,
        question=question,
        wording_only=wording_only,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_question(
                question=question,
                actor=request.user,
                changes=form.service_fields(),
                options=form.option_labels(),
            )
        except services.BuilderError as exc:
            add_builder_error(form, exc)
        else:
            if changed:
                messages.success(request, _("The question has been saved."))
            return redirect(_edit_url(survey, f"q-{question.pk}"))
    context = _question_form_context(survey, form, question)
    context["wording_only"] = wording_only
    return render(request, "surveys/builder/question_form.html", context)


@require_POST
@login_required
def question_move(request, survey_id: int, question_id: int):
    """Move a question one place up or down."""
    question = get_managed_question(request.user, survey_id, question_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a question up or down."))
    else:
        try:
            services.move_question(question=question, actor=request.user, direction=direction)
        except services.BuilderError as exc:
            messages.error(request, exc.message)
    return redirect(_edit_url(question.survey, f"q-{question.pk}"))


@login_required
def question_delete(request, survey_id: int, question_id: int):
    """Ask, then delete a question."""
    question = get_managed_question(request.user, survey_id, question_id)
    survey = question.survey
    if request.method == "POST":
        _run(
            request,
            services.delete_question,
            _("The question has been deleted."),
            question=question,
        )
        return redirect("surveys:edit", survey.pk)
    return render(
        request,
        "surveys/builder/confirm_delete.html",
        {
            "survey": survey,
            "community": survey.community,
            "thing": question.text,
            "question": question,
        },
    )

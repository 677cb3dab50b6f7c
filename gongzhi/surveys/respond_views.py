"""Answering pages: online, poster and household code, door-to-door visits, paper; coverage.

Every page fetches its survey and household through helpers that answer 404 when the user
may not see them. The forms work without JavaScript; static/js/surveys.js adds live show-if
and visit drafts saved on every change (to the server and to the phone).
"""

from datetime import date

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of
from gongzhi.registry.models import Building, Grid, Household, Resident

from . import coverage as cov
from . import permissions as perms
from . import respond_services as services
from .audience import audience_households, audience_residents, is_in_audience
from .logic import load_questions, normalize_values
from .models import Channel, HouseholdCode, Participation, Survey, Visit
from .querysets import audience_q_for_resident, resident_of
from .respond_services import ResponseError

VISIT_PAGE_SIZE = 50
TO_VISIT_PAGE_SIZE = 50
# Wrong household codes allowed per address and hour before the code page pauses.
CODE_TRIES_PER_HOUR = 20
MINE_LIMIT = 50


def get_survey(survey_id: int) -> Survey:
    """Return a survey that has been opened at least once (drafts are the builder's)."""
    survey = get_object_or_404(
        Survey.objects.select_related("community__subdistrict"), pk=survey_id
    )
    if survey.status == Survey.Status.DRAFT:
        raise Http404
    return survey


def get_household_to_visit(user, survey: Survey, household_id: int) -> Household:
    """Return an audience household this user may visit, or 404."""
    household = get_object_or_404(
        Household.objects.select_related("dwelling__building__compound"), pk=household_id
    )
    if not perms.can_visit(user, survey, household):
        raise Http404
    if not audience_households(survey).filter(pk=household.pk).exists():
        raise Http404
    return household


def _form_context(survey, questions, values=None, errors=None) -> dict:
    return {
        "survey": survey,
        "questions": questions,
        "values": values or {},
        "errors": errors or {},
    }


def _closed_reason(survey: Survey) -> str:
    try:
        services.check_accepting(survey)
    except ResponseError as exc:
        return exc.message
    return ""


# ---------- 1. online, for a logged-in resident ----------


@login_required
def answer(request, survey_id: int):
    """A resident answers the questionnaire online (if the survey asks them)."""
    survey = get_survey(survey_id)
    resident = resident_of(request.user)
    if resident is None or resident.community_id != survey.community_id:
        raise Http404
    if not is_in_audience(survey, resident):
        raise Http404
    respondent = {"resident": resident, "household": resident.household}
    context = {"closed_reason": _closed_reason(survey), "answered": False}
    if services.has_answered(survey, **respondent):
        context["answered"] = True
        return render(request, "surveys/respond/answer.html", {"survey": survey, **context})
    questions = load_questions(survey)
    values, errors = {}, {}
    if request.method == "POST" and not context["closed_reason"]:
        values = normalize_values(request.POST, questions)
        try:
            services.submit_response(
                survey=survey,
                channel=Channel.ONLINE,
                answers=request.POST,
                actor=request.user,
                **respondent,
            )
        except ResponseError as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you: your answers have been received."))
            return redirect("surveys:answer", survey.pk)
    context.update(_form_context(survey, questions, values, errors))
    return render(request, "surveys/respond/answer.html", context)


@login_required
def mine(request):
    """Open surveys for this user: to answer (a resident) and to visit (a worker)."""
    resident = resident_of(request.user)
    to_answer = []
    if resident is not None:
        asked = Survey.objects.filter(audience_q_for_resident(resident)).values("pk")
        to_answer = list(
            Survey.objects.filter(pk__in=asked, status=Survey.Status.OPEN)
            .annotate(answered=_answered_by(resident))
            .order_by("closes_at", "-id")[:MINE_LIMIT]
        )
    scope = scope_of(request.user)
    visit_communities = set(scope.ids(*perms.MANAGERS))
    grids = Grid.objects.filter(pk__in=scope.ids(Role.GRID_WORKER))
    to_visit = list(
        Survey.objects.filter(status=Survey.Status.OPEN)
        .filter(Q(community_id__in=visit_communities) | Q(community__grids__in=grids))
        .distinct()
        .select_related("community")
        .order_by("closes_at", "-id")[:MINE_LIMIT]
    )
    return render(
        request,
        "surveys/respond/mine.html",
        {
            "to_answer": [s for s in to_answer if s.is_accepting()],
            "to_visit": [s for s in to_visit if s.is_accepting()],
        },
    )


def _answered_by(resident: Resident) -> Exists:
    """Whether the resident (resident surveys) or their household has taken part."""
    mine = Q(survey=OuterRef("pk"), resident=resident)
    if resident.household_id:
        mine |= Q(survey=OuterRef("pk"), household_id=resident.household_id)
    return Exists(Participation.objects.filter(mine))


# ---------- 2. posters, household slips and the code page ----------


def _building_for_posters(user, survey: Survey, building_id: int) -> Building:
    building = get_object_or_404(Building.objects.select_related("compound"), pk=building_id)
    if not perms.can_visit_building(user, survey, building):
        raise Http404
    return building


def _short_link(request, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys:code-entry", args=[survey.pk]))


@login_required
def poster(request, survey_id: int, building_id: int):
    """A printable poster for a building: what the survey is, a QR code and a short link."""
    survey = get_survey(survey_id)
    building = _building_for_posters(request.user, survey, building_id)
    link = _short_link(request, survey)
    qr_svg = segno.make(link, error="m").svg_inline(
        scale=8, title=_("QR code of the survey's link"), border=2
    )
    return render(
        request,
        "surveys/respond/poster.html",
        {"survey": survey, "building": building, "link": link, "qr_svg": qr_svg},
    )


@login_required
def slips(request, survey_id: int, building_id: int):
    """A printable sheet of one-time household codes for a building, with cut lines."""
    survey = get_survey(survey_id)
    building = _building_for_posters(request.user, survey, building_id)
    if request.method == "POST":
        try:
            count = services.issue_household_codes(
                survey=survey, actor=request.user, building=building
            )
        except ResponseError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)d new codes made.") % {"count": count})
        return redirect("surveys:slips", survey.pk, building.pk)
    households = audience_households(survey).filter(dwelling__building=building)
    codes = (
        HouseholdCode.objects.filter(survey=survey, household__in=households, used_at__isnull=True)
        .select_related("household__dwelling")
        .order_by(Length("household__dwelling__number"), "household__dwelling__number", "pk")
    )
    missing = households.exclude(
        pk__in=HouseholdCode.objects.filter(survey=survey).values("household_id")
    ).count()
    return render(
        request,
        "surveys/respond/slips.html",
        {
            "survey": survey,
            "building": building,
            "codes": codes,
            "missing": missing,
            "link": _short_link(request, survey),
            "can_issue": survey.unit == Survey.Unit.HOUSEHOLD,
        },
    )


def _client_key(request, survey: Survey) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return f"surveys:code-tries:{survey.pk}:{address}"


def _too_many_tries(request, survey: Survey) -> bool:
    return cache.get(_client_key(request, survey), 0) >= CODE_TRIES_PER_HOUR


def _count_wrong_try(request, survey: Survey) -> None:
    key = _client_key(request, survey)
    if not cache.add(key, 1, 3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 3600)


def code_entry(request, survey_id: int):
    """The poster's short link: type the household code, then answer (no login needed)."""
    survey = get_survey(survey_id)
    context: dict = {"survey": survey, "closed_reason": _closed_reason(survey), "code": ""}
    if request.GET.get("thanks"):
        return render(request, "surveys/respond/code_entry.html", {**context, "thanks": True})
    if request.method != "POST" or context["closed_reason"]:
        return render(request, "surveys/respond/code_entry.html", context)
    if _too_many_tries(request, survey):
        context["code_error"] = _(
            "Too many wrong codes were typed. Please wait an hour, or ask your grid worker."
        )
        return render(request, "surveys/respond/code_entry.html", context, status=429)
    code = services.normalize_code(request.POST.get("code", ""))
    context["code"] = code
    try:
        services.find_code(survey, code)
    except ResponseError as exc:
        if exc.code == "bad_code":
            _count_wrong_try(request, survey)
        context.update(code_error=exc.message, code=request.POST.get("code", "")[:20])
        return render(request, "surveys/respond/code_entry.html", context)
    questions = load_questions(survey)
    values, errors = {}, {}
    if request.POST.get("step") == "answer":
        values = normalize_values(request.POST, questions)
        try:
            services.redeem_code(survey=survey, code=code, answers=request.POST)
        except ResponseError as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            return redirect(reverse("surveys:code-entry", args=[survey.pk]) + "?thanks=1")
    context.update(_form_context(survey, questions, values, errors))
    context["show_form"] = True
    return render(request, "surveys/respond/code_entry.html", context)


# ---------- 3. door-to-door visits ----------


def _visit_buildings(user, survey: Survey):
    return cov.audience_buildings(survey, perms.visitable_buildings(user, survey))


@login_required
def visits(request, survey_id: int):
    """A worker's visit list: the buildings they look after, one row per household."""
    survey = get_survey(survey_id)
    buildings = _visit_buildings(request.user, survey)
    tallies = cov.building_tallies(survey, buildings)
    if not tallies and not buildings.exists():
        raise Http404
    chosen = None
    wanted = request.GET.get("building", "")
    for tally in tallies:
        if str(tally.key) == wanted or (chosen is None and not wanted):
            chosen = tally
    if wanted and chosen is None:
        raise Http404
    page = None
    if chosen is not None:
        rows = cov.visit_rows(survey, Building(pk=chosen.key), request.user)
        page = Paginator(rows, VISIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/respond/visits.html",
        {
            "survey": survey,
            "tallies": tallies,
            "chosen": chosen,
            "page": page,
            "accepting": survey.is_accepting(),
            "clear_draft": _draft_key(survey, request.GET.get("done"), request.user),
            "can_view_coverage": perms.can_view_coverage(request.user, survey),
            "can_enter_paper": perms.can_enter_paper(request.user, survey),
        },
    )


def _draft_key(survey: Survey, household_id, user) -> str:
    """The localStorage key of a visit draft on the worker's phone."""
    if not household_id or not str(household_id).isdigit():
        return ""
    return f"gz-visit-{survey.pk}-{household_id}-{user.pk}"


def _members(survey: Survey, household: Household):
    """The household's members who may answer a resident survey (masked in the page)."""
    if survey.unit != Survey.Unit.RESIDENT:
        return []
    return list(audience_residents(survey).filter(household=household).order_by("pk"))


def _respondent_from(request, members) -> Resident | None:
    wanted = request.POST.get("respondent", "")
    return next((m for m in members if str(m.pk) == wanted), None)


@login_required
def visit(request, survey_id: int, household_id: int):
    """One household's visit on a phone: outcome buttons, and the questionnaire to fill in."""
    survey = get_survey(survey_id)
    household = get_household_to_visit(request.user, survey, household_id)
    members = _members(survey, household)
    questions = load_questions(survey)
    draft = services.get_visit_draft(survey=survey, household=household, worker=request.user)
    values = normalize_values(services.draft_values(draft), questions)
    errors: dict = {}
    respondent = (draft.data.get("respondent") or [""])[0] if draft else ""
    if request.method == "POST":
        values = normalize_values(request.POST, questions)
        respondent = request.POST.get("respondent", "")
        outcome = request.POST.get("outcome", "")
        try:
            if outcome == "draft":
                services.save_visit_draft(
                    survey=survey, household=household, worker=request.user, data=request.POST
                )
                messages.success(request, _("The half-filled questionnaire has been saved."))
                return redirect("surveys:visit", survey.pk, household.pk)
            services.record_visit(
                survey=survey,
                household=household,
                worker=request.user,
                outcome=outcome,
                revisit_on=_parse_day(request.POST.get("revisit_on", "")),
                note=request.POST.get("note", ""),
                answers=request.POST,
                resident=_respondent_from(request, members),
            )
        except ResponseError as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(request, _outcome_message(outcome, household))
            url = reverse("surveys:visits", args=[survey.pk])
            building_id = household.dwelling.building_id if household.dwelling else ""
            return redirect(f"{url}?building={building_id}&done={household.pk}")
    recent = list(
        Visit.objects.filter(survey=survey, household=household)
        .select_related("worker")
        .order_by("-at", "-id")[:5]
    )
    context = _form_context(survey, questions, values, errors)
    context.update(
        household=household,
        head=cov.visit_rows(survey, household.dwelling.building, request.user)
        .filter(pk=household.pk)
        .first()
        if household.dwelling
        else None,
        recent=recent,
        members=members,
        respondent=respondent,
        answered=services.has_answered(survey, household=household)
        and survey.unit == Survey.Unit.HOUSEHOLD,
        closed_reason=_closed_reason(survey),
        draft=draft,
        draft_key=_draft_key(survey, household.pk, request.user),
        today=timezone.localdate(),
        revisit_on=request.POST.get("revisit_on", ""),
        note=request.POST.get("note", ""),
    )
    return render(request, "surveys/respond/visit.html", context)


def _parse_day(text: str) -> date | None:
    try:
        return parse_date(text.strip()) if text else None
    except ValueError:
        return None


def _outcome_message(outcome: str, household: Household) -> str:
    number = household.dwelling.number if household.dwelling else str(household)
    if outcome == Visit.Outcome.ANSWERED:
        return _("%(home)s: answers recorded.") % {"home": number}
    if outcome == Visit.Outcome.NOT_HOME:
        return _("%(home)s: not at home, recorded.") % {"home": number}
    return _("%(home)s: declined, recorded.") % {"home": number}


@login_required
@require_POST
def visit_draft(request, survey_id: int, household_id: int):
    """Save the half-filled visit questionnaire (called by surveys.js on every change)."""
    survey = get_survey(survey_id)
    household = get_household_to_visit(request.user, survey, household_id)
    try:
        draft = services.save_visit_draft(
            survey=survey, household=household, worker=request.user, data=_post_data(request)
        )
    except ResponseError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message, "errors": {}}, status=409)
    return JsonResponse({"saved_at": draft.updated_at.isoformat()})


def _post_data(request) -> dict:
    return {key: request.POST.getlist(key) for key in request.POST if key.startswith(("q", "r"))}


# ---------- 4. paper questionnaires ----------


@login_required
def paper(request, survey_id: int):
    """A worker types in a paper questionnaire for a household (or none, if anonymous)."""
    survey = get_survey(survey_id)
    if not perms.can_enter_paper(request.user, survey):
        raise Http404
    buildings = cov.audience_buildings(
        survey, Building.objects.filter(community_id=survey.community_id)
    ).select_related("compound")
    building = None
    building_id = request.POST.get("building") or request.GET.get("building") or ""
    if building_id:
        if not building_id.isdigit():
            raise Http404
        building = get_object_or_404(buildings, pk=building_id)
    choices = _paper_choices(survey, building)
    questions = load_questions(survey)
    values, errors = {}, {}
    respondent = ""
    if request.method == "POST":
        values = normalize_values(request.POST, questions)
        respondent = request.POST.get("respondent", "")
        try:
            household, resident = _paper_respondent(survey, choices, respondent)
            services.submit_response(
                survey=survey,
                channel=Channel.PAPER,
                answers=request.POST,
                household=household,
                resident=resident,
                actor=request.user,
                entered_by=request.user,
            )
        except ResponseError as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The paper questionnaire has been entered."))
            url = reverse("surveys:paper", args=[survey.pk])
            return redirect(f"{url}?building={building.pk}" if building else url)
    context = _form_context(survey, questions, values, errors)
    context.update(
        buildings=buildings,
        building=building,
        choices=choices,
        respondent=respondent,
        closed_reason=_closed_reason(survey),
    )
    return render(request, "surveys/respond/paper.html", context)


def _paper_choices(survey: Survey, building: Building | None) -> list[dict]:
    """Who may be chosen as the respondent: the building's audience households or residents."""
    if building is None:
        return []
    if survey.unit == Survey.Unit.RESIDENT:
        residents = (
            audience_residents(survey)
            .filter(household__dwelling__building=building)
            .annotate(home=F("household__dwelling__number"))
            .order_by(Length("home"), "home", "pk")
            .values("pk", "home", "name")
        )
        return [{"value": f"r{r['pk']}", "home": r["home"], "name": r["name"]} for r in residents]
    households = cov.visit_rows(survey, building, None).values("pk", "dwelling_number", "head_name")
    return [
        {"value": f"h{h['pk']}", "home": h["dwelling_number"], "name": h["head_name"] or ""}
        for h in households
    ]


def _paper_respondent(survey: Survey, choices: list[dict], value: str):
    """Return (household, resident) for the chosen respondent; only listed choices count."""
    if not value and survey.anonymous:
        return None, None
    if value in {choice["value"] for choice in choices}:
        if value.startswith("r"):
            return None, Resident.objects.select_related("household").get(pk=int(value[1:]))
        return Household.objects.get(pk=int(value[1:])), None
    if survey.unit == Survey.Unit.RESIDENT:
        raise ResponseError(_("Choose the resident who answers."), "no_respondent")
    raise ResponseError(_("Choose the household that answers."), "no_respondent")


# ---------- coverage ----------


@login_required
def coverage(request, survey_id: int):
    """Who has been reached, per building, compound and grid; the households still to visit."""
    survey = get_survey(survey_id)
    if not perms.can_view_coverage(request.user, survey):
        raise Http404
    figures = cov.cached_coverage(survey)
    visible_ids = set(
        Building.objects.visible_to(request.user)
        .filter(community_id=survey.community_id)
        .values_list("pk", flat=True)
    )
    to_visit = cov.households_to_visit(survey, Building.objects.filter(pk__in=visible_ids))
    paginator = Paginator(to_visit.values_list("pk", flat=True), TO_VISIT_PAGE_SIZE)
    # The building tallies already hold the count: spare a COUNT over every household.
    paginator.count = sum(t.to_visit for t in figures["buildings"] if t.key in visible_ids)
    page = paginator.get_page(request.GET.get("page"))
    rows = cov.visit_columns(survey, list(page.object_list))
    visit_ids = set(perms.visitable_buildings(request.user, survey).values_list("pk", flat=True))
    return render(
        request,
        "surveys/respond/coverage.html",
        {
            "survey": survey,
            "figures": figures,
            "page": page,
            "rows": rows,
            "visit_building_ids": visit_ids,
        },
    )

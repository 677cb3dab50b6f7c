"""Case pages: intake (resident, patrol, phone/walk-in), lists, the case page and its actions.

Every case is fetched through get_case_for_user, which answers 404 when the user may not see
it; an action the user may not take answers 404 too. Every form works without JavaScript.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.core.db import prepared_plans
from gongzhi.core.masking import mask_name, mask_phone
from gongzhi.core.pagination import CappedPaginator
from gongzhi.registry.models import Community

from . import forms as f
from . import permissions as perms
from . import services
from .models import CallBack, Campaign, Case, CaseEvent, CasePhoto, Category, HandlingUnit
from .services import CaseError

PAGE_SIZE = 25


# --- Fetching ------------------------------------------------------------------------------


def get_case_for_user(user, case_id: int) -> Case:
    case = get_object_or_404(Case.objects.for_page(), pk=case_id)
    if not perms.can_view_case(user, case):
        raise Http404
    return case


def _communities(ids) -> list[Community]:
    return list(Community.objects.filter(pk__in=ids).order_by("subdistrict_id", "code"))


def _pick_community(request, ids) -> tuple[Community | None, list[Community]]:
    """The community a page works in: the only one allowed, or the one asked for (?community=)."""
    options = _communities(ids)
    if not options:
        raise Http404
    if len(options) == 1:
        return options[0], options
    wanted = request.GET.get("community") or request.POST.get("community")
    for community in options:
        if str(community.pk) == wanted:
            return community, options
    return None, options


def _apply_error(form, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _choose(request, options, title):
    return render(request, "cases/choose_community.html", {"options": options, "title": title})


# --- Intake --------------------------------------------------------------------------------


@login_required
def report(request):
    """A resident reports a problem: category, place, text, photos."""
    community, options = _pick_community(request, perms.report_community_ids(request.user))
    if community is None:
        return _choose(request, options, _("Report a problem"))
    form = f.ReportForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = getattr(request.user, "resident", None)
        if resident is not None and resident.community_id != community.pk:
            resident = None
        try:
            case = services.report_case(
                community=community,
                category=data["category"],
                text=data["text"],
                channel=Case.Channel.WEB,
                actor=request.user,
                address=data["address"],
                compound=data["compound"],
                building=data["building"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                reporter=request.user,
                reporter_resident=resident,
                photos=data["photos"],
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Thank you. Your report has been received."))
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/report.html",
        {"form": form, "community": community, "mode": "report", "choices": len(options) > 1},
    )


@login_required
def patrol(request):
    """A grid worker reports what they find on patrol: photo first, made for a phone."""
    community, options = _pick_community(request, perms.patrol_community_ids(request.user))
    if community is None:
        return _choose(request, options, _("Patrol report"))
    grids = perms.patrol_grids(request.user, community)
    form = f.PatrolForm(
        request.POST or None, request.FILES or None, community=community, grids=grids
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.report_case(
                community=community,
                category=data["category"],
                text=data["text"],
                channel=Case.Channel.PATROL,
                actor=request.user,
                address=data["address"],
                compound=data["compound"],
                building=data["building"],
                grid=data["grid"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                reporter_resident=form.resident,
                campaign=data["campaign"],
                photos=data["photos"],
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Case #%(id)s has been filed.") % {"id": case.pk})
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/report.html",
        {"form": form, "community": community, "mode": "patrol", "choices": len(options) > 1},
    )


@login_required
def intake(request):
    """A worker enters a phone call or a walk-in."""
    ids = perms.manager_community_ids(request.user) | perms.patrol_community_ids(request.user)
    community, options = _pick_community(request, ids)
    if community is None:
        return _choose(request, options, _("Enter a call or visit"))
    form = f.IntakeForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = form.resident
        try:
            case = services.report_case(
                community=community,
                category=data["category"],
                text=data["text"],
                channel=data["channel"],
                actor=request.user,
                address=data["address"],
                compound=data["compound"],
                building=data["building"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                reporter_resident=resident,
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                campaign=data["campaign"],
                photos=data["photos"],
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Case #%(id)s has been filed.") % {"id": case.pk})
            return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/report.html",
        {"form": form, "community": community, "mode": "intake", "choices": len(options) > 1},
    )


# --- Lists ---------------------------------------------------------------------------------


def _work_communities(user):
    """Communities whose cases the user works on (the list's community filter)."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Community.objects.order_by("subdistrict_id", "code")
    units = perms.unit_ids_of(user)
    return (
        Community.objects.filter(
            Q(subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
            | Q(id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
            | Q(grids__id__in=scope.ids(Role.GRID_WORKER))
            | Q(handling_units__id__in=units)
        )
        .distinct()
        .order_by("subdistrict_id", "code")
    )


@login_required
@prepared_plans()  # PostgreSQL: the joins cost more to plan than to run
def case_list(request):
    """The worker's case list: filters, deadline counts, paginated; constant queries."""
    if not perms.has_case_work(request.user):
        raise Http404
    communities = list(_work_communities(request.user))
    campaigns = Campaign.objects.filter(community__in=[c.pk for c in communities]).order_by(
        "-starts_on"
    )[:50]
    form = f.CaseFilterForm(request.GET or None, communities=communities, campaigns=campaigns)
    data = form.cleaned_data if form.is_valid() else {}
    cases = Case.objects.handled_by(request.user)
    counts = cases.deadline_counts()
    cases = cases.filtered(data, request.user)
    order = ("due_at", "id") if data.get("due") else ("-created_at", "-id")
    ids = cases.order_by(*order).values_list("pk", flat=True)
    page = CappedPaginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = Case.objects.listing_rows(page.object_list)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "rows": _rows(page.object_list),
            "can_enter": bool(
                perms.manager_community_ids(request.user)
                or scope_of(request.user).has(Role.GRID_WORKER)
            ),
            "can_patrol": scope_of(request.user).has(Role.GRID_WORKER),
            "now": timezone.now(),
        },
    )


def _rows(cases) -> list[dict]:
    """List rows with the reporter masked (DOMAIN.md §5)."""
    return [
        {
            "case": case,
            "reporter": mask_name(case.reporter_name),
            "phone": mask_phone(case.reporter_phone),
        }
        for case in cases
    ]


@login_required
def my_cases(request):
    """The reporter's own cases (and the cases they follow), newest first."""
    cases = Case.objects.reported_by(request.user).for_listing().order_by("-created_at", "-id")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/my_cases.html",
        {
            "page": page,
            "can_report": bool(perms.report_community_ids(request.user)),
            "now": timezone.now(),
        },
    )


# --- The case page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One action on the case page: its form, its button and its message when done."""

    form: Any
    label: Any
    done: Any


ACTIONS: dict[str, ActionSpec] = {
    "dispatch": ActionSpec(f.DispatchForm, gettext_lazy("Dispatch"), gettext_lazy("Dispatched.")),
    "accept": ActionSpec(None, gettext_lazy("Accept"), gettext_lazy("Accepted.")),
    "return": ActionSpec(f.ReasonForm, gettext_lazy("Return"), gettext_lazy("Returned.")),
    "start": ActionSpec(None, gettext_lazy("Start work"), gettext_lazy("Work started.")),
    "reply": ActionSpec(f.ReplyForm, gettext_lazy("Reply"), gettext_lazy("Replied.")),
    "callback": ActionSpec(
        f.CallbackForm,
        gettext_lazy("Record the call-back"),
        gettext_lazy("Call-back recorded."),
    ),
    "answer": ActionSpec(
        f.ResidentCallbackForm,
        gettext_lazy("Send my answer"),
        gettext_lazy("Thank you for your answer."),
    ),
    "close": ActionSpec(f.NoteForm, gettext_lazy("Close"), gettext_lazy("Closed.")),
    "reopen": ActionSpec(f.ReasonForm, gettext_lazy("Reopen"), gettext_lazy("Reopened.")),
    "merge": ActionSpec(f.MergeForm, gettext_lazy("Merge into a case"), gettext_lazy("Merged.")),
    "redirect": ActionSpec(
        f.RedirectForm,
        gettext_lazy("Redirect to emergency services"),
        gettext_lazy("Redirected."),
    ),
    "note": ActionSpec(f.TimelineNoteForm, gettext_lazy("Add a note"), gettext_lazy("Noted.")),
    "campaign": ActionSpec(
        f.CaseCampaignForm, gettext_lazy("Save campaign"), gettext_lazy("Campaign saved.")
    ),
}


SECONDARY_ACTIONS = frozenset({"merge", "redirect", "note", "campaign", "return"})


def _make_form(name: str, case: Case, data=None, files=None):
    spec = ACTIONS[name]
    if spec.form is None:
        return None
    kwargs: dict = {"prefix": name}
    if spec.form is f.DispatchForm:
        kwargs["case"] = case
        kwargs["units"] = HandlingUnit.objects.filter(community_id=case.community_id).active()
        kwargs["categories"] = Category.objects.for_community(case.community).for_picker()
    elif spec.form is f.CaseCampaignForm:
        kwargs["case"] = case
    return spec.form(data, files, **kwargs)


def _run(name: str, case: Case, user, data: dict) -> None:
    """Call the action's service with the form's cleaned data."""
    if name == "dispatch":
        services.dispatch_case(
            case=case,
            actor=user,
            unit=data["unit"],
            category=data.get("category"),
            note=data.get("note", ""),
        )
    elif name == "accept":
        services.accept_case(case=case, actor=user)
    elif name == "return":
        services.return_case(case=case, actor=user, reason=data["reason"])
    elif name == "start":
        services.start_case(case=case, actor=user)
    elif name == "reply":
        services.reply_case(case=case, actor=user, text=data["text"], photos=data["photos"])
    elif name == "callback":
        services.record_callback(
            case=case,
            actor=user,
            method=data["method"],
            answered=data["answered"],
            contacted_in_time=data.get("contacted_in_time") if data["answered"] else None,
            solved=data.get("solved") if data["answered"] else None,
            satisfied=data.get("satisfied") if data["answered"] else None,
            comment=data.get("comment", ""),
        )
    elif name == "answer":
        services.record_callback(
            case=case,
            actor=user,
            method=CallBack.Method.ONLINE,
            contacted_in_time=data["contacted_in_time"],
            solved=data["solved"],
            satisfied=data["satisfied"],
            comment=data.get("comment", ""),
        )
    elif name == "close":
        services.close_case(case=case, actor=user, note=data.get("note", ""))
    elif name == "reopen":
        services.reopen_case(case=case, actor=user, reason=data["reason"])
    elif name == "merge":
        into = Case.objects.filter(pk=data["into"], community_id=case.community_id).first()
        if into is None:
            raise CaseError(_("There is no such case in the community."), field="into")
        services.merge_case(case=case, into=into, actor=user, note=data.get("note", ""))
    elif name == "redirect":
        services.redirect_emergency(
            case=case, actor=user, number=data["number"], note=data.get("note", "")
        )
    elif name == "note":
        services.add_note(case=case, actor=user, text=data["text"])
    elif name == "campaign":
        services.set_campaign(case=case, actor=user, campaign=data["campaign"])


def _timeline(case: Case):
    return (
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "unit")
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("id")))
        .order_by("at", "id")
    )


def _page_context(request, case: Case, bound: dict | None = None, unmasked=None) -> dict:
    user = request.user
    # Read the user's units up front: the predicates below read them only for some cases
    # (those with a unit), which made the page's query count depend on the case.
    perms.unit_ids_of(user)
    works = perms.works_on_case(user, case)
    forms = []
    for name, spec in ACTIONS.items():
        if bound and name in bound:
            form = bound[name]
        elif perms.is_offered(user, case, name):
            form = _make_form(name, case)
        else:
            continue
        forms.append(
            {
                "name": name,
                "form": form,
                "label": spec.label,
                # Rarer actions fold away (a <details>, no JS needed) to keep the page short.
                "secondary": name in SECONDARY_ACTIONS,
            }
        )
    return {
        "case": case,
        "events": _timeline(case),
        "callbacks": case.callbacks.select_related("by").order_by("at", "id") if works else [],
        "duplicates": case.duplicates.order_by("id").only("id", "title", "merged_into_id"),
        "actions": forms,
        "works_on_case": works,
        "reporter_name": mask_name(case.reporter_name),
        "reporter_phone": mask_phone(case.reporter_phone),
        "unmasked": unmasked,
        "can_unmask": bool(case.reporter_phone or case.reporter_name)
        and perms.can_unmask_contact(user, case),
        "now": timezone.now(),
    }


@login_required
@prepared_plans()  # PostgreSQL: the joins cost more to plan than to run
def case_detail(request, case_id: int):
    """The case: where, what, its deadline, its timeline, and the actions open to the viewer."""
    case = get_case_for_user(request.user, case_id)
    return render(request, "cases/case_detail.html", _page_context(request, case))


@login_required
@require_POST
def case_action(request, case_id: int, action: str):
    """Take one action on the case; on refusal the page comes back with the message."""
    case = get_case_for_user(request.user, case_id)
    if action not in ACTIONS or not perms.may_take(request.user, case, action):
        raise Http404
    form = _make_form(action, case, request.POST, request.FILES)
    status = 400
    if form is None or form.is_valid():
        try:
            _run(action, case, request.user, form.cleaned_data if form is not None else {})
        except CaseError as error:
            if error.code == "illegal_transition":
                status = 409
            if form is not None:
                _apply_error(form, error)
            else:
                messages.error(request, error.message)
        else:
            messages.success(request, str(ACTIONS[action].done))
            return redirect("cases:detail", case.pk)
    case = get_case_for_user(request.user, case_id)
    bound = {action: form} if form is not None else {}
    return render(
        request, "cases/case_detail.html", _page_context(request, case, bound), status=status
    )


@login_required
@require_POST
def case_unmask(request, case_id: int):
    """Show the reporter's full name and phone to someone who must call them (audited)."""
    case = get_case_for_user(request.user, case_id)
    if not perms.can_unmask_contact(request.user, case):
        raise Http404
    unmasked = services.unmask_contact(case=case, actor=request.user)
    return render(
        request, "cases/case_detail.html", _page_context(request, case, unmasked=unmasked)
    )


def photo_file(user, photo_id: int) -> FileResponse:
    """A case photo for those who may see the case (photos are not public files); the page
    and the API both answer with this. Raises Http404 for anyone else."""
    photo = get_object_or_404(CasePhoto.objects.select_related("case__community"), pk=photo_id)
    if not perms.can_view_case(user, photo.case):
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def case_photo(request, photo_id: int):
    """Serve a case photo to those who may see the case."""
    return photo_file(request.user, photo_id)

"""Registry staff pages and residents' own-data pages.

Every object is fetched through a get_*_for_user helper that answers 404 when the user may
not see it, so a refused request never reveals that a record exists.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions as perms
from . import services
from .forms import (
    CorrectionForm,
    HandleCorrectionForm,
    MoveInForm,
    MoveOutForm,
    NewResidentForm,
    ResidentForm,
)
from .models import Building, Community, Compound, CorrectionRequest, Resident
from .overview import community_overview as overview_figures
from .overview import overview_version
from .search import search_residents

PAGE_SIZE = 25


def get_community_for_user(user, community_id: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not perms.can_view_community(user, community):
        raise Http404
    return community


def get_building_for_user(user, building_id: int) -> Building:
    building = get_object_or_404(
        Building.objects.select_related("compound", "grid", "community__subdistrict"),
        pk=building_id,
    )
    if not perms.can_view_building(user, building):
        raise Http404
    return building


def get_resident_for_user(user, resident_id: int) -> Resident:
    resident = get_object_or_404(
        Resident.objects.select_related(
            "community__subdistrict", "household__dwelling__building__compound"
        ),
        pk=resident_id,
    )
    if not perms.can_view_resident(user, resident):
        raise Http404
    return resident


def get_editable_resident(user, resident_id: int) -> Resident:
    resident = get_resident_for_user(user, resident_id)
    if not perms.can_edit_resident(user, resident):
        raise Http404
    return resident


@login_required
def community_overview(request, community_id: int):
    """People by compound and building, age structure, households, dwellings, grids."""
    community = get_community_for_user(request.user, community_id)
    # Lazy: when the rendered figures are in the template cache, they are never loaded.
    figures = SimpleLazyObject(lambda: overview_figures(community))
    context = {
        "community": community,
        "figures": figures,
        "figures_version": overview_version(community.pk),
        "can_import": perms.can_import_roster(request.user, community),
        "can_view_audit": perms.can_view_audit(request.user, community),
        "can_add": perms.can_add_resident(request.user, community),
    }
    return render(request, "registry/community_overview.html", context)


@login_required
def resident_search(request, community_id: int):
    """Search the community's residents by name, pinyin, initials or phone tail."""
    community = get_community_for_user(request.user, community_id)
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "active")
    residents = search_residents(request.user, community, q)
    if status in (Resident.Status.ACTIVE, Resident.Status.MOVED_OUT):
        residents = residents.filter(status=status)
    page = Paginator(residents.for_listing(), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "registry/_resident_rows.html" if request.htmx else "registry/resident_search.html"
    return render(
        request,
        template,
        {
            "community": community,
            "q": q,
            "status": status,
            "page": page,
            "can_add": perms.can_add_resident(request.user, community),
        },
    )


@login_required
def resident_add(request, community_id: int):
    """Register a new resident, optionally into a dwelling."""
    community = get_community_for_user(request.user, community_id)
    if not perms.can_add_resident(request.user, community):
        raise Http404
    show_party = perms.can_see_party_membership(request.user, Resident(community=community))
    form = NewResidentForm(
        request.POST or None, community=community, show_party_membership=show_party
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {f: data[f] for f in form.Meta.fields if f in data}
        resident = services.add_resident(
            community=community, actor=request.user, household=None, **fields
        )
        if data.get("building"):
            services.move_in(
                resident=resident,
                actor=request.user,
                building=data["building"],
                number=data["dwelling_number"],
                on=data.get("moved_in_on") or resident.created_at.date(),
            )
        messages.success(request, _("The resident has been registered."))
        return redirect("registry:resident", resident.pk)
    return render(
        request,
        "registry/resident_form.html",
        {"community": community, "form": form, "resident": None},
    )


@login_required
def compound_detail(request, compound_id: int):
    """A compound's buildings with their people counts."""
    compound = get_object_or_404(
        Compound.objects.select_related("community__subdistrict"), pk=compound_id
    )
    if not perms.can_view_compound(request.user, compound):
        raise Http404
    buildings = Building.objects.visible_to(request.user).filter(compound=compound).for_listing()
    figures = overview_figures(compound.community)
    counts = {
        row["id"]: row
        for c in figures["compounds"]
        if c["id"] == compound.pk
        for row in c["buildings"]
    }
    rows = [
        {"building": b, **counts.get(b.pk, {"total": 0, "elderly": 0, "dwellings": 0})}
        for b in buildings
    ]
    return render(request, "registry/compound_detail.html", {"compound": compound, "rows": rows})


@login_required
def building_detail(request, building_id: int):
    """Drill down: a building's dwellings, their households and residents (masked)."""
    building = get_building_for_user(request.user, building_id)
    dwellings = list(
        building.dwellings.for_listing().prefetch_related(
            # One query for the households, one for their residents, whatever the row count.
            "households__residents"
        )
    )
    rows = []
    for dwelling in dwellings:
        households = [h for h in dwelling.households.all() if h.is_active]
        residents = [
            r for h in households for r in h.residents.all() if r.status == Resident.Status.ACTIVE
        ]
        rows.append({"dwelling": dwelling, "households": households, "residents": residents})
    return render(request, "registry/building_detail.html", {"building": building, "rows": rows})


def _resident_context(request, resident: Resident, unmasked: dict | None = None) -> dict:
    return {
        "resident": resident,
        "community": resident.community,
        "unmasked": unmasked,
        "can_edit": perms.can_edit_resident(request.user, resident),
        "can_unmask": perms.can_unmask_resident(request.user, resident),
        "can_see_party": perms.can_see_party_membership(request.user, resident),
    }


@login_required
def resident_detail(request, resident_id: int):
    """A resident's record, masked; an audited button shows the full name and phone."""
    resident = get_resident_for_user(request.user, resident_id)
    return render(request, "registry/resident_detail.html", _resident_context(request, resident))


@login_required
@require_POST
def resident_unmask(request, resident_id: int):
    """Show the full name and phone once, and record who looked."""
    resident = get_resident_for_user(request.user, resident_id)
    if not perms.can_unmask_resident(request.user, resident):
        raise Http404
    full = services.unmask_resident(resident=resident, actor=request.user)
    return render(
        request, "registry/resident_detail.html", _resident_context(request, resident, full)
    )


@login_required
def resident_edit(request, resident_id: int):
    resident = get_editable_resident(request.user, resident_id)
    show_party = perms.can_see_party_membership(request.user, resident)
    form = ResidentForm(request.POST or None, instance=resident, show_party_membership=show_party)
    if request.method == "POST" and form.is_valid():
        # The form wrote its values onto the instance; reload so the service sees the change.
        changes = {f: form.cleaned_data[f] for f in form.fields}
        services.update_resident(
            resident=Resident.objects.get(pk=resident.pk), actor=request.user, changes=changes
        )
        messages.success(request, _("The record has been saved."))
        return redirect("registry:resident", resident.pk)
    return render(
        request,
        "registry/resident_form.html",
        {"community": resident.community, "form": form, "resident": resident},
    )


@login_required
def resident_move_out(request, resident_id: int):
    resident = get_editable_resident(request.user, resident_id)
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_out(
                resident=resident,
                actor=request.user,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The move-out has been recorded."))
            return redirect("registry:resident", resident.pk)
    return render(
        request,
        "registry/resident_move.html",
        {"resident": resident, "form": form, "direction": "out"},
    )


@login_required
def resident_move_in(request, resident_id: int):
    resident = get_editable_resident(request.user, resident_id)
    form = MoveInForm(request.POST or None, community=resident.community)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_in(
                resident=resident,
                actor=request.user,
                building=form.cleaned_data["building"],
                number=form.cleaned_data["dwelling_number"],
                on=form.cleaned_data["on"],
            )
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The move-in has been recorded."))
            return redirect("registry:resident", resident.pk)
    return render(
        request,
        "registry/resident_move.html",
        {"resident": resident, "form": form, "direction": "in"},
    )


def _own_resident(request) -> Resident:
    resident = (
        Resident.objects.select_related("community", "household__dwelling__building__compound")
        .filter(user=request.user)
        .first()
    )
    if resident is None:
        raise Http404
    return resident


@login_required
def my_data(request):
    """A resident sees everything the registry holds about them, unmasked."""
    resident = _own_resident(request)
    corrections = resident.correction_requests.order_by("-created_at")
    return render(
        request, "registry/my_data.html", {"resident": resident, "corrections": corrections}
    )


@login_required
def my_data_export(request):
    """Download the resident's own data as JSON (PIPL right to a copy)."""
    resident = _own_resident(request)
    data = services.export_own_data(resident=resident, actor=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def my_correction(request):
    """Ask the community to correct one's record."""
    resident = _own_resident(request)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_correction(
            resident=resident, actor=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your request has been sent to the community."))
        return redirect("registry:my-data")
    return render(request, "registry/my_correction.html", {"resident": resident, "form": form})


@login_required
def correction_list(request, community_id: int):
    """Open correction requests of the community, oldest first."""
    community = get_community_for_user(request.user, community_id)
    if not perms.can_handle_corrections(request.user, community):
        raise Http404
    corrections = (
        CorrectionRequest.objects.filter(community=community, status=CorrectionRequest.Status.OPEN)
        .select_related("resident")
        .order_by("created_at")
    )
    page = Paginator(corrections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/correction_list.html", {"community": community, "page": page})


@login_required
def correction_handle(request, correction_id: int):
    correction = get_object_or_404(
        CorrectionRequest.objects.select_related("resident", "community"), pk=correction_id
    )
    if not perms.can_handle_corrections(request.user, correction.community):
        raise Http404
    form = HandleCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_correction(
                correction=correction,
                actor=request.user,
                status=form.cleaned_data["status"],
                reply=form.cleaned_data["reply"],
            )
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The request has been answered."))
            return redirect("registry:corrections", correction.community_id)
    return render(
        request, "registry/correction_handle.html", {"correction": correction, "form": form}
    )

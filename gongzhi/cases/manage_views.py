"""Community pages around cases: categories, handling units, campaigns.

Categories and units are edited by the community admin; campaigns by community managers and
seen by everyone who works on the community's cases (subdistrict officials read-only).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.registry.models import Community

from . import forms as f
from . import permissions as perms
from . import services
from .models import Campaign, Category, HandlingUnit
from .querysets import campaign_progress
from .services import CaseError
from .views import PAGE_SIZE, _apply_error, _rows


def _community_for(user, community_id: int, predicate) -> Community:
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not predicate(user, community):
        raise Http404
    return community


# --- Categories ----------------------------------------------------------------------------


@login_required
def categories(request, community_id: int):
    """The community's two-level class table with time limits, criteria and default units."""
    community = _community_for(request.user, community_id, perms.can_admin_categories)
    rows = (
        Category.objects.for_community(community)
        .select_related("default_unit")
        .order_by("-kind", "major_code", "minor_code")
    )
    groups: list[dict] = []
    for category in rows:
        if category.is_major:
            groups.append({"major": category, "minors": []})
        elif groups and (groups[-1]["major"].kind, groups[-1]["major"].major_code) == (
            category.kind,
            category.major_code,
        ):
            groups[-1]["minors"].append(category)
    return render(request, "cases/categories.html", {"community": community, "groups": groups})


def _editable_category(community, category_id: int) -> Category:
    category = Category.objects.for_community(community).minors().filter(pk=category_id).first()
    if category is None:
        raise Http404
    return category


@login_required
def category_edit(request, community_id: int, category_id: int):
    """Edit one minor class for the community (a shared class is copied for it first)."""
    community = _community_for(request.user, community_id, perms.can_admin_categories)
    category = _editable_category(community, category_id)
    initial = {name: getattr(category, name) for name in services.CATEGORY_FIELDS}
    form = f.CategoryEditForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(
                category=category, community=community, actor=request.user, **form.cleaned_data
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The category has been saved."))
            return redirect("cases:categories", community.pk)
    return render(
        request,
        "cases/category_form.html",
        {"community": community, "category": category, "form": form},
    )


@login_required
def category_add(request, community_id: int):
    """Add a minor class of the community's own under a major class."""
    community = _community_for(request.user, community_id, perms.can_admin_categories)
    form = f.CategoryAddForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_minor_category(
                community=community,
                actor=request.user,
                major=data["major"],
                minor_code=data["minor_code"],
                name=data["name"],
                time_limit=data["time_limit"],
                time_unit=data["time_unit"],
                filing_criteria=data["filing_criteria"],
                closing_criteria=data["closing_criteria"],
                default_unit=data["default_unit"],
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The category has been added."))
            return redirect("cases:categories", community.pk)
    return render(
        request,
        "cases/category_form.html",
        {"community": community, "category": None, "form": form},
    )


# --- Handling units ------------------------------------------------------------------------


@login_required
def units(request, community_id: int):
    """The community's handling units with their places and member counts."""
    community = _community_for(request.user, community_id, perms.can_admin_units)
    rows = HandlingUnit.objects.filter(community=community).for_listing()
    return render(request, "cases/units.html", {"community": community, "units": rows})


@login_required
def unit_form(request, community_id: int, unit_id: int | None = None):
    """Create or edit a handling unit and choose its members."""
    community = _community_for(request.user, community_id, perms.can_admin_units)
    unit = None
    initial: dict[str, Any] = {"is_active": True}
    if unit_id is not None:
        unit = get_object_or_404(HandlingUnit, pk=unit_id, community=community)
        initial = {
            "kind": unit.kind,
            "name": unit.name,
            "grid": unit.grid_id,
            "compound": unit.compound_id,
            "phone": unit.phone,
            "is_active": unit.is_active,
            "members": list(unit.members.values_list("pk", flat=True)),
        }
    form = f.UnitForm(request.POST or None, initial=initial, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_unit(
                community=community,
                actor=request.user,
                unit=unit,
                kind=data["kind"],
                name=data["name"],
                grid=data["grid"],
                compound=data["compound"],
                phone=data["phone"],
                is_active=data["is_active"],
                members=list(data["members"]),
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The unit has been saved."))
            return redirect("cases:units", community.pk)
    return render(
        request, "cases/unit_form.html", {"community": community, "unit": unit, "form": form}
    )


# --- Campaigns -----------------------------------------------------------------------------


@login_required
def campaign_list(request):
    """Campaigns of the communities the user works on, each with its progress."""
    campaigns = Campaign.objects.visible_to(request.user).for_listing()
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    manage = list(
        Community.objects.filter(pk__in=perms.manager_community_ids(request.user)).order_by("code")
    )
    return render(request, "cases/campaign_list.html", {"page": page, "manage": manage})


@login_required
def campaign_detail(request, campaign_id: int):
    """A campaign: its progress and the list of its spots (cases), without a map."""
    campaign = get_object_or_404(Campaign.objects.select_related("community"), pk=campaign_id)
    if not perms.can_view_campaign(request.user, campaign):
        raise Http404
    cases = campaign.cases.for_listing().order_by("created_at", "id")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": campaign_progress(campaign),
            "page": page,
            "rows": _rows(page.object_list),
            "can_edit": perms.can_manage_campaigns(request.user, campaign.community),
            "now": timezone.now(),
        },
    )


@login_required
def campaign_form(request, community_id: int | None = None, campaign_id: int | None = None):
    """Create a campaign in a community, or edit one."""
    campaign = None
    if campaign_id is not None:
        campaign = get_object_or_404(Campaign.objects.select_related("community"), pk=campaign_id)
        community = campaign.community
        if not perms.can_manage_campaigns(request.user, community):
            raise Http404
    elif community_id is not None:
        community = _community_for(request.user, community_id, perms.can_manage_campaigns)
    else:
        raise Http404
    initial = {}
    if campaign is not None:
        initial = {
            "title": campaign.title,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
        }
    form = f.CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.save_campaign(
                community=community, actor=request.user, campaign=campaign, **form.cleaned_data
            )
        except CaseError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The campaign has been saved."))
            return redirect("cases:campaign", campaign.pk)
    return render(
        request,
        "cases/campaign_form.html",
        {"community": community, "campaign": campaign, "form": form},
    )

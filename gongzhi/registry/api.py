"""Registry read endpoints under /api/v1/registry/, scoped by role.

Anything the user may not see answers 404, exactly like a missing row, so a refused request
never reveals that a record exists. Lists show names and phones masked, always.
"""

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from gongzhi.accounts.api import TOKEN_OR_SESSION, ErrorOut
from gongzhi.accounts.auth import api_auth
from gongzhi.core.masking import mask_name

from . import permissions as perms
from . import services
from .models import Building, Community, Compound, Dwelling, Grid, Resident
from .overview import community_overview
from .schemas import (
    BuildingDetail,
    CommunityDetail,
    CommunityPage,
    CommunityRow,
    CompoundPage,
    GridPage,
    MyRecordFields,
    MyRecordOut,
    PageIn,
    ResidentDetail,
    ResidentFilter,
    ResidentPage,
    UnmaskedOut,
)
from .search import search_residents

router = Router(auth=api_auth, tags=["registry"])

NOT_FOUND = {404: ErrorOut}
# Unmasked personal data must not linger in browser or proxy caches.
NO_STORE = "no-store, private"


def _page(queryset, params: PageIn) -> dict:
    """Return one page of an ordered queryset with the total count."""
    return {
        "count": queryset.count(),
        "items": list(queryset[params.offset : params.offset + params.limit]),
    }


def _community_or_404(user, community_id: int) -> Community:
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if not perms.can_view_community(user, community):
        raise Http404
    return community


def _community_with_people_or_404(user, community_id: int) -> Community:
    """Return the community if the user may see some of its residents.

    Staff of the community see its overview; a compound role (owners' committee, property
    manager) sees only its compound's buildings, but may still list those residents.
    """
    community = get_object_or_404(Community.objects.select_related("subdistrict"), pk=community_id)
    if perms.can_view_community(user, community):
        return community
    if Building.objects.visible_to(user).filter(community=community).exists():
        return community
    raise Http404


def _building_or_404(user, building_id: int) -> Building:
    building = get_object_or_404(
        Building.objects.select_related("compound", "grid__community__subdistrict", "community"),
        pk=building_id,
    )
    if not perms.can_view_building(user, building):
        raise Http404
    return building


def _resident_or_404(user, resident_id: int) -> Resident:
    resident = get_object_or_404(
        Resident.objects.select_related(
            "community__subdistrict", "household__dwelling__building__compound"
        ),
        pk=resident_id,
    )
    if not perms.can_view_resident(user, resident):
        raise Http404
    return resident


@router.get("/communities", response=CommunityPage)
def list_communities(request, params: Query[PageIn]):
    """List the communities whose overview you may open."""
    communities = Community.objects.visible_to(request.auth).for_listing()
    return _page(communities, params)


@router.get("/communities/{community_id}", response={200: CommunityDetail, **NOT_FOUND})
def get_community(request, community_id: int):
    """Return a community with its overview figures (counted by the database)."""
    community = _community_or_404(request.auth, community_id)
    figures = community_overview(community)
    overview = {
        "residents_active": figures["total"],
        "elderly": figures["elderly"],
        "elderly_share": round(figures["elderly_share"], 4),
        "elderly_age": settings.ELDERLY_AGE,
        "households": figures["households"],
        "dwellings": figures["dwellings"],
        "grids": len(figures["grids"]),
    }
    return {**CommunityRow.model_validate(community).model_dump(), "overview": overview}


@router.get("/communities/{community_id}/compounds", response={200: CompoundPage, **NOT_FOUND})
def list_compounds(request, community_id: int, params: Query[PageIn]):
    """List a community's compounds (or villager groups) with their building counts."""
    community = _community_or_404(request.auth, community_id)
    compounds = (
        Compound.objects.filter(community=community)
        .annotate(building_count=Count("buildings"))
        .order_by("name", "id")
    )
    return _page(compounds, params)


@router.get("/communities/{community_id}/grids", response={200: GridPage, **NOT_FOUND})
def list_grids(request, community_id: int, params: Query[PageIn]):
    """List a community's grids: full code, name, extent, grid worker (masked)."""
    community = _community_or_404(request.auth, community_id)
    grids = (
        Grid.objects.filter(community=community)
        .select_related("community__subdistrict", "worker")
        .annotate(building_count=Count("buildings"))
        .order_by("code", "id")
    )
    return _page(grids, params)


@router.get("/communities/{community_id}/residents", response={200: ResidentPage, **NOT_FOUND})
def list_residents(request, community_id: int, filters: Query[ResidentFilter]):
    """Search the residents of a community you may see; names and phones are masked."""
    community = _community_with_people_or_404(request.auth, community_id)
    residents = search_residents(request.auth, community, filters.q)
    if filters.building_id is not None:
        residents = residents.filter(household__dwelling__building_id=filters.building_id)
    if filters.status is not None:
        residents = residents.filter(status=filters.status)
    return _page(residents.for_listing(), filters)


@router.get("/buildings/{building_id}", response={200: BuildingDetail, **NOT_FOUND})
def get_building(request, building_id: int):
    """Return a building with its dwellings and how many households and residents each has."""
    building = _building_or_404(request.auth, building_id)
    dwellings = (
        Dwelling.objects.filter(building=building)
        .for_listing()
        .annotate(
            household_count=Count(
                "households", filter=Q(households__is_active=True), distinct=True
            ),
            resident_count=Count(
                "households__residents",
                filter=Q(households__residents__status=Resident.Status.ACTIVE),
                distinct=True,
            ),
        )
    )
    return {
        "id": building.pk,
        "name": building.name,
        "floors": building.floors,
        "community_id": building.community_id,
        "compound": building.compound,
        "grid": building.grid,
        "dwellings": list(dwellings),
    }


@router.get("/residents/{resident_id}", response={200: ResidentDetail, **NOT_FOUND})
def get_resident(request, resident_id: int):
    """Return a resident's record, masked; party membership only to those who may see it."""
    user = request.auth
    resident = _resident_or_404(user, resident_id)
    detail = ResidentDetail.model_validate(resident)
    if perms.can_see_party_membership(user, resident):
        detail.is_party_member = resident.is_party_member
    return detail


@router.post(
    "/residents/{resident_id}/unmask",
    auth=TOKEN_OR_SESSION,
    response={200: UnmaskedOut, **NOT_FOUND},
)
def unmask_resident(request, resident_id: int, response: HttpResponse):
    """Return a resident's full name and phone; the audit log records who looked."""
    response["Cache-Control"] = NO_STORE
    user = request.auth
    resident = _resident_or_404(user, resident_id)
    if not perms.can_unmask_resident(user, resident):
        raise Http404
    full = services.unmask_resident(resident=resident, actor=user)
    return {"id": resident.pk, **full}


@router.get("/me", response={200: MyRecordOut, **NOT_FOUND})
def my_record(request, response: HttpResponse):
    """Return your own resident record in full, with your household."""
    response["Cache-Control"] = NO_STORE
    resident = (
        Resident.objects.filter(user=request.auth)
        .select_related("community", "household__dwelling__building__compound")
        .first()
    )
    if resident is None:
        raise Http404
    record = MyRecordFields.model_validate(resident).model_dump()
    return {**record, "household": _home_of(resident)}


def _home_of(resident: Resident) -> dict | None:
    """Return the resident's household; the other members' names are theirs, so masked."""
    household = resident.household
    if household is None:
        return None
    dwelling = household.dwelling
    members = household.residents.order_by("id").only("id", "name")
    return {
        "id": household.pk,
        "label": household.label,
        "dwelling": dwelling,
        "building": dwelling.building if dwelling else None,
        "compound": dwelling.building.compound if dwelling else None,
        "members": [
            {
                "id": m.pk,
                "name": m.name if m.pk == resident.pk else mask_name(m.name),
                "is_me": m.pk == resident.pk,
            }
            for m in members
        ],
    }

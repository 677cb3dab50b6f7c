"""The numbers on a community overview, computed by the database and cached per community.

The cache key carries a per-community version that every registry write bumps
(`touch_community`), so figures are never stale and a busy overview costs one cache hit.
"""

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from .models import Building, Community, Dwelling, Grid, Household, Resident
from .querysets import elderly_cutoff

CACHE_SECONDS = 600


def _version_key(community_id: int) -> str:
    return f"registry:community:{community_id}:version"


def touch_community(community_id: int) -> None:
    """Mark the community's cached figures out of date (call after any registry write)."""
    try:
        cache.incr(_version_key(community_id))
    except ValueError:
        cache.set(_version_key(community_id), 1, None)


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def compute_overview(community: Community, today: date | None = None) -> dict:
    """Return the overview figures of one community, straight from the database."""
    today = today or date.today()
    cutoff60 = elderly_cutoff(today)
    cutoff80 = _years_ago(today, 80)
    cutoff18 = _years_ago(today, 18)
    residents = Resident.objects.filter(community=community, status=Resident.Status.ACTIVE)
    totals = residents.aggregate(
        total=Count("id"),
        under18=Count("id", filter=Q(birth_date__gt=cutoff18)),
        adults=Count("id", filter=Q(birth_date__lte=cutoff18, birth_date__gt=cutoff60)),
        aged60_79=Count("id", filter=Q(birth_date__lte=cutoff60, birth_date__gt=cutoff80)),
        aged80=Count("id", filter=Q(birth_date__lte=cutoff80)),
        unknown_age=Count("id", filter=Q(birth_date__isnull=True)),
        living_alone=Count("id", filter=Q(lives_alone=True, birth_date__lte=cutoff60)),
    )
    elderly = totals["aged60_79"] + totals["aged80"]
    # One grouped pass over residents by building; compounds are sums of their buildings.
    by_building = (
        residents.values("household__dwelling__building_id")
        .annotate(total=Count("id"), elderly=Count("id", filter=Q(birth_date__lte=cutoff60)))
        .order_by()
    )
    building_counts: dict[Any, Any] = {
        row["household__dwelling__building_id"]: row for row in by_building
    }
    buildings_by_compound: dict[int, list[dict]] = {}
    for b in (
        Building.objects.filter(community=community)
        .annotate(dwelling_count=Count("dwellings"))
        .order_by("compound__name", "name")
        .values("id", "name", "compound_id", "grid__name", "dwelling_count")
    ):
        counts = building_counts.get(b["id"], {})
        buildings_by_compound.setdefault(b["compound_id"], []).append(
            {
                "id": b["id"],
                "name": b["name"],
                "grid_name": b["grid__name"] or "",
                "dwellings": b["dwelling_count"],
                "total": counts.get("total", 0),
                "elderly": counts.get("elderly", 0),
            }
        )
    compounds = []
    for c in community.compounds.order_by("name").values("id", "name", "kind"):
        rows = buildings_by_compound.get(c["id"], [])
        compounds.append(
            {
                **c,
                "buildings": rows,
                "total": sum(r["total"] for r in rows),
                "elderly": sum(r["elderly"] for r in rows),
            }
        )
    grids = list(
        Grid.objects.filter(community=community)
        .annotate(building_count=Count("buildings"))
        .order_by("code")
        .values("id", "code", "name", "extent", "worker__name", "building_count")
    )
    unplaced = building_counts.get(None, {}).get("total", 0)
    return {
        "total": totals["total"],
        "elderly": elderly,
        "elderly_share": (elderly / totals["total"]) if totals["total"] else 0.0,
        "age_bands": [
            ("under18", totals["under18"]),
            ("18to59", totals["adults"]),
            ("60to79", totals["aged60_79"]),
            ("80plus", totals["aged80"]),
            ("unknown", totals["unknown_age"]),
        ],
        "living_alone": totals["living_alone"],
        "households": Household.objects.filter(community=community, is_active=True).count(),
        "dwellings": Dwelling.objects.filter(community=community).count(),
        "grids": grids,
        "compounds": compounds,
        "unplaced": unplaced,
        "computed_on": today.isoformat(),
    }


def overview_version(community_id: int) -> str:
    """Return a key part that changes whenever the community's figures may have changed.

    Pages cache their rendered figures under it too, so a warm overview renders nothing.
    """
    version = cache.get(_version_key(community_id)) or 0
    return f"{community_id}:{version}:{date.today().isoformat()}"


def community_overview(community: Community) -> dict:
    """Return the overview figures, from the cache when nothing has changed since."""
    today = date.today()
    key = f"registry:overview:{overview_version(community.pk)}"
    figures = cache.get(key)
    if figures is None:
        figures = compute_overview(community, today)
        cache.set(key, figures, CACHE_SECONDS)
    return figures

"""Coverage of a survey (who has been reached) and the door-to-door visit lists.

A household of the audience is
- answered: it has taken part (Participation; for resident surveys, any of its members);
- reached: answered, or visited at least once;
- not at home: not answered and its latest visit found nobody in;
- declined: not answered and its latest visit was a refusal;
- still to visit: neither answered nor declined (never visited, or not at home last time).

The database counts households in one grouped query (per building and state); compound,
grid and total rows add up those building rows, so the work in Python grows with the number
of buildings, never with households. The list of households still to visit is one page of
ids (uncorrelated subqueries) and that page's columns.

The coverage page keeps the tables in the cache under a stamp that any new answer or visit,
any registry write in the community (registry.overview) and a new day change: two counts
over the survey's indexes decide whether the grouped query must run again.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Length

from gongzhi.registry.models import Building, Household, Resident
from gongzhi.registry.overview import overview_version

from .audience import audience_households
from .models import Participation, Survey, Visit, VisitDraft

OUTCOME = Visit.Outcome
COUNTS = ("total", "reached", "answered", "not_home", "declined")
COVERAGE_CACHE_SECONDS = 3600


@dataclass
class Tally:
    """Counts of audience households for one place, with their shares."""

    key: int | None
    name: str
    total: int = 0
    reached: int = 0
    answered: int = 0
    not_home: int = 0
    declined: int = 0
    parent: str = ""
    extra: dict = field(default_factory=dict)

    def add(self, other: "Tally") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def _share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def to_visit(self) -> int:
        return self.total - self.answered - self.declined

    @property
    def reached_share(self) -> float:
        return self._share(self.reached)

    @property
    def answered_share(self) -> float:
        return self._share(self.answered)

    @property
    def not_home_share(self) -> float:
        return self._share(self.not_home)

    @property
    def declined_share(self) -> float:
        return self._share(self.declined)

    def as_dict(self) -> dict:
        return {
            "id": self.key,
            "name": self.name,
            "households": self.total,
            "reached": self.reached,
            "answered": self.answered,
            "not_home": self.not_home,
            "declined": self.declined,
            "to_visit": self.to_visit,
            "reached_share": round(self.reached_share, 4),
            "answered_share": round(self.answered_share, 4),
            "not_home_share": round(self.not_home_share, 4),
            "declined_share": round(self.declined_share, 4),
        }


def _answered(survey: Survey) -> Exists:
    if survey.unit == Survey.Unit.RESIDENT:
        rows = Participation.objects.filter(survey=survey, resident__household=OuterRef("pk"))
    else:
        rows = Participation.objects.filter(survey=survey, household=OuterRef("pk"))
    return Exists(rows)


def _visits_newest_first(survey: Survey) -> QuerySet:
    return Visit.objects.filter(survey=survey, household=OuterRef("pk")).order_by("-at", "-id")


def household_flags(survey: Survey) -> QuerySet:
    """Audience households, each with is_answered, is_visited and last_outcome."""
    visits = _visits_newest_first(survey)
    return audience_households(survey).annotate(
        is_answered=_answered(survey),
        is_visited=Exists(visits),
        last_outcome=Subquery(visits.values("outcome")[:1]),
    )


# A household's state: "took_part" if it has answered, else its latest visit's outcome, or
# NULL when never visited. Two equivalent spellings, each the faster on its database:
# SQLite probes its indexes household by household quickest; PostgreSQL hashes uncorrelated
# IN lists built once, where the per-household plan costs twice as much (its estimate even
# switches on JIT compilation, some 40 ms on every request).
TOOK_PART = "took_part"


def _latest_visits_of(survey: Survey) -> QuerySet:
    """Each household's latest visit (by time, then id)."""
    later = Visit.objects.filter(survey=survey, household=OuterRef("household")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk"))
    )
    return Visit.objects.filter(survey=survey).exclude(Exists(later))


def state_by_lookups(survey: Survey) -> Case:
    """The state, looked up for each household (correlated subqueries)."""
    latest = _visits_newest_first(survey).values("outcome")[:1]
    return Case(
        When(_answered(survey), then=Value(TOOK_PART)),
        default=Subquery(latest),
        output_field=CharField(),
    )


def state_by_lists(survey: Survey) -> Case:
    """The state, from lists of households built once (uncorrelated IN subqueries)."""
    latest = _latest_visits_of(survey)
    whens = [When(pk__in=_participant_households(survey), then=Value(TOOK_PART))]
    whens += [
        When(pk__in=latest.filter(outcome=outcome).values("household_id"), then=Value(outcome))
        for outcome in OUTCOME.values
    ]
    return Case(*whens, default=None, output_field=CharField())


def _state(survey: Survey) -> Case:
    if connection.vendor == "postgresql":
        return state_by_lists(survey)
    return state_by_lookups(survey)


def building_tallies(
    survey: Survey, buildings: QuerySet[Building] | None = None, state=None
) -> list[Tally]:
    """Return one Tally per building with audience households, in place order (two queries).

    The database counts households per (building, state); Python adds those few rows up and
    names them from one query over the buildings. buildings: limit to these (a worker's
    visit list); households without a dwelling form one row with key None otherwise.
    state: state_by_lookups or state_by_lists, to force one spelling (tests compare them).
    """
    households = audience_households(survey)
    if buildings is not None:
        households = households.filter(dwelling__building__in=buildings)
    rows = (
        households.values(building_id=F("dwelling__building_id"), state=(state or _state)(survey))
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies: dict = {}
    for row in rows:
        key = row["building_id"]
        tally = tallies.get(key) or tallies.setdefault(key, Tally(key=key, name=""))
        _count_state(tally, row["state"], row["n"])
    places = Building.objects.filter(pk__in=[k for k in tallies if k is not None]).values(
        "pk", "name", "compound_id", "compound__name", "grid_id", "grid__name"
    )
    for place in places:
        tally = tallies[place["pk"]]
        tally.name, tally.parent = place["name"], place["compound__name"]
        tally.extra = {
            "compound": (place["compound_id"], place["compound__name"]),
            "grid": (place["grid_id"], place["grid__name"] or ""),
        }
    for tally in tallies.values():
        tally.extra.setdefault("compound", (None, ""))
        tally.extra.setdefault("grid", (None, ""))
    return sorted(
        tallies.values(),
        key=lambda t: (t.key is None, t.parent, t.extra["compound"][0] or 0, t.name),
    )


def _count_state(tally: Tally, state: str | None, n: int) -> None:
    tally.total += n
    if state is None:
        return
    # Any visit or answer reaches a household; a visit marked answered without a
    # Participation row (data entered elsewhere) reaches it but is not counted as answered.
    tally.reached += n
    if state == TOOK_PART:
        tally.answered += n
    elif state == OUTCOME.NOT_HOME:
        tally.not_home += n
    elif state == OUTCOME.DECLINED:
        tally.declined += n


def _roll_up(buildings: list[Tally], level: str) -> list[Tally]:
    groups: dict = {}
    for building in buildings:
        key, name = building.extra[level]
        if key not in groups:
            groups[key] = Tally(key=key, name=name)
        groups[key].add(building)
    return sorted(groups.values(), key=lambda t: (t.key is None, t.name, t.key or 0))


def coverage(survey: Survey) -> dict:
    """Return the coverage tables: buildings, compounds, grids and the community total."""
    buildings = building_tallies(survey)
    total = Tally(key=survey.community_id, name=survey.community.name)
    for building in buildings:
        total.add(building)
    return {
        "buildings": buildings,
        "compounds": _roll_up(buildings, "compound"),
        "grids": _roll_up(buildings, "grid"),
        "total": total,
    }


def coverage_stamp(survey: Survey) -> str:
    """A key part that changes with every answer or visit (rows are only ever added) and with
    the community's registry (ages, moves, new households) or the date."""
    answered = Participation.objects.filter(survey=survey).aggregate(n=Count("pk"), last=Max("pk"))
    visited = Visit.objects.filter(survey=survey).aggregate(n=Count("pk"), last=Max("pk"))
    return (
        f"{survey.pk}:{answered['n']}.{answered['last']}:{visited['n']}.{visited['last']}:"
        f"{overview_version(survey.community_id)}"
    )


def cached_coverage(survey: Survey) -> dict:
    """coverage(survey), from the cache while nothing it counts has changed."""
    key = f"surveys:coverage:{coverage_stamp(survey)}"
    figures = cache.get(key)
    if figures is None:
        figures = coverage(survey)
        cache.set(key, figures, COVERAGE_CACHE_SECONDS)
    return figures


def _head_name() -> Subquery:
    """The name of the household's oldest active member, standing for its head (户主)."""
    return Subquery(
        Resident.objects.filter(household=OuterRef("pk"), status=Resident.Status.ACTIVE)
        .order_by(F("birth_date").asc(nulls_last=True), "pk")
        .values("name")[:1]
    )


def _with_visit_columns(households: QuerySet, survey: Survey) -> QuerySet:
    visits = _visits_newest_first(survey)
    return households.annotate(
        head_name=_head_name(),
        dwelling_number=F("dwelling__number"),
        home_building_id=F("dwelling__building_id"),
        building_name=F("dwelling__building__name"),
        compound_name=F("dwelling__building__compound__name"),
        last_visit_at=Subquery(visits.values("at")[:1]),
        revisit_on=Subquery(visits.values("revisit_on")[:1]),
    )


def _participant_households(survey: Survey) -> QuerySet:
    if survey.unit == Survey.Unit.RESIDENT:
        ids = Participation.objects.filter(survey=survey).values("resident__household_id")
        return ids.filter(resident__household_id__isnull=False)
    # NOT IN over a NULL would exclude everything: keep the ids non-null.
    return Participation.objects.filter(survey=survey, household_id__isnull=False).values(
        "household_id"
    )


def _latest_declined_households(survey: Survey) -> QuerySet:
    """Households whose latest visit was declined."""
    return _latest_visits_of(survey).filter(outcome=OUTCOME.DECLINED).values("household_id")


def households_to_visit(
    survey: Survey, buildings: QuerySet[Building] | None = None
) -> QuerySet[Household]:
    """Households still to visit (coverage page): neither answered nor declined, in place order.

    Uncorrelated IN subqueries: the database builds each list once, instead of looking up
    every household's answers and visits. Add the page's columns with visit_columns().
    """
    households = (
        audience_households(survey)
        .exclude(pk__in=_participant_households(survey))
        .exclude(pk__in=_latest_declined_households(survey))
    )
    if buildings is not None:
        households = households.filter(dwelling__building__in=buildings)
    return households.order_by(
        "dwelling__building__compound__name",
        "dwelling__building__name",
        Length("dwelling__number"),
        "dwelling__number",
        "pk",
    )


def visit_columns(survey: Survey, ids: list[int]) -> list[Household]:
    """Return these households, in this order, with home, head name and latest visit."""
    households = _with_visit_columns(household_flags(survey).filter(pk__in=ids), survey)
    by_id = {h.pk: h for h in households}
    return [by_id[pk] for pk in ids if pk in by_id]


def visit_rows(survey: Survey, building: Building, worker) -> QuerySet:
    """One row per audience household of a building (visit list), with the worker's drafts."""
    drafts = VisitDraft.objects.filter(survey=survey, household=OuterRef("pk"), worker=worker)
    households = household_flags(survey).filter(dwelling__building=building)
    return (
        _with_visit_columns(households, survey)
        .annotate(has_draft=Exists(drafts))
        .order_by(Length("dwelling__number"), "dwelling__number", "pk")
    )


def audience_buildings(survey: Survey, buildings: QuerySet[Building]) -> QuerySet[Building]:
    """Those of the given buildings in the survey's places (the visit list's building filter)."""
    if survey.audience == Survey.Audience.COMPOUNDS:
        buildings = buildings.filter(compound__in=survey.audience_compounds.all())
    elif survey.audience == Survey.Audience.BUILDINGS:
        buildings = buildings.filter(pk__in=survey.audience_buildings.all())
    return buildings

"""The three rates (三率) and the on-time closure rate, computed by the database (DOMAIN.md §3).

Over the call-backs answered in a window, counting each case's latest answered call-back
(CallBack.is_latest) when it falls in the window:

- response rate     = contacted in time / answered
- resolution rate   = solved / answered
- satisfaction rate = satisfied / answered

and over the cases closed in the window (status closed, closed_at in it):

- on-time closure rate = closed by their due_at / closed

Each table is one query per source table (call-backs, cases) with conditional counts, grouped
by community, grid, responsible unit (首接负责, Case.owner_unit), major or minor category, or
period; one more query fetches the group labels (and one the category classes). Rates are
exact fractions; the pages print them as percentages with one decimal and always show the
denominator.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Case as Switch
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.registry.models import Community, Grid

from .models import CallBack, Case, Category, HandlingUnit, Status

NONE_KEY = "none"


# --- who sees which communities ---------------------------------------------------------


def rate_communities(user) -> QuerySet[Community]:
    """Return the communities whose rates the user may see: staff theirs, officials their
    subdistrict's, superusers all."""
    scope = scope_of(user)
    communities = Community.objects.select_related("subdistrict").order_by(
        "subdistrict__code", "code"
    )
    if scope.is_superuser:
        return communities
    return communities.filter(
        Q(subdistrict_id__in=scope.ids(Role.SUBDISTRICT_OFFICIAL))
        | Q(id__in=scope.ids(*STAFF_COMMUNITY_ROLES))
    )


def can_view_rates(user) -> bool:
    """Open the rates pages at all."""
    scope = scope_of(user)
    return scope.is_superuser or scope.has(Role.SUBDISTRICT_OFFICIAL, *STAFF_COMMUNITY_ROLES)


# --- the window ---------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Window:
    """A half-open span of time [start, end) named like 2025, 2025-Q1 or 2025-03."""

    name: str
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def parse(cls, text: str) -> "Window":
        """Read a year, a quarter or a month; raise ValueError on anything else."""
        match = PERIOD_PATTERN.match((text or "").strip())
        if not match:
            raise ValueError(text)
        year, quarter, month = int(match[1]), match[2], match[3]
        if not 2000 <= year <= 2100:
            raise ValueError(text)
        if quarter:
            first, months = dt.date(year, 3 * int(quarter) - 2, 1), 3
        elif month:
            first, months = dt.date(year, int(month), 1), 1
        else:
            first, months = dt.date(year, 1, 1), 12
        return cls(match[0], _midnight(first), _midnight(_add_months(first, months)))

    @classmethod
    def current_year(cls) -> "Window":
        return cls.parse(str(timezone.localdate().year))

    def contains(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end

    def narrowed(self, other: "Window") -> "Window":
        """The overlap of two windows (empty if they do not meet)."""
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Window(other.name, start, max(start, end))


def period_choices(today: dt.date | None = None, years: int = 3) -> list[tuple[str, list]]:
    """Years, quarters and months to pick from, newest first, grouped by year."""
    today = today or timezone.localdate()
    out: list[tuple[str, list]] = []
    for year in range(today.year, today.year - years, -1):
        options = [(str(year), str(year))]
        for quarter in range(4, 0, -1):
            if dt.date(year, 3 * quarter - 2, 1) <= today:
                options.append((f"{year}-Q{quarter}", f"{year}-Q{quarter}"))
        for month in range(12, 0, -1):
            if dt.date(year, month, 1) <= today:
                options.append((f"{year}-{month:02d}", f"{year}-{month:02d}"))
        out.append((str(year), options))
    return out


# --- groupings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    """How rows are grouped: columns that Case and CallBack both carry (CallBack copies its
    case's community, grid, responsible unit and category, so neither query joins)."""

    name: str
    label: object
    fields: tuple[str, ...] = ()
    # For period groupings: the length of one period in months.
    months: int = 0

    @property
    def is_period(self) -> bool:
        return self.months > 0

    @property
    def by_category(self) -> bool:
        """Grouped by category id in the database, folded into major or minor classes here."""
        return self.name in {"major", "minor"}


GROUPINGS: dict[str, Grouping] = {
    g.name: g
    for g in (
        Grouping("community", _("Community"), ("community_id",)),
        Grouping("grid", _("Grid"), ("grid_id",)),
        Grouping("unit", _("Responsible unit"), ("owner_unit_id",)),
        Grouping("major", _("Major category"), ("category_id",)),
        Grouping("minor", _("Minor category"), ("category_id",)),
        Grouping("month", _("Month"), months=1),
        Grouping("quarter", _("Quarter"), months=3),
        Grouping("year", _("Year"), months=12),
    )
}


def _period_name(first: dt.date, months: int) -> str:
    if months == 12:
        return str(first.year)
    if months == 3:
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return f"{first.year}-{first.month:02d}"


def periods_of(window: Window, months: int) -> list[Window]:
    """Split a window into calendar months, quarters or years (cut to the window)."""
    local = window.start.astimezone(_zone()).date()
    first = dt.date(local.year, (local.month - 1) // months * months + 1, 1)
    out = []
    while _midnight(first) < window.end:
        after = _add_months(first, months)
        start, end = max(_midnight(first), window.start), min(_midnight(after), window.end)
        out.append(Window(_period_name(first, months), start, end))
        first = after
    return out


def _category_classes(grouping: Grouping) -> tuple[dict[int, str], dict[str, str]]:
    """Map each category id to its major or minor class key ("event-0102"), and name each
    key. One query: categories are a small table, so this beats joining them to the rows."""
    majors = grouping.name == "major"
    keys: dict[int, str] = {}
    labels: dict[str, str] = {}
    rows = Category.objects.values_list(
        "pk", "kind", "major_code", "minor_code", "name", "community_id"
    )
    for pk, kind, major, minor, name, community_id in rows:
        code = major if majors else f"{major}{minor}"
        if minor:
            keys[pk] = f"{kind}-{code}"
        if bool(minor) != majors:
            # The shared seed names each code; a community's own copy may rename it, so
            # shared rows win and communities' rows only name codes the seed lacks.
            key = f"{kind}-{code}"
            if key not in labels or community_id is None:
                labels[key] = f"{code} {name}"
    return keys, labels


def _key_of(grouping: Grouping, value, periods: list[Window], categories: dict[int, str]) -> str:
    """Encode a group's value as one URL-safe key."""
    if grouping.is_period:
        return periods[value].name
    if value is None:
        return NONE_KEY
    if grouping.by_category:
        return categories.get(value, NONE_KEY)
    return str(value)


def _case_filter_for_key(grouping: Grouping, key: str) -> Q:
    """Return the condition on Case that selects one group (not for period groupings)."""
    if grouping.name in {"major", "minor"}:
        kind, _sep, code = key.partition("-")
        size = 2 if grouping.name == "major" else 4
        if kind not in Category.Kind.values or not re.fullmatch(rf"\d{{{size}}}", code):
            raise ValueError(key)
        condition = Q(category__kind=kind, category__major_code=code[:2])
        if grouping.name == "minor":
            condition &= Q(category__minor_code=code[2:])
        return condition
    (field_name,) = grouping.fields
    if key == NONE_KEY:
        return Q(**{f"{field_name}__isnull": True})
    if not key.isdigit():
        raise ValueError(key)
    return Q(**{field_name: int(key)})


# --- the table ----------------------------------------------------------------------------


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """Return numerator/denominator exactly, or None when nothing was counted."""
    return Fraction(numerator, denominator) if denominator else None


def percent(value: Fraction | None) -> str:
    """Print a rate as a percentage with one decimal, rounding halves up: 2/3 -> 66.7%."""
    if value is None:
        return "–"
    tenths = value * 1000
    whole = tenths.numerator * 2 + tenths.denominator
    rounded = whole // (2 * tenths.denominator)
    return f"{rounded // 10}.{rounded % 10}%"


@dataclass
class RateRow:
    """The counts of one group and the rates they give."""

    key: str
    label: str = ""
    answered: int = 0
    contacted: int = 0
    solved: int = 0
    satisfied: int = 0
    closed: int = 0
    on_time: int = 0

    @property
    def response_rate(self) -> Fraction | None:
        return ratio(self.contacted, self.answered)

    @property
    def resolution_rate(self) -> Fraction | None:
        return ratio(self.solved, self.answered)

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return ratio(self.satisfied, self.answered)

    @property
    def on_time_rate(self) -> Fraction | None:
        return ratio(self.on_time, self.closed)

    def add(self, other: "RateRow") -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNT_FIELDS = ("answered", "contacted", "solved", "satisfied", "closed", "on_time")


@dataclass
class RateTable:
    """Rows of one grouping over one window, and their total."""

    grouping: Grouping
    window: Window
    rows: list[RateRow] = field(default_factory=list)
    total: RateRow = field(default_factory=lambda: RateRow(key="total"))


def answered_callbacks(community_ids, window: Window) -> QuerySet[CallBack]:
    """The call-backs the three rates count: each case's latest answer, inside the window."""
    # is_latest is only ever set on an answered call-back (a check constraint says so).
    # "is_latest IN (true)" rather than "= true": SQLite writes the latter as the bare column,
    # which cannot use the (community, is_latest, at) index, and scans every call-back.
    return CallBack.objects.filter(
        community_id__in=list(community_ids),
        is_latest__in=[True],
        at__gte=window.start,
        at__lt=window.end,
    )


def closed_cases(community_ids, window: Window) -> QuerySet[Case]:
    """The cases the on-time closure rate counts: closed, with closed_at inside the window."""
    return Case.objects.filter(
        community_id__in=list(community_ids),
        status=Status.CLOSED,
        closed_at__gte=window.start,
        closed_at__lt=window.end,
    )


ON_TIME = Q(due_at__isnull=False, closed_at__lte=F("due_at"))


def _grouped_counts(
    source, window: Window, grouping: Grouping, periods, time_field: str, counts: dict
):
    """Rows of (group value, *counts) of source(window), one GROUP BY; for periods, the
    period's number as the group value, in the spelling each database runs faster:

    - PostgreSQL: every row numbered by a CASE over the periods' ends, in one index-only
      scan (660 ms for a year by month at 1,000,000 cases; one scan per period: 1.4 s);
    - SQLite: one aggregate per period glued with UNION ALL, each reading its own slice of
      the index (315 ms of CPU; the CASE over twelve months: 850 ms).

    Truncating dates in the local time zone would be a Python function per row on SQLite.
    """
    if not grouping.is_period:
        return source(window).values_list(*grouping.fields).annotate(**counts).order_by()
    if connection.vendor == "postgresql":
        number = Switch(
            *[When(**{f"{time_field}__lt": p.end}, then=Value(i)) for i, p in enumerate(periods)],
            default=Value(len(periods) - 1),
        )
        rows = source(window).annotate(period=number).values_list("period")
        return rows.annotate(**counts).order_by()
    parts = [
        source(p)
        .annotate(period=Value(i, output_field=IntegerField()))
        .values_list("period")
        .annotate(**counts)
        .order_by()
        for i, p in enumerate(periods)
    ]
    return parts[0].union(*parts[1:], all=True) if parts else []


def count_if(condition: Q) -> Sum:
    """Count the rows meeting condition, as SUM(CASE ...): SQLite runs it about twice as fast
    as COUNT(...) FILTER (WHERE ...), and the result is the same."""
    return Sum(Switch(When(condition, then=Value(1)), default=Value(0)))


def _row(rows: dict[str, RateRow], key: str) -> RateRow:
    if key not in rows:
        rows[key] = RateRow(key)
    return rows[key]


def rate_table(*, community_ids, window: Window, grouping: Grouping) -> RateTable:
    """Compute the rates of the communities over the window, one row per group."""
    rows: dict[str, RateRow] = {}
    periods = periods_of(window, grouping.months) if grouping.is_period else []
    categories, labels = _category_classes(grouping) if grouping.by_category else ({}, {})
    callbacks = _grouped_counts(
        lambda w: answered_callbacks(community_ids, w),
        window,
        grouping,
        periods,
        "at",
        {
            "n_answered": Count("id"),
            "n_contacted": count_if(Q(contacted_in_time=True)),
            "n_solved": count_if(Q(solved=True)),
            "n_satisfied": count_if(Q(satisfied=True)),
        },
    )
    for value, answered, contacted, solved, satisfied in callbacks:
        if not answered:  # a period with nothing: its aggregate row has NULL sums
            continue
        row = _row(rows, _key_of(grouping, value, periods, categories))
        row.answered += answered
        row.contacted += contacted
        row.solved += solved
        row.satisfied += satisfied
    cases = _grouped_counts(
        lambda w: closed_cases(community_ids, w),
        window,
        grouping,
        periods,
        "closed_at",
        {"n_closed": Count("id"), "n_on_time": count_if(ON_TIME)},
    )
    for value, closed, on_time in cases:
        if not closed:
            continue
        row = _row(rows, _key_of(grouping, value, periods, categories))
        row.closed += closed
        row.on_time += on_time
    table = RateTable(grouping=grouping, window=window)
    labels |= _labels(grouping, list(rows))
    for key, row in rows.items():
        row.label = labels.get(key, key)
        table.total.add(row)
    table.rows = sorted(rows.values(), key=lambda r: (r.key == NONE_KEY, r.label, r.key))
    return table


def _labels(grouping: Grouping, keys: list[str]) -> dict[str, str]:
    """Name each group key (one query; none for periods and categories)."""
    labels: dict[str, str] = {NONE_KEY: str(_("(none)"))}
    ids = [int(k) for k in keys if k.isdigit()]
    if grouping.name == "community":
        labels |= {
            str(pk): name
            for pk, name in Community.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    elif grouping.name == "grid":
        rows = Grid.objects.filter(pk__in=ids).values_list("pk", "community__name", "name")
        labels |= {str(pk): f"{community} · {name}" for pk, community, name in rows}
    elif grouping.name == "unit":
        unit_rows = HandlingUnit.objects.filter(pk__in=ids).values_list(
            "pk", "community__name", "name"
        )
        labels |= {str(pk): f"{community} · {name}" for pk, community, name in unit_rows}
    return labels


# --- the drill-down -----------------------------------------------------------------------

# measure -> (source, condition on that source)
MEASURES: dict[str, tuple[str, Q]] = {
    "answered": ("callback", Q()),
    "contacted": ("callback", Q(contacted_in_time=True)),
    "not_contacted": ("callback", Q(contacted_in_time=False)),
    "solved": ("callback", Q(solved=True)),
    "not_solved": ("callback", Q(solved=False)),
    "satisfied": ("callback", Q(satisfied=True)),
    "not_satisfied": ("callback", Q(satisfied=False)),
    "closed": ("case", Q()),
    "on_time": ("case", ON_TIME),
    "late": ("case", ~ON_TIME),
}

MEASURE_LABELS = {
    "answered": _("answered call-backs"),
    "contacted": _("contacted in time"),
    "not_contacted": _("not contacted in time"),
    "solved": _("solved"),
    "not_solved": _("not solved"),
    "satisfied": _("satisfied"),
    "not_satisfied": _("not satisfied"),
    "closed": _("closed"),
    "on_time": _("closed on time"),
    "late": _("closed late"),
}


def drilldown_cases(
    *, community_ids, window: Window, grouping: Grouping, key: str | None, measure: str
) -> QuerySet[Case]:
    """Return the cases behind one number of a rate table (key None: the total row).

    Raises ValueError for an unknown measure or a malformed key.
    """
    source, condition = MEASURES[measure]
    cases = Case.objects.all()
    if key is not None:
        if grouping.is_period:
            window = window.narrowed(Window.parse(key))
        else:
            cases = cases.filter(_case_filter_for_key(grouping, key))
    if source == "callback":
        latest = answered_callbacks(community_ids, window).filter(condition)
        cases = cases.filter(pk__in=latest.values("case_id"))
    else:
        cases = cases.filter(
            pk__in=closed_cases(community_ids, window).filter(condition).values("pk")
        )
    return cases.select_related("community", "category", "owner_unit", "current_unit").order_by(
        "-created_at", "-id"
    )


# --- reading a request's filters --------------------------------------------------------


class RateQueryError(ValueError):
    """A filter value that cannot be read; the message is shown to the user."""


@dataclass(frozen=True)
class RateQuery:
    """What a rates page or endpoint was asked for, checked against what the user may see."""

    community_ids: tuple[int, ...]
    window: Window
    grouping: Grouping
    subdistrict_id: int | None = None
    community_id: int | None = None

    def params(self) -> dict[str, str]:
        """The query string that asks for this again."""
        out = {"period": self.window.name, "group": self.grouping.name}
        if self.community_id:
            out["community"] = str(self.community_id)
        elif self.subdistrict_id:
            out["subdistrict"] = str(self.subdistrict_id)
        return out


def _id(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise LookupError(value) from None
    if not 0 < number < 2**63:
        raise LookupError(value)
    return number


def resolve_rate_query(user, *, subdistrict=None, community=None, period=None, group=None):
    """Check the filters against the user's communities.

    Raises LookupError for a subdistrict or community the user may not see (answer 404),
    then RateQueryError for a period or grouping that cannot be read.
    """
    subdistrict_id, community_id = _id(subdistrict), _id(community)
    communities = rate_communities(user)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    elif subdistrict_id is not None:
        communities = communities.filter(subdistrict_id=subdistrict_id)
    ids = tuple(communities.values_list("pk", flat=True))
    if (community_id or subdistrict_id) and not ids:
        raise LookupError(community_id or subdistrict_id)
    grouping = GROUPINGS.get(group or "community")
    if grouping is None:
        raise RateQueryError(_("Choose how to group the rates."))
    try:
        window = Window.parse(period) if period else Window.current_year()
    except ValueError:
        raise RateQueryError(_("Give the period as a year, a quarter or a month.")) from None
    return RateQuery(ids, window, grouping, subdistrict_id, community_id)

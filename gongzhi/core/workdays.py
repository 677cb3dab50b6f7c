"""The working-time calendar: weekends, national holidays and adjusted working days (调休).

A day is a working day when it is Monday to Friday, unless a DayOverride says otherwise:
holidays are overrides with is_workday False, the weekend days worked in exchange (调休)
are overrides with is_workday True. The calendar is national, so only the admin site and
the `workday_year` command edit it.

Working hours come from settings.WORKING_HOURS, a list of (start, end) pairs of "HH:MM" in
settings.WORKING_TIME_ZONE (default: TIME_ZONE, Asia/Shanghai).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_WORKING_HOURS = (("08:30", "12:00"), ("14:00", "17:30"))

# The longest stretch of days off in a published schedule is 9 (Spring Festival 2026);
# loading this much beyond the estimate keeps a lookup to one query in practice.
SLACK_DAYS = 21
# Load at least a year at a time: a year has about 40 overrides, and a calendar reused for
# a batch of deadlines then needs no second query.
MIN_LOAD_DAYS = 366


class DayOverride(models.Model):
    """A date that breaks the Monday-to-Friday rule: a holiday or an adjusted working day."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Ticked for a weekend day worked in exchange for a holiday (调休)."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_workday else _("day off")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".rstrip()


def _parse_time(value) -> dt.time:
    if isinstance(value, dt.time):
        return value
    hours, minutes = str(value).split(":")
    return dt.time(int(hours), int(minutes))


@cache
def _periods_from(raw: tuple) -> tuple[tuple[dt.time, dt.time], ...]:
    periods = tuple((_parse_time(a), _parse_time(b)) for a, b in raw)
    for start, end in periods:
        if start >= end:
            raise ValueError(f"working period {start}-{end} ends before it starts")
    return tuple(sorted(periods))


def working_periods() -> tuple[tuple[dt.time, dt.time], ...]:
    """Return the day's working periods from settings, sorted."""
    raw = getattr(settings, "WORKING_HOURS", DEFAULT_WORKING_HOURS)
    return _periods_from(tuple(tuple(pair) for pair in raw))


def working_time_zone() -> ZoneInfo:
    """Return the zone working hours are counted in."""
    return ZoneInfo(getattr(settings, "WORKING_TIME_ZONE", settings.TIME_ZONE))


def hours_per_day() -> Decimal:
    """Return how many working hours a working day has."""
    seconds = sum(
        (dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)).seconds
        for start, end in working_periods()
    )
    return Decimal(seconds) / 3600


def _is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


class WorkCalendar:
    """Answer working-day questions, loading the overrides of a date range in one query.

    Ranges already loaded are kept, so one calendar can serve many computations (a batch
    of deadlines); a day outside them loads a further range.
    """

    def __init__(self) -> None:
        self._overrides: dict[dt.date, bool] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None

    def load(self, first: dt.date, last: dt.date) -> None:
        """Make sure the overrides of first..last are loaded (one query if not).

        A missing range is loaded with at least a year ahead of it, so a calendar reused for
        a batch of deadlines rarely needs a second query.
        """
        loaded = self._first is not None and self._last is not None
        if loaded and self._first <= first and last <= self._last:  # type: ignore[operator]
            return
        last = max(last, first + dt.timedelta(days=MIN_LOAD_DAYS))
        if self._first is not None and self._last is not None:
            # Extend contiguously so the loaded range stays one interval.
            first, last = min(first, self._first), max(last, self._last)
        rows = DayOverride.objects.filter(date__range=(first, last)).values_list(
            "date", "is_workday"
        )
        self._overrides.update(rows)
        self._first, self._last = first, last

    def _load_ahead(self, first: dt.date, days: int) -> None:
        self.load(first, first + dt.timedelta(days=days))

    def is_workday(self, day: dt.date) -> bool:
        """Say whether day is a working day."""
        if self._first is None or self._last is None or not (self._first <= day <= self._last):
            self._load_ahead(day, 0)
        override = self._overrides.get(day)
        return _is_weekday(day) if override is None else override

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Return the same time of day on the days-th working day after start's date."""
        if days < 0:
            raise ValueError("days must not be negative")
        local = _local(start)
        self._load_ahead(local.date(), days * 2 + SLACK_DAYS)
        day = local.date()
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return dt.datetime.combine(day, local.timetz()).replace(tzinfo=local.tzinfo)

    def add_working_hours(self, start: dt.datetime, hours) -> dt.datetime:
        """Return the moment when hours of working time after start have passed."""
        remaining = hours if isinstance(hours, dt.timedelta) else _hours(hours)
        if remaining < dt.timedelta(0):
            raise ValueError("hours must not be negative")
        if not remaining:
            return start
        local = _local(start)
        zone = local.tzinfo
        per_day = float(hours_per_day())
        span = int(remaining.total_seconds() / 3600 / per_day) * 2 + SLACK_DAYS
        self._load_ahead(local.date(), span)
        day, now = local.date(), local
        while True:
            if self.is_workday(day):
                for begin, end in working_periods():
                    period_start = dt.datetime.combine(day, begin, tzinfo=zone)
                    period_end = dt.datetime.combine(day, end, tzinfo=zone)
                    if now >= period_end:
                        continue
                    now = max(now, period_start)
                    available = period_end - now
                    if remaining <= available:
                        return now + remaining
                    remaining -= available
                    now = period_end
            day += dt.timedelta(days=1)
            now = dt.datetime.combine(day, dt.time.min, tzinfo=zone)

    def working_days_between(self, start, end) -> int:
        """Count working days after start's date up to and including end's date.

        Negative when end comes first, so add_working_days(a, n) lands on a day d with
        working_days_between(a, d) == n.
        """
        first, last = _as_date(start), _as_date(end)
        if last < first:
            return -self.working_days_between(last, first)
        self.load(first, last)
        count = _weekdays_after(first, last)
        for day, is_workday in self._overrides.items():
            if first < day <= last and is_workday != _is_weekday(day):
                count += 1 if is_workday else -1
        return count

    def deadline(self, start: dt.datetime, value, unit: str) -> dt.datetime:
        """Return start plus a time limit given as value and unit.

        unit is "working_hours", "working_days" or "calendar_hours" (category time limits).
        """
        if unit == "working_hours":
            return self.add_working_hours(start, value)
        if unit == "working_days":
            return self.add_working_days(start, int(value))
        if unit == "calendar_hours":
            return start + _hours(value)
        raise ValueError(f"unknown time limit unit {unit!r}")


def _hours(value) -> dt.timedelta:
    return dt.timedelta(seconds=round(float(Decimal(str(value)) * 3600)))


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(working_time_zone())


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return _local(value).date()
    return value


def _weekdays_after(first: dt.date, last: dt.date) -> int:
    """Count Mondays to Fridays in first < day <= last, without looping over the days."""
    days = (last - first).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = first + dt.timedelta(days=weeks * 7)
    for _i in range(rest):
        day += dt.timedelta(days=1)
        count += _is_weekday(day)
    return count


def is_workday(day: dt.date) -> bool:
    """Say whether day is a working day (one query)."""
    override = DayOverride.objects.filter(date=day).values_list("is_workday", flat=True).first()
    return _is_weekday(day) if override is None else override


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """Return the same time of day on the days-th working day after start's date."""
    return WorkCalendar().add_working_days(start, days)


def add_working_hours(start: dt.datetime, hours) -> dt.datetime:
    """Return the moment when hours of working time after start have passed."""
    return WorkCalendar().add_working_hours(start, hours)


def working_days_between(start, end) -> int:
    """Count working days after start's date up to and including end's date."""
    return WorkCalendar().working_days_between(start, end)


def deadline(start: dt.datetime, value, unit: str) -> dt.datetime:
    """Return start plus a category time limit (working_hours, working_days, calendar_hours)."""
    return WorkCalendar().deadline(start, value, unit)


def parse_schedule(lines: Iterable[str]) -> list[tuple[dt.date, bool, str]]:
    """Read a holiday schedule: one "DATE[..DATE] off|work NAME" a line, # for comments."""
    days: list[tuple[dt.date, bool, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2 or parts[1] not in {"off", "work"}:
            raise ValueError(f"line {number}: expected 'DATE[..DATE] off|work NAME'")
        first_text, _sep, last_text = parts[0].partition("..")
        first = dt.date.fromisoformat(first_text)
        last = dt.date.fromisoformat(last_text) if last_text else first
        if last < first:
            raise ValueError(f"line {number}: the range ends before it starts")
        name = parts[2].strip() if len(parts) > 2 else ""
        day = first
        while day <= last:
            days.append((day, parts[1] == "work", name))
            day += dt.timedelta(days=1)
    return days

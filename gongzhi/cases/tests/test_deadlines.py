"""Deadlines in working time (DOMAIN.md §3), nearly-due and overdue lists, and escalation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gongzhi.cases.models import Case, Category, Status, TimeUnit
from gongzhi.cases.services import deadlines_for
from gongzhi.core.workdays import DayOverride

from .factories import case_in, report

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def limit(value: int, unit: str) -> Category:
    return Category(time_limit=value, time_unit=unit)


@pytest.fixture
def national_day_2025(db):
    """2025: 1-8 October off; Sunday 28 September and Saturday 11 October worked (调休)."""
    days = [(dt.date(2025, 9, 28), True), (dt.date(2025, 10, 11), True)]
    days += [(dt.date(2025, 10, day), False) for day in range(1, 9)]
    for day, is_workday in days:
        DayOverride.objects.update_or_create(date=day, defaults={"is_workday": is_workday})


def test_working_days_skip_the_weekend(db):
    friday = at("2025-06-06 10:00")

    deadlines = deadlines_for(limit(2, TimeUnit.WORKING_DAYS), friday)

    assert deadlines.due_at == at("2025-06-10 10:00")  # Monday, Tuesday


def test_an_adjusted_sunday_counts_and_the_holiday_does_not(national_day_2025):
    friday = at("2025-09-26 10:00")

    two = deadlines_for(limit(2, TimeUnit.WORKING_DAYS), friday)
    five = deadlines_for(limit(5, TimeUnit.WORKING_DAYS), friday)

    assert two.due_at == at("2025-09-29 10:00")  # Sunday 28 (调休), Monday 29
    # 28, 29, 30 September, then the holiday to 8 October, then 9 and 10 October.
    assert five.due_at == at("2025-10-10 10:00")


def test_working_hours_stop_at_night_and_over_the_holiday(national_day_2025):
    evening = at("2025-09-30 16:30")

    deadlines = deadlines_for(limit(4, TimeUnit.WORKING_HOURS), evening)

    # 1 hour left on 30 September (to 17:30), then the next working day is 9 October.
    assert deadlines.due_at == at("2025-10-09 11:30")


def test_calendar_hours_run_through_the_night(db):
    deadlines = deadlines_for(limit(2, TimeUnit.CALENDAR_HOURS), at("2025-06-07 23:00"))

    assert deadlines.due_at == at("2025-06-08 01:00")
    assert deadlines.warn_at == at("2025-06-07 23:00")  # 4 hours' warning covers it all


def test_nearly_due_starts_at_the_last_fifth_or_four_working_hours(db):
    monday = at("2025-06-09 08:30")

    long = deadlines_for(limit(10, TimeUnit.WORKING_DAYS), monday)
    short = deadlines_for(limit(8, TimeUnit.WORKING_HOURS), monday)

    # 10 days x 7 hours = 70 hours; the last 14 (20%) start after 56 hours: the end of the
    # 8th working day, Wednesday 18 June.
    assert long.warn_at == at("2025-06-18 17:30")
    # 8 hours: the last 4 (more than 20%) start after 4 hours, at 14:30 after lunch.
    assert short.warn_at == at("2025-06-09 14:30")


def test_escalation_comes_after_a_further_configurable_period(db, settings):
    start = at("2025-06-09 10:00")
    settings.CASES_SUBDISTRICT_ESCALATION_WORKING_DAYS = 3

    deadlines = deadlines_for(limit(1, TimeUnit.WORKING_DAYS), start)

    assert deadlines.due_at == at("2025-06-10 10:00")
    assert deadlines.escalate_at == at("2025-06-13 10:00")


def test_the_lists_pick_overdue_nearly_due_and_escalated_open_cases(cw):
    now = timezone.now()
    hour = dt.timedelta(hours=1)

    def with_times(status, due, warn, escalate):
        case = case_in(cw, status)
        Case.objects.filter(pk=case.pk).update(due_at=due, warn_at=warn, escalate_at=escalate)
        return case.pk

    fine = with_times(Status.DISPATCHED, now + 9 * hour, now + 5 * hour, now + 50 * hour)
    nearly = with_times(Status.ACCEPTED, now + 2 * hour, now - hour, now + 50 * hour)
    overdue = with_times(Status.IN_PROGRESS, now - hour, now - 5 * hour, now + 20 * hour)
    escalated = with_times(Status.RECEIVED, now - 30 * hour, now - 40 * hour, now - hour)
    replied_late = with_times(Status.REPLIED, now - 30 * hour, now - 40 * hour, now - hour)
    closed_late = with_times(Status.CLOSED, now - 30 * hour, now - 40 * hour, now - hour)

    ids = lambda qs: set(qs.values_list("pk", flat=True))  # noqa: E731
    assert ids(Case.objects.overdue()) == {overdue, escalated}
    assert ids(Case.objects.nearly_due()) == {nearly}
    assert ids(Case.objects.escalated()) == {escalated}
    assert Case.objects.deadline_counts() == {"overdue": 2, "nearly_due": 1, "escalated": 1}
    assert fine not in ids(Case.objects.overdue()) | ids(Case.objects.nearly_due())
    assert not {replied_late, closed_late} & ids(Case.objects.overdue())


def test_a_reported_case_gets_its_category_deadline(cw):
    case = report(cw, code="0401")  # 突发事件: 2 calendar hours

    assert case.due_at - case.created_at < dt.timedelta(hours=2, seconds=5)
    assert case.due_at - case.created_at > dt.timedelta(hours=1, minutes=59)

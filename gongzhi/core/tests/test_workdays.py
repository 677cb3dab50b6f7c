"""The working-time calendar: weekends, holidays, adjusted working days (调休), working hours.

Dates come from the seeded State Council schedules for 2025 and 2026 (DOMAIN.md §3: deadlines
are counted in working hours or days where the category says so).
"""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing.factories import UserFactory
from gongzhi.core.workdays import (
    DayOverride,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    deadline,
    is_workday,
    parse_schedule,
    working_days_between,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """Return an aware Asia/Shanghai datetime from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def naive_add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """A day-by-day reference that asks the database about every day."""
    day = start.date()
    while days:
        day += dt.timedelta(days=1)
        days -= is_workday(day)
    return dt.datetime.combine(day, start.timetz())


# --- is_workday -------------------------------------------------------------------------


def test_plain_weekdays_work_and_weekends_rest():
    assert is_workday(dt.date(2025, 3, 7))  # Friday
    assert not is_workday(dt.date(2025, 3, 8))  # Saturday
    assert not is_workday(dt.date(2025, 3, 9))  # Sunday


def test_holidays_are_days_off_even_on_weekdays():
    assert not is_workday(dt.date(2025, 1, 1))  # New Year's Day, a Wednesday
    assert not is_workday(dt.date(2025, 10, 8))  # National Day week, a Wednesday
    assert not is_workday(dt.date(2026, 2, 23))  # last day of Spring Festival 2026, a Monday


def test_adjusted_weekend_days_are_working_days():
    assert is_workday(dt.date(2025, 1, 26))  # Sunday worked for Spring Festival
    assert is_workday(dt.date(2025, 2, 8))  # Saturday worked for Spring Festival
    assert is_workday(dt.date(2026, 1, 4))  # Sunday worked for New Year 2026
    assert is_workday(dt.date(2026, 10, 10))  # Saturday worked for National Day 2026


def test_the_seeded_years_have_the_official_248_working_days():
    # 365 days - 104 weekend days - 13 statutory holidays (2024 revision) = 248 per year.
    assert working_days_between(dt.date(2024, 12, 31), dt.date(2025, 12, 31)) == 248
    assert working_days_between(dt.date(2025, 12, 31), dt.date(2026, 12, 31)) == 248


def test_an_override_added_by_staff_changes_the_answer():
    DayOverride.objects.create(date=dt.date(2025, 3, 10), is_workday=False, name="test")

    assert not is_workday(dt.date(2025, 3, 10))
    assert add_working_days(at("2025-03-07 10:00"), 1) == at("2025-03-11 10:00")


# --- add_working_days -------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    assert add_working_days(at("2025-03-07 10:15"), 1) == at("2025-03-10 10:15")
    assert add_working_days(at("2025-03-07 10:15"), 5) == at("2025-03-14 10:15")


def test_working_days_skip_a_holiday_week():
    # Tuesday 30 Sep 2025; 1-8 Oct are off, 9 Oct is the next working day.
    assert add_working_days(at("2025-09-30 09:00"), 1) == at("2025-10-09 09:00")
    # Five working days: 9, 10, 11 (adjusted Saturday), 13, 14 Oct.
    assert add_working_days(at("2025-09-30 09:00"), 5) == at("2025-10-14 09:00")


def test_working_days_land_on_an_adjusted_saturday_and_sunday():
    assert add_working_days(at("2025-10-10 16:00"), 1) == at("2025-10-11 16:00")  # Saturday
    assert add_working_days(at("2025-01-24 11:00"), 1) == at("2025-01-26 11:00")  # Sunday


def test_working_days_from_a_day_off_count_from_the_next_working_day():
    assert add_working_days(at("2025-03-08 22:00"), 1) == at("2025-03-10 22:00")
    assert add_working_days(at("2026-02-15 10:00"), 1) == at("2026-02-24 10:00")


def test_zero_working_days_is_the_start_itself():
    assert add_working_days(at("2025-03-08 22:00"), 0) == at("2025-03-08 22:00")


def test_working_days_keep_the_shanghai_time_of_day_for_utc_input():
    start = dt.datetime(2025, 3, 7, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai

    result = add_working_days(start, 1)

    assert result == at("2025-03-10 10:00")
    assert result.utcoffset() == dt.timedelta(hours=8)


def test_a_long_span_of_working_days_matches_a_day_by_day_count(django_assert_num_queries):
    start = at("2025-01-02 09:30")
    with django_assert_num_queries(1):
        result = add_working_days(start, 400)

    assert result == naive_add_working_days(start, 400)
    assert working_days_between(start, result) == 400


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(at("2025-03-07 10:00"), -1)


# --- add_working_hours ------------------------------------------------------------------


def test_working_hours_inside_one_period():
    assert add_working_hours(at("2025-03-07 09:00"), 2) == at("2025-03-07 11:00")


def test_working_hours_skip_the_lunch_break():
    assert add_working_hours(at("2025-03-07 11:00"), 2) == at("2025-03-07 15:00")


def test_working_hours_ending_at_noon_end_at_noon():
    assert add_working_hours(at("2025-03-07 08:30"), 3.5) == at("2025-03-07 12:00")


def test_working_hours_roll_over_the_weekend():
    # One hour on Friday afternoon, two on Monday morning.
    assert add_working_hours(at("2025-03-07 16:30"), 3) == at("2025-03-10 10:30")


def test_working_hours_started_outside_working_time_begin_at_the_next_period():
    assert add_working_hours(at("2025-03-07 07:00"), 1) == at("2025-03-07 09:30")
    assert add_working_hours(at("2025-03-07 12:30"), 1) == at("2025-03-07 15:00")
    assert add_working_hours(at("2025-03-07 19:00"), 1) == at("2025-03-10 09:30")
    assert add_working_hours(at("2025-03-08 10:00"), 1) == at("2025-03-10 09:30")


def test_working_hours_skip_a_holiday_and_use_an_adjusted_sunday():
    # Friday 24 Jan 2025 17:00: half an hour left; Sunday 26 Jan is worked (调休).
    assert add_working_hours(at("2025-01-24 17:00"), 1) == at("2025-01-26 09:00")
    # Monday 27 Jan 17:00: half an hour, then 28 Jan - 4 Feb off; 5 and 6 Feb, then 5.5 h.
    assert add_working_hours(at("2025-01-27 17:00"), 20) == at("2025-02-07 16:00")
    # Three more: 1.5 h to Friday 17:30, 1.5 h on Saturday 8 Feb, worked in exchange (调休).
    assert add_working_hours(at("2025-01-27 17:00"), 23) == at("2025-02-08 10:00")


def test_twenty_four_working_hours_are_three_and_a_half_working_days():
    # Seven working hours a day: 24 h = 3 days + 3 h.
    assert add_working_hours(at("2025-03-10 08:30"), 24) == at("2025-03-13 11:30")


def test_a_long_span_of_working_hours_takes_one_query(django_assert_num_queries):
    start = at("2025-01-02 08:30")
    with django_assert_num_queries(1):
        result = add_working_hours(start, 7 * 300)

    # 300 whole working days from a period start end at the close of the 300th day.
    expected = naive_add_working_days(start, 299).replace(hour=17, minute=30)
    assert result == expected


def test_working_hours_follow_the_setting(settings):
    settings.WORKING_HOURS = [("09:00", "12:00"), ("13:00", "18:00")]

    assert add_working_hours(at("2025-03-07 11:00"), 2) == at("2025-03-07 14:00")


def test_working_hours_accept_a_timedelta():
    assert add_working_hours(at("2025-03-07 09:00"), dt.timedelta(minutes=90)) == at(
        "2025-03-07 10:30"
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(dt.datetime(2025, 3, 7, 9, 0), 1)


# --- working_days_between and deadline ------------------------------------------------


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(dt.date(2025, 3, 7), dt.date(2025, 3, 10)) == 1
    assert working_days_between(dt.date(2025, 3, 10), dt.date(2025, 3, 7)) == -1
    assert working_days_between(dt.date(2025, 3, 7), dt.date(2025, 3, 7)) == 0
    # 30 Sep to 12 Oct 2025: 9, 10, 11 (adjusted Saturday) Oct.
    assert working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 12)) == 3


def test_deadline_reads_a_category_time_limit():
    start = at("2025-03-07 16:30")

    assert deadline(start, 5, "working_days") == at("2025-03-14 16:30")
    assert deadline(start, 3, "working_hours") == at("2025-03-10 10:30")
    assert deadline(start, 24, "calendar_hours") == at("2025-03-08 16:30")
    with pytest.raises(ValueError):
        deadline(start, 1, "fortnights")


def test_one_calendar_serves_many_deadlines_with_one_query(django_assert_num_queries):
    calendar = WorkCalendar()
    starts = [at("2025-03-03 09:00") + dt.timedelta(hours=7 * i) for i in range(50)]

    with django_assert_num_queries(1):
        for start in starts:
            calendar.add_working_days(start, 5)


# --- the schedule format and the command ----------------------------------------------


def test_parse_schedule_expands_ranges_and_reads_kinds():
    days = parse_schedule(["# 2027", "2027-01-01..2027-01-02 off New Year", "2027-01-03 work x"])

    assert days == [
        (dt.date(2027, 1, 1), False, "New Year"),
        (dt.date(2027, 1, 2), False, "New Year"),
        (dt.date(2027, 1, 3), True, "x"),
    ]


def test_parse_schedule_refuses_a_bad_line():
    with pytest.raises(ValueError, match="line 1"):
        parse_schedule(["2027-01-01 holiday New Year"])


def test_the_command_loads_a_year_and_writes_the_audit_log(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 off 元旦\n2027-02-06 work 春节调休上班\n", encoding="utf-8")

    call_command("workday_year", "2027", str(path), stdout=io.StringIO())

    assert not is_workday(dt.date(2027, 1, 1))
    assert is_workday(dt.date(2027, 2, 6))  # a Saturday
    entry = AuditEntry.objects.get(action="workdays.year_loaded")
    assert entry.data == {"year": 2027, "days": 2, "replaced": 0}


def test_the_command_replaces_the_year_it_loads(tmp_path):
    path = tmp_path / "2025.txt"
    path.write_text("2025-03-10 off test\n", encoding="utf-8")

    call_command("workday_year", "2025", str(path), stdout=io.StringIO())

    assert DayOverride.objects.filter(date__year=2025).count() == 1
    assert is_workday(dt.date(2025, 1, 1))
    assert DayOverride.objects.filter(date__year=2026).exists()


def test_the_command_refuses_a_date_of_another_year_and_changes_nothing(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 off 元旦\n2028-01-01 off 元旦\n", encoding="utf-8")

    with pytest.raises(CommandError, match="2028-01-01"):
        call_command("workday_year", "2027", str(path), stdout=io.StringIO())

    assert not DayOverride.objects.filter(date__year=2027).exists()


def test_the_dry_run_changes_nothing(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 off 元旦\n", encoding="utf-8")

    call_command("workday_year", "2027", str(path), "--dry-run", stdout=io.StringIO())

    assert not DayOverride.objects.filter(date__year=2027).exists()


# --- the admin site -------------------------------------------------------------------


def test_only_superusers_see_the_calendar_on_the_admin_site(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = client.get("/admin/core/dayoverride/")

    assert response.status_code == 403


def test_a_superuser_adds_a_day_and_it_is_audited(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/core/dayoverride/add/",
        {"date": "2027-01-01", "is_workday": "", "name": "元旦"},
    )

    assert response.status_code == 302
    assert not is_workday(dt.date(2027, 1, 1))
    assert AuditEntry.objects.filter(action="workdays.day_added", actor=admin).exists()

"""The three rates and on-time closure on a hand-computed fixture (DOMAIN.md §3).

Cases 1-15 have known call-backs and closures (the table in rates_fixture.build_rated).
Every figure asserted here was worked out by hand from that table, not read back from code.
"""

from fractions import Fraction

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Action, CallBack, Status, allowed_actions
from gongzhi.cases.rates import (
    GROUPINGS,
    MEASURES,
    Window,
    drilldown_cases,
    percent,
    rate_table,
)

from .factories import case_in
from .rates_fixture import MARCH, Rated, at, build_rated


@pytest.fixture
def rated(world) -> Rated:
    return build_rated(world)


def counts(row):
    return (row.answered, row.contacted, row.solved, row.satisfied, row.closed, row.on_time)


def table(rated, group, window=MARCH, ids=None):
    return rate_table(
        community_ids=ids or rated.subdistrict_ids, window=window, grouping=GROUPINGS[group]
    )


def by_key(result):
    return {row.key: counts(row) for row in result.rows}


# --- totals and rates ----------------------------------------------------------------


@pytest.mark.django_db
def test_subdistrict_totals_for_march(rated):
    result = table(rated, "community")

    # Answered: 1-9 (9 with its round-2 answer); 10's latest is in April, 11 unanswered,
    # 12 in another subdistrict, 13 in February. Closed in March: 1, 2, 4, 7, 9, 14.
    assert counts(result.total) == (9, 7, 6, 6, 6, 4)


@pytest.mark.django_db
def test_subdistrict_rates_are_exact_fractions_printed_to_one_decimal(rated):
    total = table(rated, "community").total

    assert total.response_rate == Fraction(7, 9)
    assert total.resolution_rate == Fraction(6, 9)
    assert total.satisfaction_rate == Fraction(6, 9)
    assert total.on_time_rate == Fraction(4, 6)
    assert [percent(r) for r in (total.response_rate, total.resolution_rate)] == [
        "77.8%",
        "66.7%",
    ]
    assert percent(total.on_time_rate) == "66.7%"


@pytest.mark.django_db
def test_rates_by_community(rated):
    result = by_key(table(rated, "community"))
    a, b = str(rated.world.community.pk), str(rated.world.other_community.pk)

    # A: 1,2,3,4,5,6,9 answered; contacted 1,2,3,5,9; solved 1,2,4,5,9; satisfied 1,4,5,9;
    # closed 1,2,4,9 of which 1,4,9 on time (4 exactly at its deadline).
    assert result[a] == (7, 5, 5, 4, 4, 3)
    # B: 7, 8 answered; closed 7 (on time) and 14 (no deadline: not on time).
    assert result[b] == (2, 2, 1, 2, 2, 1)
    assert set(result) == {a, b}


@pytest.mark.django_db
def test_rates_by_community_print_as_percentages(rated):
    rows = {row.key: row for row in table(rated, "community").rows}
    a = rows[str(rated.world.community.pk)]

    assert percent(a.response_rate) == "71.4%"
    assert percent(a.resolution_rate) == "71.4%"
    assert percent(a.satisfaction_rate) == "57.1%"
    assert percent(a.on_time_rate) == "75.0%"
    assert a.label == "机械社区"


@pytest.mark.django_db
def test_rates_by_responsible_unit(rated):
    result = by_key(table(rated, "unit"))
    u = {name: str(unit.pk) for name, unit in rated.units.items()}

    assert result[u["U1"]] == (5, 4, 3, 2, 3, 2)  # 1,2,3,6,9; closed 1,2,9
    assert result[u["U2"]] == (2, 1, 2, 2, 1, 1)  # 4,5; closed 4
    assert result[u["U3"]] == (2, 2, 1, 2, 2, 1)  # 7,8; closed 7,14


@pytest.mark.django_db
def test_rates_by_grid_keep_cases_without_a_grid(rated):
    result = by_key(table(rated, "grid"))
    g1, g2 = str(rated.world.grid.pk), str(rated.world.other_grid.pk)

    assert result[g1] == (4, 4, 3, 2, 3, 2)  # 1,2,3,9
    assert result[g2] == (3, 1, 2, 2, 1, 1)  # 4,5,6
    assert result["none"] == (2, 2, 1, 2, 2, 1)  # 7,8 (B has no grids here)


@pytest.mark.django_db
def test_rates_by_minor_and_major_category(rated):
    minor = by_key(table(rated, "minor"))
    major = by_key(table(rated, "major"))

    assert minor["event-0102"] == (5, 5, 4, 3, 5, 3)  # 1,2,3,7,9; closed 1,2,7,9,14
    assert minor["event-0101"] == (2, 1, 2, 2, 1, 1)  # 4,5
    assert minor["event-0501"] == (2, 1, 0, 1, 0, 0)  # 6,8
    assert major["event-01"] == (7, 6, 6, 5, 6, 4)
    assert major["event-05"] == (2, 1, 0, 1, 0, 0)


@pytest.mark.django_db
def test_category_rows_are_named_by_code_and_seed_name(rated):
    rows = {row.key: row.label for row in table(rated, "minor").rows}

    assert rows["event-0102"] == "0102 暴露垃圾"


@pytest.mark.django_db
def test_rates_by_month_over_a_quarter(rated):
    result = by_key(table(rated, "month", window=Window.parse("2025-Q1")))

    assert result == {
        "2025-02": (1, 1, 1, 1, 1, 1),  # 13
        "2025-03": (9, 7, 6, 6, 6, 4),
    }


@pytest.mark.django_db
def test_the_month_boundary_is_midnight_in_shanghai(rated):
    april = by_key(table(rated, "community", window=Window.parse("2025-04")))
    a = str(rated.world.community.pk)

    # 10's round-2 answer and 5's closure at 04-01 00:10 (16:10 UTC on 31 March).
    assert april[a] == (1, 1, 1, 1, 1, 1)


@pytest.mark.django_db
def test_a_community_worker_table_counts_only_their_community(rated):
    result = table(rated, "community", ids=(rated.world.community.pk,))

    assert counts(result.total) == (7, 5, 5, 4, 4, 3)


@pytest.mark.django_db
def test_an_empty_period_has_no_rows_and_no_rates(rated):
    result = table(rated, "community", window=Window.parse("2024"))

    assert result.rows == []
    assert result.total.response_rate is None
    assert percent(result.total.response_rate) == "–"


@pytest.mark.django_db
def test_the_table_takes_three_queries_whatever_the_rows(rated, django_assert_num_queries):
    for group in GROUPINGS:
        expected = 2 if GROUPINGS[group].is_period else 3
        with django_assert_num_queries(expected):
            table(rated, group)


# --- drill-down ---------------------------------------------------------------------


def drill(rated, group, key, measure, window=MARCH):
    cases = drilldown_cases(
        community_ids=rated.subdistrict_ids,
        window=window,
        grouping=GROUPINGS[group],
        key=key,
        measure=measure,
    )
    numbers = {case.pk: n for n, case in rated.cases.items()}
    return sorted(numbers[case.pk] for case in cases)


@pytest.mark.django_db
def test_drill_down_lists_the_not_solved_cases_of_a_unit_in_march(rated):
    u1 = str(rated.units["U1"].pk)

    assert drill(rated, "unit", u1, "not_solved") == [3, 6]
    assert drill(rated, "unit", u1, "late") == [2]


@pytest.mark.django_db
def test_drill_down_of_the_total_row(rated):
    assert drill(rated, "community", None, "answered") == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert drill(rated, "community", None, "not_contacted") == [4, 6]
    assert drill(rated, "community", None, "on_time") == [1, 4, 7, 9]
    assert drill(rated, "community", None, "late") == [2, 14]


@pytest.mark.django_db
def test_drill_down_of_a_month_narrows_the_window(rated):
    q1 = Window.parse("2025-Q1")

    assert drill(rated, "month", "2025-02", "answered", window=q1) == [13]


@pytest.mark.django_db
def test_every_number_matches_its_drill_down(rated):
    measure_count = {
        "answered": lambda r: r.answered,
        "contacted": lambda r: r.contacted,
        "not_contacted": lambda r: r.answered - r.contacted,
        "solved": lambda r: r.solved,
        "not_solved": lambda r: r.answered - r.solved,
        "satisfied": lambda r: r.satisfied,
        "not_satisfied": lambda r: r.answered - r.satisfied,
        "closed": lambda r: r.closed,
        "on_time": lambda r: r.on_time,
        "late": lambda r: r.closed - r.on_time,
    }
    assert set(measure_count) == set(MEASURES)
    for group in GROUPINGS:
        result = table(rated, group)
        for row in [*result.rows, result.total]:
            key = None if row is result.total else row.key
            for measure, count in measure_count.items():
                assert len(drill(rated, group, key, measure)) == count(row), (group, key, measure)


@pytest.mark.django_db
def test_drill_down_refuses_a_malformed_key(rated):
    with pytest.raises(ValueError):
        drill(rated, "minor", "event-01", "answered")
    with pytest.raises(ValueError):
        drill(rated, "unit", "abc", "answered")


# --- periods and printing -----------------------------------------------------------


def test_periods_parse_years_quarters_and_months():
    assert Window.parse("2025").start == at("2025-01-01 00:00")
    assert Window.parse("2025").end == at("2026-01-01 00:00")
    assert Window.parse("2025-Q4").start == at("2025-10-01 00:00")
    assert Window.parse("2025-Q4").end == at("2026-01-01 00:00")
    assert Window.parse("2025-12").end == at("2026-01-01 00:00")
    for bad in ("2025-13", "2025-Q5", "25", "2025-3", "", "1900"):
        with pytest.raises(ValueError):
            Window.parse(bad)


def test_percent_rounds_halves_up_to_one_decimal():
    assert percent(Fraction(1, 8)) == "12.5%"
    assert percent(Fraction(1, 16)) == "6.3%"  # 6.25 -> 6.3
    assert percent(Fraction(2, 3)) == "66.7%"
    assert percent(Fraction(1, 1)) == "100.0%"
    assert percent(Fraction(0, 5)) == "0.0%"


def test_a_window_splits_into_calendar_periods_cut_to_the_window():
    from gongzhi.cases.rates import periods_of

    months = periods_of(Window.parse("2025-Q1"), 1)
    quarter = periods_of(Window.parse("2025-03"), 3)

    assert [p.name for p in months] == ["2025-01", "2025-02", "2025-03"]
    assert months[1].start == at("2025-02-01 00:00") and months[1].end == at("2025-03-01 00:00")
    assert [(p.name, p.start, p.end) for p in quarter] == [
        ("2025-Q1", at("2025-03-01 00:00"), at("2025-04-01 00:00"))
    ]


# --- the call-backs' copies of their case's grid, unit and category ------------------------


def test_a_call_back_carries_its_case_grid_unit_and_category(cw):
    case = case_in(cw, Status.REPLIED)

    callback = services.record_callback(
        case=case,
        actor=cw.users["community_admin"],
        method="phone",
        contacted_in_time=True,
        solved=True,
        satisfied=True,
    )

    stored = CallBack.objects.get(pk=callback.pk)
    assert (stored.community_id, stored.grid_id, stored.owner_unit_id, stored.category_id) == (
        case.community_id,
        case.grid_id,
        case.owner_unit_id,
        case.category_id,
    )
    assert stored.grid_id is not None and stored.owner_unit_id == cw.unit.pk


@pytest.mark.parametrize(
    "status",
    [Status.IN_PROGRESS, Status.REPLIED, Status.CALLBACK_DONE, Status.CLOSED, Status.REOPENED],
)
def test_no_status_a_call_back_can_exist_in_lets_the_case_change_unit_or_category(status):
    # The copies on CallBack are written once; this is why they never go stale.
    assert Action.DISPATCH not in allowed_actions(status)
    assert Action.RETURN not in allowed_actions(status)

"""The rates page and its drill-down: who may open them, and the figures they show.

Figures come from the hand-computed fixture in rates_fixture (March 2025).
"""

import pytest
from django.urls import reverse

from .rates_fixture import build_rated

RATES = "/cases/rates/"
CASES = "/cases/rates/cases/"


@pytest.fixture
def rated(world):
    return build_rated(world)


def open_as(client, user, path, **params):
    client.force_login(user)
    return client.get(path, params)


def test_the_urls_are_named_in_the_cases_namespace():
    assert reverse("cases:rates") == RATES
    assert reverse("cases:rates-cases") == CASES


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("subdistrict_official", 200),
        ("community_admin", 200),
        ("community_worker", 200),
        ("party_secretary", 200),
        ("grid_worker", 404),
        ("owners_committee", 404),
        ("property_manager", 404),
        ("resident", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_rates_page(client, world, role, status):
    response = open_as(client, world.users[role], RATES)

    assert response.status_code == status


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(RATES)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_community_worker_cannot_ask_for_another_community(client, world):
    user = world.users["community_worker"]

    other = open_as(client, user, RATES, community=world.other_community.pk)
    far = open_as(client, world.users["far_admin"], RATES, community=world.community.pk)
    subdistrict = open_as(client, user, RATES, subdistrict=world.far_community.subdistrict_id)

    assert other.status_code == 404
    assert far.status_code == 404
    assert subdistrict.status_code == 404


@pytest.mark.django_db
def test_the_official_sees_both_communities_with_rates_and_denominators(client, rated):
    response = open_as(client, rated.world.users["subdistrict_official"], RATES, period="2025-03")

    assert response.status_code == 200
    table = response.context["table"]
    assert [row.label for row in table.rows] == ["机械社区", "爱民社区"]
    body = response.content.decode()
    # Community A: response 5/7, satisfaction 4/7; total on-time closure 4/6.
    assert "71.4%" in body and "57.1%" in body and "66.7%" in body
    assert "/ 7" in body and "/ 9" in body and "/ 6" in body


@pytest.mark.django_db
def test_a_community_worker_sees_only_their_community(client, rated):
    response = open_as(client, rated.world.users["community_worker"], RATES, period="2025-03")

    assert response.status_code == 200
    table = response.context["table"]
    assert [row.label for row in table.rows] == ["机械社区"]
    assert table.total.answered == 7


@pytest.mark.django_db
def test_grouping_by_unit_and_a_bad_period_keep_the_page_working(client, rated):
    user = rated.world.users["community_admin"]

    by_unit = open_as(client, user, RATES, period="2025-03", group="unit")
    bad = open_as(client, user, RATES, period="March", group="unit")

    assert by_unit.status_code == 200
    assert {row.label for row in by_unit.context["table"].rows} == {
        "机械社区 · 第一网格组",
        "机械社区 · 物业公司",
    }
    assert bad.status_code == 200
    assert bad.context["error"]


@pytest.mark.django_db
def test_the_drill_down_lists_the_not_solved_cases_of_a_unit(client, rated):
    u1 = rated.units["U1"]

    response = open_as(
        client,
        rated.world.users["subdistrict_official"],
        CASES,
        period="2025-03",
        group="unit",
        key=u1.pk,
        measure="not_solved",
    )

    assert response.status_code == 200
    shown = {case.title for case, _url in response.context["rows"]}
    assert shown == {"case 3", "case 6"}
    body = response.content.decode()
    assert reverse("cases:detail", args=[rated.cases[3].pk]) in body


@pytest.mark.django_db
def test_the_drill_down_links_on_the_rates_page_lead_to_the_same_count(client, rated):
    user = rated.world.users["subdistrict_official"]
    page = open_as(client, user, RATES, period="2025-03", group="minor")
    row = next(r for r in page.context["table"].rows if r.key == "event-0102")

    listed = open_as(
        client, user, CASES, period="2025-03", group="minor", key=row.key, measure="late"
    )

    assert listed.context["page"].paginator.count == row.closed - row.on_time == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"measure": "everything"},
        {"measure": "answered", "group": "minor", "key": "event-01"},
        {"measure": "answered", "period": "soon"},
    ],
)
def test_a_drill_down_that_cannot_be_read_is_a_404(client, rated, params):
    response = open_as(client, rated.world.users["community_admin"], CASES, **params)

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_drill_down_of_another_community_is_a_404(client, rated):
    response = open_as(
        client,
        rated.world.users["community_worker"],
        CASES,
        community=rated.world.other_community.pk,
        measure="answered",
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_page_query_count_does_not_depend_on_the_rows(client, rated, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.users["subdistrict_official"]
    client.force_login(user)
    with CaptureQueriesContext(connection) as one_row:
        february = client.get(RATES, {"period": "2025-02", "group": "unit"})
    with CaptureQueriesContext(connection) as three_rows:
        march = client.get(RATES, {"period": "2025-03", "group": "unit"})

    assert len(february.context["table"].rows) == 1
    assert len(march.context["table"].rows) == 3
    assert len(three_rows) == len(one_row)

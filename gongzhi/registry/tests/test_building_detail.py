"""Drill-down: building → dwellings → households → residents, masked, constant queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.testing.factories import DwellingFactory, HouseholdFactory, ResidentFactory


def test_building_lists_dwellings_households_and_masked_residents(client, world):
    client.force_login(world.users["grid_worker"])
    response = client.get(reverse("registry:building", args=[world.building.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1
    assert [r.name for r in rows[0]["residents"]] == ["张三"]
    body = response.content.decode()
    assert "张*" in body and "张三" not in body


def test_building_page_query_count_does_not_grow(client, world):
    client.force_login(world.users["community_admin"])
    url = reverse("registry:building", args=[world.building.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        household = HouseholdFactory(dwelling=DwellingFactory(building=world.building))
        ResidentFactory(household=household)
        ResidentFactory(household=household)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["rows"]) == 11
    assert len(many) == len(few)

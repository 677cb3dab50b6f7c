"""Query-count pins for the registry API lists: 3 rows cost what 30 rows cost (no N+1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.core.testing import factories as f
from gongzhi.registry.models import Household, Resident

API = "/api/v1/registry"


def queries_for(client: Client, url: str, params: dict) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


def grow(make_row, to: int, count) -> None:
    """Add rows with make_row(n), n the current number of rows, until there are `to`."""
    while (n := count()) < to:
        make_row(n)


@pytest.fixture
def admin(world) -> Client:
    client = Client()
    client.force_login(world.users["community_admin"])
    return client


@pytest.fixture
def official(world) -> Client:
    client = Client()
    client.force_login(world.users["subdistrict_official"])
    return client


def assert_same_cost(client, url, add_rows, rows_in, pin: int, params=None):
    """Measure url with 3 rows, then with 30; the query count must be pinned and equal."""
    params = {"limit": 200, **(params or {})}
    add_rows(3)
    small, small_body = queries_for(client, url, params)
    add_rows(30)
    large, large_body = queries_for(client, url, params)

    assert len(rows_in(small_body)) == 3
    assert len(rows_in(large_body)) == 30
    assert small == large == pin


def items(body):
    return body["items"]


def test_community_list_cost_does_not_grow(world, official):
    world.other_community.delete()

    def add(n):
        grow(
            lambda i: f.CommunityFactory(subdistrict=world.subdistrict, code=f"{100 + i:03d}"),
            n,
            lambda: world.subdistrict.communities.count(),
        )

    # session, user, role assignments, count, page
    assert_same_cost(official, f"{API}/communities", add, items, pin=4)


def test_compound_list_cost_does_not_grow(world, admin):
    def add(n):
        grow(
            lambda i: f.CompoundFactory(community=world.community),
            n,
            world.community.compounds.count,
        )

    # session, user, roles, community, count, page
    assert_same_cost(admin, f"{API}/communities/{world.community.pk}/compounds", add, items, pin=5)


def test_grid_list_cost_does_not_grow(world, admin):
    def add(n):
        grow(
            lambda i: f.GridFactory(
                community=world.community, code=f"{100 + i:03d}", worker=f.UserFactory()
            ),
            n,
            world.community.grids.count,
        )

    assert_same_cost(admin, f"{API}/communities/{world.community.pk}/grids", add, items, pin=5)


@pytest.mark.parametrize("params", [{}, {"q": "zs"}, {"status": "active"}])
def test_resident_list_cost_does_not_grow(world, admin, params):
    Resident.objects.all().delete()
    Household.objects.all().delete()

    def add(n):
        grow(
            lambda i: f.ResidentFactory(
                household__dwelling__building=f.BuildingFactory(
                    compound=f.CompoundFactory(community=world.community)
                ),
                name="张三",
            ),
            n,
            world.community.residents.count,
        )

    url = f"{API}/communities/{world.community.pk}/residents"
    # session, user, roles, community, count, page (home joined)
    assert_same_cost(admin, url, add, items, pin=5, params=params)


def test_building_page_cost_does_not_grow(world, admin):
    Resident.objects.all().delete()
    Household.objects.all().delete()
    world.building.dwellings.all().delete()

    def add(n):
        grow(
            lambda i: f.ResidentFactory(household__dwelling__building=world.building),
            n,
            world.building.dwellings.count,
        )

    # session, user, roles, building, dwellings with their counts
    assert_same_cost(
        admin, f"{API}/buildings/{world.building.pk}", add, lambda body: body["dwellings"], pin=4
    )

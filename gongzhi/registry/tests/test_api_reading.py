"""What the registry API returns: pages, overview figures, grid codes, search and filters."""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client

from gongzhi.core.testing import factories as f
from gongzhi.registry.models import Household, Resident

API = "/api/v1/registry"


@pytest.fixture
def admin(world) -> Client:
    cache.clear()  # overview figures are cached per community id, which tests reuse
    client = Client()
    client.force_login(world.users["community_admin"])
    return client


def test_pages_are_stable_and_carry_the_total(world, admin):
    for i in range(5):
        f.ResidentFactory(household__dwelling__building=world.building, name=f"测试{i}")
    url = f"{API}/communities/{world.community.pk}/residents"

    everyone = admin.get(url, {"limit": 200}).json()
    pages = [admin.get(url, {"limit": 3, "offset": offset}).json() for offset in (0, 3, 6)]

    assert everyone["count"] == 7
    assert [page["count"] for page in pages] == [7, 7, 7]
    paged_ids = [row["id"] for page in pages for row in page["items"]]
    assert paged_ids == [row["id"] for row in everyone["items"]]
    assert len(set(paged_ids)) == 7


def test_community_overview_counts_active_residents_elders_homes_and_grids(world, admin):
    today = date.today()
    f.ResidentFactory(
        household__dwelling__building=world.building, birth_date=date(today.year - 30, 1, 1)
    )
    f.ResidentFactory(household__dwelling__building=world.building, status="moved_out")
    Household.objects.create(community=world.community, dwelling=None, is_active=False)

    response = admin.get(f"{API}/communities/{world.community.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["full_code"] == "429005100001"
    assert body["overview"] == {
        "residents_active": 3,
        "elderly": 2,
        "elderly_share": round(2 / 3, 4),
        "elderly_age": 60,
        "households": 4,
        "dwellings": 4,
        "grids": 2,
    }


def test_grids_show_the_full_code_and_a_masked_worker(world, admin):
    world.users["grid_worker"].name = "刘德华"
    world.users["grid_worker"].save()

    response = admin.get(f"{API}/communities/{world.community.pk}/grids")

    assert response.status_code == 200
    first, second = response.json()["items"]
    assert first["full_code"] == "429005100001001"
    assert len(first["full_code"]) == 15
    assert first["name"] == "第一网格"
    assert first["worker_name"] == "刘*华"
    phone = world.users["grid_worker"].phone
    assert first["worker_phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert first["buildings"] == 1
    assert second["full_code"] == "429005100001002"
    assert second["worker_name"] is None


def test_compounds_list_their_building_counts(world, admin):
    f.BuildingFactory(compound=world.compound, name="5栋")

    response = admin.get(f"{API}/communities/{world.community.pk}/compounds")

    assert response.status_code == 200
    counts = {row["id"]: row["buildings"] for row in response.json()["items"]}
    assert counts == {world.compound.pk: 2, world.other_compound.pk: 1}


def test_building_page_counts_households_and_active_residents_per_dwelling(world, admin):
    dwelling = world.resident.household.dwelling
    f.ResidentFactory(household=world.resident.household)
    f.ResidentFactory(household=world.resident.household, status="moved_out")

    response = admin.get(f"{API}/buildings/{world.building.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["compound"] == {"id": world.compound.pk, "name": "机械小区"}
    assert body["grid"]["full_code"] == "429005100001001"
    [row] = body["dwellings"]
    assert row["id"] == dwelling.pk
    assert (row["households"], row["residents"]) == (1, 2)


@pytest.mark.parametrize("q", ["zs", "zhang", "张", "1234"])
def test_search_finds_a_resident_by_initials_pinyin_name_or_phone_tail(world, admin, q):
    response = admin.get(f"{API}/communities/{world.community.pk}/residents", {"q": q})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [world.resident.pk]


def test_search_stays_inside_what_the_grid_worker_may_see(world):
    client = Client()
    client.force_login(world.users["grid_worker"])

    response = client.get(f"{API}/communities/{world.community.pk}/residents", {"q": "ls"})

    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}


def test_residents_filter_by_building_and_status(world, admin):
    gone = f.ResidentFactory(household__dwelling__building=world.building, status="moved_out")
    url = f"{API}/communities/{world.community.pk}/residents"

    in_building = admin.get(url, {"building_id": world.building.pk}).json()
    moved_out = admin.get(url, {"status": "moved_out"}).json()
    active_there = admin.get(url, {"building_id": world.building.pk, "status": "active"}).json()

    assert {row["id"] for row in in_building["items"]} == {world.resident.pk, gone.pk}
    assert [row["id"] for row in moved_out["items"]] == [gone.pk]
    assert [row["id"] for row in active_there["items"]] == [world.resident.pk]


def test_filtering_by_a_building_the_user_may_not_see_returns_nobody(world):
    client = Client()
    client.force_login(world.users["grid_worker"])

    response = client.get(
        f"{API}/communities/{world.community.pk}/residents",
        {"building_id": world.other_building.pk},
    )

    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}


def test_resident_rows_carry_home_age_and_no_sensitive_fields(world, admin):
    Resident.objects.filter(pk=world.resident.pk).update(is_party_member=True, has_disability=True)

    response = admin.get(
        f"{API}/communities/{world.community.pk}/residents", {"building_id": world.building.pk}
    )

    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["building"] == {"id": world.building.pk, "name": "1栋"}
    assert row["dwelling"]["number"] == world.resident.household.dwelling.number
    assert row["age"] == world.resident.age_on(date.today())
    for sensitive in ("is_party_member", "has_disability", "low_income", "birth_date"):
        assert sensitive not in row


def test_the_openapi_document_lists_every_registry_endpoint(admin):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert {
        "/api/v1/registry/communities",
        "/api/v1/registry/communities/{community_id}",
        "/api/v1/registry/communities/{community_id}/compounds",
        "/api/v1/registry/communities/{community_id}/grids",
        "/api/v1/registry/communities/{community_id}/residents",
        "/api/v1/registry/buildings/{building_id}",
        "/api/v1/registry/residents/{resident_id}",
        "/api/v1/registry/residents/{resident_id}/unmask",
        "/api/v1/registry/me",
        "/api/v1/accounts/tokens",
        "/api/v1/accounts/tokens/{token_id}/revoke",
    } <= paths

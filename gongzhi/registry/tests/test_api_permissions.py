"""Every role in the `world` fixture against every registry API endpoint.

The tables below spell out what each role must see; anything else must answer 404 with the
same body as a row that does not exist (DESIGN.md: where a 403 would reveal existence, 404).
Objects are named by their attribute on `world`.
"""

import pytest
from django.test import Client

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Community, Resident

API = "/api/v1/registry"

ROLES = [
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]
COMMUNITIES = ["community", "other_community", "far_community"]
BUILDINGS = ["building", "other_building", "far_building"]
RESIDENTS = ["resident", "neighbour", "far_resident"]

ZHOUJI_STAFF = {"community_admin", "community_worker", "party_secretary"}

# GET /communities: which communities each role finds listed.
COMMUNITY_LIST = {
    "subdistrict_official": {"community", "other_community"},
    "community_admin": {"community"},
    "community_worker": {"community"},
    "grid_worker": {"community"},
    "party_secretary": {"community"},
    "owners_committee": set(),
    "property_manager": set(),
    "resident": set(),
    "outsider": set(),
    "far_admin": {"far_community"},
}

# GET /communities/{id}, /compounds, /grids: the communities that answer 200 (others 404).
# Compound roles and residents do not see a community overview.
COMMUNITY_PAGES = COMMUNITY_LIST

# GET /communities/{id}/residents: for each community that answers 200, the residents listed.
RESIDENT_LISTS = {
    "subdistrict_official": {
        "community": {"resident", "neighbour"},
        "other_community": set(),
    },
    "community_admin": {"community": {"resident", "neighbour"}},
    "community_worker": {"community": {"resident", "neighbour"}},
    "grid_worker": {"community": {"resident"}},
    "party_secretary": {"community": {"resident", "neighbour"}},
    "owners_committee": {"community": {"resident"}},
    "property_manager": {"community": {"resident"}},
    "resident": {},
    "outsider": {},
    "far_admin": {"far_community": {"far_resident"}},
}

# GET /buildings/{id}: the buildings that answer 200.
BUILDING_PAGES = {
    "subdistrict_official": {"building", "other_building"},
    "community_admin": {"building", "other_building"},
    "community_worker": {"building", "other_building"},
    "grid_worker": {"building"},
    "party_secretary": {"building", "other_building"},
    "owners_committee": {"building"},
    "property_manager": {"building"},
    "resident": set(),
    "outsider": set(),
    "far_admin": {"far_building"},
}

# GET /residents/{id}: the residents that answer 200 (masked).
RESIDENT_PAGES = {
    "subdistrict_official": {"resident", "neighbour"},
    "community_admin": {"resident", "neighbour"},
    "community_worker": {"resident", "neighbour"},
    "grid_worker": {"resident"},
    "party_secretary": {"resident", "neighbour"},
    "owners_committee": {"resident"},
    "property_manager": {"resident"},
    "resident": {"resident"},
    "outsider": set(),
    "far_admin": {"far_resident"},
}

# Where GET /residents/{id} shows party membership (true/false) instead of null.
PARTY_MEMBERSHIP_SHOWN = {
    "community_admin": {"resident", "neighbour"},
    "party_secretary": {"resident", "neighbour"},
    "resident": {"resident"},
    "far_admin": {"far_resident"},
}

# POST /residents/{id}/unmask: the residents whose full name and phone are returned.
UNMASKS = {
    "subdistrict_official": set(),
    "community_admin": {"resident", "neighbour"},
    "community_worker": {"resident", "neighbour"},
    "grid_worker": {"resident"},
    "party_secretary": set(),
    "owners_committee": set(),
    "property_manager": set(),
    "resident": set(),
    "outsider": set(),
    "far_admin": {"far_resident"},
}

# GET /me: only a user linked to a resident record has one.
ME = {"resident": "resident"}


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def ids(world, names) -> set[int]:
    return {getattr(world, name).pk for name in names}


def test_the_tables_cover_every_role():
    for table in (COMMUNITY_LIST, RESIDENT_LISTS, BUILDING_PAGES, RESIDENT_PAGES, UNMASKS):
        assert set(table) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_community_list_shows_exactly_the_role_s_communities(world, role):
    response = client_for(world, role).get(f"{API}/communities")

    assert response.status_code == 200
    body = response.json()
    assert {row["id"] for row in body["items"]} == ids(world, COMMUNITY_LIST[role])
    assert body["count"] == len(COMMUNITY_LIST[role])


@pytest.mark.parametrize("page", ["", "/compounds", "/grids"])
@pytest.mark.parametrize("community", COMMUNITIES)
@pytest.mark.parametrize("role", ROLES)
def test_community_pages_answer_404_outside_the_role_s_scope(world, role, community, page):
    community_id = getattr(world, community).pk

    response = client_for(world, role).get(f"{API}/communities/{community_id}{page}")

    expected = 200 if community in COMMUNITY_PAGES[role] else 404
    assert response.status_code == expected


@pytest.mark.parametrize("community", COMMUNITIES)
@pytest.mark.parametrize("role", ROLES)
def test_resident_list_shows_exactly_the_role_s_residents(world, role, community):
    community_id = getattr(world, community).pk

    response = client_for(world, role).get(f"{API}/communities/{community_id}/residents")

    expected = RESIDENT_LISTS[role].get(community)
    if expected is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert {row["id"] for row in body["items"]} == ids(world, expected)
    assert body["count"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
def test_resident_list_equals_visible_to_in_every_community(world, role):
    """The API list is ResidentQuerySet.visible_to(user), community by community.

    Where the list answers 404, the user sees nobody there but, at most, themselves.
    """
    user = world.users[role]
    client = client_for(world, role)
    for community in Community.objects.all():
        visible = set(
            Resident.objects.visible_to(user)
            .filter(community=community)
            .values_list("pk", flat=True)
        )
        response = client.get(f"{API}/communities/{community.pk}/residents?limit=200")
        if response.status_code == 404:
            own = set(Resident.objects.filter(user=user).values_list("pk", flat=True))
            assert visible <= own
            continue
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["items"]} == visible


@pytest.mark.parametrize("role", ROLES)
def test_resident_pages_reach_exactly_visible_to(world, role):
    user = world.users[role]
    client = client_for(world, role)
    reachable = {
        resident.pk
        for resident in Resident.objects.all()
        if client.get(f"{API}/residents/{resident.pk}").status_code == 200
    }

    assert reachable == set(Resident.objects.visible_to(user).values_list("pk", flat=True))


def test_grid_worker_lists_only_residents_of_buildings_in_their_grid(world):
    response = client_for(world, "grid_worker").get(
        f"{API}/communities/{world.community.pk}/residents"
    )

    assert response.status_code == 200
    rows = response.json()["items"]
    assert [row["building"]["id"] for row in rows] == [world.building.pk]
    assert world.building.grid_id == world.grid.pk


@pytest.mark.parametrize("role", ["owners_committee", "property_manager"])
def test_compound_roles_see_their_compound_s_residents_masked(world, role):
    response = client_for(world, role).get(f"{API}/communities/{world.community.pk}/residents")

    assert response.status_code == 200
    [row] = response.json()["items"]
    assert row["compound"]["id"] == world.compound.pk
    assert row["name"] == "张*"
    assert row["phone"] == "138****1234"


@pytest.mark.parametrize("role", ROLES)
def test_lists_mask_names_and_phones_for_every_role(world, role):
    client = client_for(world, role)
    for community in COMMUNITIES:
        response = client.get(f"{API}/communities/{getattr(world, community).pk}/residents")
        if response.status_code != 200:
            continue
        for row in response.json()["items"]:
            resident = Resident.objects.get(pk=row["id"])
            assert row["name"] != resident.name
            assert row["phone"] != resident.phone
            assert "*" in row["name"]
            assert "*" in row["phone"]
            assert "is_party_member" not in row


@pytest.mark.parametrize("building", BUILDINGS)
@pytest.mark.parametrize("role", ROLES)
def test_building_page_answers_404_outside_the_role_s_scope(world, role, building):
    building_id = getattr(world, building).pk

    response = client_for(world, role).get(f"{API}/buildings/{building_id}")

    expected = 200 if building in BUILDING_PAGES[role] else 404
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["id"] == building_id


@pytest.mark.parametrize("resident", RESIDENTS)
@pytest.mark.parametrize("role", ROLES)
def test_resident_page_is_masked_and_scoped(world, role, resident):
    target = getattr(world, resident)

    response = client_for(world, role).get(f"{API}/residents/{target.pk}")

    if resident not in RESIDENT_PAGES[role]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == target.pk
    assert body["name"] != target.name
    assert body["phone"] != target.phone
    assert "id_number" not in body
    shown = resident in PARTY_MEMBERSHIP_SHOWN.get(role, set())
    assert body["is_party_member"] == (target.is_party_member if shown else None)


def test_party_membership_shows_its_true_value_to_the_party_secretary(world):
    Resident.objects.filter(pk=world.neighbour.pk).update(is_party_member=True)

    secretary = client_for(world, "party_secretary").get(f"{API}/residents/{world.neighbour.pk}")
    worker = client_for(world, "community_worker").get(f"{API}/residents/{world.neighbour.pk}")

    assert secretary.status_code == 200
    assert secretary.json()["is_party_member"] is True
    assert worker.status_code == 200
    assert worker.json()["is_party_member"] is None


@pytest.mark.parametrize("resident", RESIDENTS)
@pytest.mark.parametrize("role", ROLES)
def test_unmask_returns_full_data_and_audits_only_when_allowed(world, role, resident):
    target = getattr(world, resident)
    before = AuditEntry.objects.count()

    response = client_for(world, role).post(f"{API}/residents/{target.pk}/unmask")

    if resident not in UNMASKS[role]:
        assert response.status_code == 404
        assert target.name not in response.content.decode()
        assert target.phone not in response.content.decode()
        assert AuditEntry.objects.count() == before
        return
    assert response.status_code == 200
    assert response.json() == {"id": target.pk, "name": target.name, "phone": target.phone}
    assert response["Cache-Control"] == "no-store, private"
    entry = AuditEntry.objects.get(action="resident.unmask")
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "resident.unmask"
    assert entry.actor == world.users[role]
    assert entry.target_id == str(target.pk)
    assert entry.community_id == target.community_id


def test_unmask_works_with_a_token_and_no_csrf_cookie(world):
    from gongzhi.accounts.services import create_api_token

    _token, raw = create_api_token(user=world.users["community_admin"], name="script")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"{API}/residents/{world.resident.pk}/unmask", headers={"authorization": f"Bearer {raw}"}
    )

    assert response.status_code == 200
    assert response.json()["phone"] == world.resident.phone
    assert AuditEntry.objects.filter(action="resident.unmask").count() == 1


def test_unmask_by_session_still_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["community_admin"])

    response = client.post(f"{API}/residents/{world.resident.pk}/unmask")

    assert response.status_code == 403
    assert world.resident.phone not in response.content.decode()
    assert not AuditEntry.objects.filter(action="resident.unmask").exists()


@pytest.mark.parametrize("role", ROLES)
def test_me_returns_only_the_user_s_own_record(world, role):
    response = client_for(world, role).get(f"{API}/me")

    if role not in ME:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    own = getattr(world, ME[role])
    assert body["id"] == own.pk
    assert body["name"] == own.name
    assert body["phone"] == own.phone
    assert body["household"]["id"] == own.household_id
    assert response["Cache-Control"] == "no-store, private"


def test_me_masks_the_other_members_of_the_household(world):
    other = Resident.objects.create(
        community=world.community, household=world.resident.household, name="张小红"
    )

    response = client_for(world, "resident").get(f"{API}/me")

    assert response.status_code == 200
    members = {m["id"]: m for m in response.json()["household"]["members"]}
    assert members[world.resident.pk] == {"id": world.resident.pk, "name": "张三", "is_me": True}
    assert members[other.pk] == {"id": other.pk, "name": "张*红", "is_me": False}


def test_official_sees_both_zhouji_communities_but_not_the_far_one(world):
    client = client_for(world, "subdistrict_official")

    listed = client.get(f"{API}/communities").json()["items"]
    far = client.get(f"{API}/communities/{world.far_community.pk}")

    assert {row["name"] for row in listed} == {"机械社区", "爱民社区"}
    assert far.status_code == 404


def test_far_admin_sees_nothing_of_zhouji(world):
    client = client_for(world, "far_admin")
    urls = [f"{API}/communities/{getattr(world, c).pk}" for c in ("community", "other_community")]
    urls += [f"{API}/communities/{world.community.pk}/residents"]
    urls += [f"{API}/buildings/{getattr(world, b).pk}" for b in ("building", "other_building")]
    urls += [f"{API}/residents/{getattr(world, r).pk}" for r in ("resident", "neighbour")]

    statuses = {url: client.get(url).status_code for url in urls}

    assert set(statuses.values()) == {404}


@pytest.mark.parametrize(
    "url",
    [
        "/communities/{community}",
        "/communities/{community}/compounds",
        "/communities/{community}/grids",
        "/communities/{community}/residents",
        "/buildings/{building}",
        "/residents/{resident}",
    ],
)
def test_refusal_looks_exactly_like_a_missing_row(world, url):
    client = client_for(world, "outsider")
    existing = url.format(
        community=world.community.pk, building=world.building.pk, resident=world.resident.pk
    )
    missing = url.format(community=999999, building=999999, resident=999999)

    refused = client.get(API + existing)
    absent = client.get(API + missing)

    assert refused.status_code == absent.status_code == 404
    assert refused.json() == absent.json()


def test_refused_unmask_looks_exactly_like_a_missing_row(world):
    client = client_for(world, "property_manager")

    refused = client.post(f"{API}/residents/{world.resident.pk}/unmask")
    absent = client.post(f"{API}/residents/999999/unmask")

    assert refused.status_code == absent.status_code == 404
    assert refused.json() == absent.json()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/communities"),
        ("get", "/communities/1"),
        ("get", "/communities/1/residents"),
        ("get", "/buildings/1"),
        ("get", "/residents/1"),
        ("post", "/residents/1/unmask"),
        ("get", "/me"),
    ],
)
def test_anonymous_requests_get_401(world, method, url):
    response = getattr(Client(), method)(API + url)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert not AuditEntry.objects.exists()

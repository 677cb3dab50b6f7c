"""Permission matrix: every role against every registry page (DESIGN.md: matrices)."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident

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
STAFF_COMMUNITY = {
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
}
EDITORS_OF_RESIDENT = {"community_admin", "community_worker", "grid_worker"}

# page -> (url builder, roles that get 200; every other role gets 404)
PAGES = {
    "overview": (lambda w: reverse("registry:community", args=[w.community.pk]), STAFF_COMMUNITY),
    "search": (lambda w: reverse("registry:residents", args=[w.community.pk]), STAFF_COMMUNITY),
    "compound": (
        lambda w: reverse("registry:compound", args=[w.compound.pk]),
        STAFF_COMMUNITY | {"owners_committee", "property_manager"},
    ),
    "building in grid and compound": (
        lambda w: reverse("registry:building", args=[w.building.pk]),
        STAFF_COMMUNITY | {"owners_committee", "property_manager"},
    ),
    "other building": (
        lambda w: reverse("registry:building", args=[w.other_building.pk]),
        STAFF_COMMUNITY - {"grid_worker"},
    ),
    "resident": (
        lambda w: reverse("registry:resident", args=[w.resident.pk]),
        STAFF_COMMUNITY | {"owners_committee", "property_manager", "resident"},
    ),
    "neighbour": (
        lambda w: reverse("registry:resident", args=[w.neighbour.pk]),
        STAFF_COMMUNITY - {"grid_worker"},
    ),
    "edit resident": (
        lambda w: reverse("registry:resident-edit", args=[w.resident.pk]),
        EDITORS_OF_RESIDENT,
    ),
    "move out": (
        lambda w: reverse("registry:resident-move-out", args=[w.resident.pk]),
        EDITORS_OF_RESIDENT,
    ),
    "move in": (
        lambda w: reverse("registry:resident-move-in", args=[w.resident.pk]),
        EDITORS_OF_RESIDENT,
    ),
    "add resident": (
        lambda w: reverse("registry:resident-add", args=[w.community.pk]),
        {"community_admin", "community_worker"},
    ),
    "corrections": (
        lambda w: reverse("registry:corrections", args=[w.community.pk]),
        {"community_admin", "community_worker"},
    ),
    "audit log": (lambda w: reverse("core:audit-log", args=[w.community.pk]), {"community_admin"}),
    "my data": (lambda w: reverse("registry:my-data"), {"resident"}),
    "my data export": (lambda w: reverse("registry:my-data-export"), {"resident"}),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_matrix(client, world, page, role):
    url_for, allowed = PAGES[page]
    client.force_login(world.users[role])
    response = client.get(url_for(world))
    assert response.status_code == (200 if role in allowed else 404), (page, role)


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_login(client, world, page):
    url_for, _allowed = PAGES[page]
    response = client.get(url_for(world))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_far_community_is_404_even_for_its_neighbours_admin(client, world):
    client.force_login(world.users["community_admin"])
    response = client.get(reverse("registry:resident", args=[world.far_resident.pk]))
    assert response.status_code == 404


def test_missing_and_forbidden_look_the_same(client, world):
    client.force_login(world.users["grid_worker"])
    forbidden = client.get(reverse("registry:resident", args=[world.neighbour.pk]))
    missing = client.get(reverse("registry:resident", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404


@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS_OF_RESIDENT))
def test_refused_edit_changes_nothing(client, world, role):
    client.force_login(world.users[role])
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]),
        {"name": "篡改", "gender": "F", "birth_date": "1960-01-01", "phone": "13900000000"},
    )
    assert response.status_code == 404
    world.resident.refresh_from_db()
    assert world.resident.name == "张三"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS_OF_RESIDENT))
def test_refused_move_out_changes_nothing(client, world, role):
    client.force_login(world.users[role])
    response = client.post(
        reverse("registry:resident-move-out", args=[world.resident.pk]), {"on": "2025-01-01"}
    )
    assert response.status_code == 404
    world.resident.refresh_from_db()
    assert world.resident.status == Resident.Status.ACTIVE

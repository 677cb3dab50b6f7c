"""Move out and move in: state, dates, household, audit."""

from datetime import date

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.registry import services
from gongzhi.registry.models import Dwelling, Resident


def test_move_out_records_the_date_and_leaves_the_household(client, world):
    client.force_login(world.users["grid_worker"])
    response = client.post(
        reverse("registry:resident-move-out", args=[world.resident.pk]),
        {"on": "2025-06-01", "reason": "投靠子女"},
    )
    assert response.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.status == Resident.Status.MOVED_OUT
    assert world.resident.moved_out_on == date(2025, 6, 1)
    assert world.resident.household is None
    entry = AuditEntry.objects.get(action="resident.move_out")
    assert entry.data["reason"] == "投靠子女"


def test_moving_out_twice_is_refused_with_a_message(client, world):
    actor = world.users["community_admin"]
    services.move_out(resident=world.resident, actor=actor, on=date(2025, 1, 1))
    with pytest.raises(services.RegistryError):
        services.move_out(resident=world.resident, actor=actor, on=date(2025, 2, 1))


def test_move_out_in_the_future_is_refused(client, world):
    client.force_login(world.users["community_admin"])
    response = client.post(
        reverse("registry:resident-move-out", args=[world.resident.pk]), {"on": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "on" in response.context["form"].errors
    world.resident.refresh_from_db()
    assert world.resident.status == Resident.Status.ACTIVE


def test_move_in_creates_the_dwelling_and_joins_its_household(client, world):
    client.force_login(world.users["community_admin"])
    response = client.post(
        reverse("registry:resident-move-in", args=[world.neighbour.pk]),
        {"building": world.building.pk, "dwelling_number": "501", "on": "2025-03-01"},
    )
    assert response.status_code == 302
    world.neighbour.refresh_from_db()
    dwelling = Dwelling.objects.get(building=world.building, number="501")
    assert world.neighbour.household.dwelling == dwelling
    assert world.neighbour.moved_in_on == date(2025, 3, 1)
    # A second person moving into 501 joins the same household.
    services.move_in(
        resident=world.resident,
        actor=world.users["community_admin"],
        building=world.building,
        number="501",
        on=date(2025, 3, 2),
    )
    world.resident.refresh_from_db()
    assert world.resident.household_id == world.neighbour.household_id


def test_move_in_to_another_communitys_building_is_refused(client, world):
    client.force_login(world.users["community_admin"])
    response = client.post(
        reverse("registry:resident-move-in", args=[world.resident.pk]),
        {"building": world.far_building.pk, "dwelling_number": "1", "on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    world.resident.refresh_from_db()
    assert world.resident.household.dwelling.building == world.building

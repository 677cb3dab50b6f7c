"""Unmasking: audited for those allowed, 404 and unrecorded for everyone else (DOMAIN.md §5)."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry


def test_detail_is_masked_until_asked(client, world):
    client.force_login(world.users["community_worker"])
    response = client.get(reverse("registry:resident", args=[world.resident.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张*" in body
    assert "138****1234" in body
    assert "13812341234" not in body
    assert "张三" not in body


def test_unmask_shows_full_data_and_is_audited(client, world):
    worker = world.users["community_worker"]
    client.force_login(worker)
    response = client.post(reverse("registry:resident-unmask", args=[world.resident.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "13812341234" in body
    assert "张三" in body
    entry = AuditEntry.objects.get(action="resident.unmask")
    assert entry.actor == worker
    assert entry.target_id == str(world.resident.pk)
    assert entry.community_id == world.community.pk


@pytest.mark.parametrize(
    "role",
    ["subdistrict_official", "party_secretary", "owners_committee", "property_manager", "outsider"],
)
def test_unmask_refused_reveals_and_records_nothing(client, world, role):
    client.force_login(world.users[role])
    response = client.post(reverse("registry:resident-unmask", args=[world.resident.pk]))
    assert response.status_code == 404
    assert "13812341234" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="resident.unmask").exists()


def test_unmask_needs_post(client, world):
    client.force_login(world.users["community_worker"])
    response = client.get(reverse("registry:resident-unmask", args=[world.resident.pk]))
    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="resident.unmask").exists()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("community_admin", True),
        ("party_secretary", True),
        ("community_worker", False),
        ("grid_worker", False),
    ],
)
def test_party_membership_only_for_roles_that_need_it(client, world, role, sees):
    world.resident.is_party_member = True
    world.resident.save()
    client.force_login(world.users[role])
    body = client.get(reverse("registry:resident", args=[world.resident.pk])).content.decode()
    assert ("Party member" in body or "党员" in body) is sees


def test_search_list_never_shows_party_membership_or_full_phone(client, world):
    world.resident.is_party_member = True
    world.resident.save()
    client.force_login(world.users["community_admin"])
    body = client.get(reverse("registry:residents", args=[world.community.pk])).content.decode()
    assert "13812341234" not in body
    assert "138****1234" in body
    assert "Party member" not in body and "党员" not in body

"""The audit log is append-only and readable by community admins only."""

import pytest
from django.urls import reverse

from gongzhi.core.audit import record
from gongzhi.core.models import AppendOnlyError, AuditEntry


def test_entries_cannot_be_changed_or_deleted(world):
    entry = record(actor=world.users["community_admin"], action="test.write", target=world.resident)
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="tampered")
    assert AuditEntry.objects.get().action == "test.write"


def test_admin_sees_their_communitys_entries_only(client, world):
    record(actor=world.users["community_worker"], action="resident.unmask", target=world.resident)
    record(actor=world.users["far_admin"], action="resident.unmask", target=world.far_resident)
    client.force_login(world.users["community_admin"])
    response = client.get(reverse("core:audit-log", args=[world.community.pk]))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [e.target_id for e in entries] == [str(world.resident.pk)]


def test_audit_viewer_filters_by_action(client, world):
    record(actor=None, action="resident.unmask", target=world.resident)
    record(actor=None, action="resident.update", target=world.resident)
    client.force_login(world.users["community_admin"])
    response = client.get(
        reverse("core:audit-log", args=[world.community.pk]), {"action": "resident.update"}
    )
    assert [e.action for e in response.context["page"].object_list] == ["resident.update"]

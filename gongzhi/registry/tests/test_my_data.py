"""Residents see, export and ask to correct their own data (PIPL; DOMAIN.md §5)."""

import json

from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import CorrectionRequest


def test_resident_sees_own_data_unmasked(client, world):
    client.force_login(world.users["resident"])
    response = client.get(reverse("registry:my-data"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张三" in body and "13812341234" in body


def test_export_is_json_with_own_data_only(client, world):
    client.force_login(world.users["resident"])
    response = client.get(reverse("registry:my-data-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["name"] == "张三"
    assert data["phone"] == "13812341234"
    assert data["home"]["building"] == world.building.name
    assert "李四" not in response.content.decode()
    assert AuditEntry.objects.filter(action="resident.export_own").count() == 1


def test_correction_request_flow(client, world):
    client.force_login(world.users["resident"])
    response = client.post(reverse("registry:my-correction"), {"text": "手机号已更换为13900001111"})
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.resident == world.resident
    assert correction.community == world.community

    client.force_login(world.users["community_worker"])
    listing = client.get(reverse("registry:corrections", args=[world.community.pk]))
    assert correction in listing.context["page"].object_list
    refused = client.post(
        reverse("registry:correction-handle", args=[correction.pk]),
        {"status": "refused", "reply": ""},
    )
    assert refused.status_code == 200
    assert "reply" in refused.context["form"].errors
    correction.refresh_from_db()
    assert correction.status == "open"
    done = client.post(
        reverse("registry:correction-handle", args=[correction.pk]),
        {"status": "done", "reply": "已更新"},
    )
    assert done.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "done"
    assert correction.handled_by == world.users["community_worker"]

    client.force_login(world.users["resident"])
    assert "已更新" in client.get(reverse("registry:my-data")).content.decode()


def test_empty_correction_is_refused_and_nothing_saved(client, world):
    client.force_login(world.users["resident"])
    response = client.post(reverse("registry:my-correction"), {"text": "  "})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not CorrectionRequest.objects.exists()


def test_other_communitys_admin_cannot_handle_the_request(client, world):
    correction = CorrectionRequest.objects.create(
        community=world.community, resident=world.resident, text="x"
    )
    client.force_login(world.users["far_admin"])
    response = client.post(
        reverse("registry:correction-handle", args=[correction.pk]), {"status": "done"}
    )
    assert response.status_code == 404
    correction.refresh_from_db()
    assert correction.status == "open"

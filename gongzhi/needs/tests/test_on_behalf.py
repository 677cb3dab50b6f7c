"""代办: a worker raises a need for a resident who asked, recording who and their consent."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.needs.models import Follow, Need

from .helpers import category_of

pytestmark = pytest.mark.django_db


def post(client, world, resident, **data):
    payload = {
        "kind": "need",
        "title": "帮忙反映：楼道灯坏了",
        "text": "张大爷腿脚不便，请社区修一下楼道灯。",
        "category": category_of(world.community).pk,
        "on_behalf_of": resident.pk,
        "consent": "on",
        "consent_method": "verbal",
    }
    payload.update(data)
    return client.post(reverse("needs:create", args=[world.community.pk]), payload)


def test_a_worker_raises_a_need_for_a_resident_with_consent(client, world):
    worker = world.users["community_worker"]
    client.force_login(worker)

    response = post(client, world, world.resident)

    need = Need.objects.get()
    assert response.status_code == 302
    assert need.author == worker
    assert need.resident == world.resident
    assert need.on_behalf is True
    assert need.consent_method == Need.ConsentMethod.VERBAL
    assert Follow.objects.filter(need=need, user=world.resident.user).exists()
    audit = AuditEntry.objects.get(action="need.raised")
    assert audit.data["on_behalf_of"] == world.resident.pk
    assert audit.data["consent_method"] == "verbal"


def test_without_the_consent_box_nothing_is_raised(client, world):
    client.force_login(world.users["community_worker"])

    response = post(client, world, world.resident, consent="")

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_without_how_consent_was_given_nothing_is_raised(client, world):
    client.force_login(world.users["community_worker"])

    response = post(client, world, world.resident, consent_method="")

    assert response.status_code == 200
    assert "consent_method" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_a_grid_worker_acts_for_residents_of_their_grid_only(client, world):
    client.force_login(world.users["grid_worker"])

    refused = post(client, world, world.neighbour)  # other grid
    assert refused.status_code == 200
    assert Need.objects.count() == 0

    allowed = post(client, world, world.resident)
    assert allowed.status_code == 302
    assert Need.objects.get().resident == world.resident


def test_a_resident_of_another_community_cannot_be_chosen(client, world):
    client.force_login(world.users["community_worker"])
    stranger = f.ResidentFactory(household__dwelling__building=world.far_building)

    response = post(client, world, stranger)

    assert response.status_code == 200
    assert "on_behalf_of" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_a_resident_cannot_raise_for_another_resident(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world, world.neighbour)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Need.objects.count() == 0


def test_the_worker_finds_the_resident_by_name(client, world):
    client.force_login(world.users["community_worker"])

    response = client.get(reverse("needs:create", args=[world.community.pk]), {"resident_q": "张"})

    assert response.status_code == 200
    assert [r.pk for r, _label in response.context["matches"]] == [world.resident.pk]
    assert "张*" in response.content.decode()
    assert "张三" not in response.content.decode()

"""Editing a record: saved and audited; bad input keeps what was typed and writes nothing."""

from django.urls import reverse

from gongzhi.core.models import AuditEntry

VALID = {"name": "张三丰", "gender": "M", "birth_date": "1950-05-01", "phone": "13812341234"}


def test_worker_edits_a_record_and_it_is_audited(client, world):
    client.force_login(world.users["community_worker"])
    response = client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]), {**VALID, "lives_alone": "on"}
    )
    assert response.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.name == "张三丰"
    assert world.resident.name_initials == "zsf"
    assert world.resident.lives_alone is True
    entry = AuditEntry.objects.get(action="resident.update")
    assert sorted(entry.data["fields"]) == ["lives_alone", "name"]
    assert "张三丰" not in str(entry.data)  # the log names fields, not personal values


def test_bad_phone_keeps_the_form_and_changes_nothing(client, world):
    client.force_login(world.users["community_worker"])
    response = client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]), {**VALID, "phone": "12345"}
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'value="张三丰"' in response.content.decode()
    world.resident.refresh_from_db()
    assert world.resident.name == "张三"
    assert not AuditEntry.objects.filter(action="resident.update").exists()


def test_future_birth_date_is_refused(client, world):
    client.force_login(world.users["community_worker"])
    response = client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]),
        {**VALID, "birth_date": "2999-01-01"},
    )
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors


def test_impossible_date_is_refused_not_a_500(client, world):
    client.force_login(world.users["community_worker"])
    response = client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]),
        {**VALID, "birth_date": "1990-02-30"},
    )
    assert response.status_code == 200
    assert "birth_date" in response.context["form"].errors


def test_worker_cannot_set_party_membership(client, world):
    client.force_login(world.users["community_worker"])
    client.post(
        reverse("registry:resident-edit", args=[world.resident.pk]),
        {**VALID, "is_party_member": "on"},
    )
    world.resident.refresh_from_db()
    assert world.resident.is_party_member is False


def test_admin_registers_a_new_resident_into_a_dwelling(client, world):
    client.force_login(world.users["community_admin"])
    response = client.post(
        reverse("registry:resident-add", args=[world.community.pk]),
        {
            "name": "王小二",
            "gender": "M",
            "birth_date": "1940-03-03",
            "phone": "",
            "building": world.building.pk,
            "dwelling_number": "302",
            "moved_in_on": "2024-01-01",
        },
    )
    assert response.status_code == 302
    from gongzhi.registry.models import Resident

    person = Resident.objects.get(name="王小二")
    assert person.household.dwelling.number == "302"
    assert person.household.dwelling.building == world.building
    assert AuditEntry.objects.filter(action="resident.create", target_id=str(person.pk)).exists()

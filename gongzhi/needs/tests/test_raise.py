"""Raising a need or proposal from the page: what is stored, who follows, what is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gongzhi.core.models import AuditEntry
from gongzhi.moderation.models import ModerationStatus
from gongzhi.needs.models import Follow, Need, NeedEvent, NeedPhoto
from gongzhi.notifications.models import Message
from gongzhi.search.models import SearchEntry

from .helpers import category_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(name="p.jpg", exif=True) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), "red")
    if exif:
        exif_data = image.getexif()
        exif_data[0x010F] = "Camera maker"
        image.save(out, format="JPEG", exif=exif_data)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def post(client, community, **data):
    url = reverse("needs:create", args=[community.pk])
    payload = {
        "kind": "need",
        "title": "三号楼路灯坏了",
        "text": "路灯坏了一个月，晚上老人出门看不清台阶。",
        "category": category_of(community).pk,
    }
    payload.update(data)
    return client.post(url, payload)


def test_a_resident_raises_a_need_and_follows_it(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, compound=world.compound.pk)

    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs:detail", args=[need.pk])
    assert need.status == Need.Status.SUBMITTED
    assert need.moderation_status == ModerationStatus.PUBLISHED
    assert need.author == world.users["resident"]
    assert need.resident == world.resident
    assert need.compound == world.compound
    assert not need.on_behalf
    assert need.response_due_at > need.created_at
    assert list(need.events.values_list("kind", flat=True)) == [NeedEvent.Kind.CREATED]
    assert Follow.objects.filter(need=need, user=world.users["resident"]).exists()
    assert AuditEntry.objects.filter(action="need.raised", target_id=str(need.pk)).exists()
    assert SearchEntry.objects.filter(kind="need", object_id=need.pk, visible=True).exists()


def test_a_proposal_is_stored_as_one(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, kind="proposal", title="建一个文艺舞台")

    assert response.status_code == 302
    assert Need.objects.get().kind == Need.Kind.PROPOSAL


def test_a_building_sets_its_compound(client, world):
    client.force_login(world.users["resident"])

    post(client, world.community, building=world.other_building.pk)

    need = Need.objects.get()
    assert need.building == world.other_building
    assert need.compound == world.other_compound


def test_a_building_outside_the_chosen_compound_is_refused(client, world):
    client.force_login(world.users["resident"])

    response = post(
        client, world.community, compound=world.compound.pk, building=world.other_building.pk
    )

    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_a_category_of_another_community_is_refused(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, category=category_of(world.other_community).pk)

    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_a_missing_title_keeps_what_was_typed(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, title="")

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "路灯坏了一个月" in response.content.decode()
    assert Need.objects.count() == 0


def test_photos_are_stored_re_encoded_without_exif(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, photos=[jpeg("a.jpg"), jpeg("b.jpg")])

    assert response.status_code == 302
    photos = list(NeedPhoto.objects.order_by("position"))
    assert [p.position for p in photos] == [0, 1]
    with Image.open(photos[0].image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()


def test_seven_photos_are_refused(client, world):
    client.force_login(world.users["resident"])

    response = post(client, world.community, photos=[jpeg(f"{i}.jpg") for i in range(7)])

    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert Need.objects.count() == 0
    assert NeedPhoto.objects.count() == 0


def test_a_file_that_is_not_a_photo_is_refused(client, world):
    client.force_login(world.users["resident"])
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")

    response = post(client, world.community, photos=[fake])

    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert Need.objects.count() == 0


def test_a_held_need_waits_and_its_author_is_told(
    client, world, screen_holds, django_capture_on_commit_callbacks
):
    client.force_login(world.users["resident"])

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, world.community)

    need = Need.objects.get()
    assert response.status_code == 302
    assert need.moderation_status == ModerationStatus.HELD
    assert screen_holds[0]["kind"] == "need"
    assert screen_holds[0]["community"] == world.community
    assert Message.objects.filter(recipient=world.users["resident"], kind="need.held").exists()
    assert SearchEntry.objects.get(kind="need", object_id=need.pk).visible is False
    audit = AuditEntry.objects.get(action="need.raised")
    assert audit.data["reasons"] == ["test: held"]


def test_someone_from_another_community_cannot_raise_here(client, world):
    client.force_login(world.users["far_admin"])

    response = post(client, world.community)

    assert response.status_code == 404
    assert Need.objects.count() == 0


def test_staff_without_a_home_here_cannot_raise_as_themselves(client, world):
    client.force_login(world.users["community_worker"])

    response = post(client, world.community)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Need.objects.count() == 0

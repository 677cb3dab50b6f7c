"""Photos through /api/v1/cases: multipart report and reply, EXIF dropped, same limits as forms."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.cases.models import Case, CasePhoto, Status
from gongzhi.cases.services import MAX_PHOTOS
from gongzhi.core.images import MAX_UPLOAD_BYTES

from .factories import case_in, png, seeded

API = "/api/v1/cases"
GPS_IFD = 0x8825


def token_client(user) -> Client:
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, name="app", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def gps_jpeg(name: str = "spot.jpg") -> SimpleUploadedFile:
    """A phone photo: a real JPEG whose EXIF carries where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (30.0, 39.0, 12.5), 3: "E", 4: (113.0, 10.0, 1.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(GPS_IFD)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def report_fields(cw, **extra) -> dict:
    return {
        "community_id": cw.community.pk,
        "category_id": seeded("0102").pk,
        "text": "1栋门口垃圾",
        "building_id": cw.world.building.pk,
        **extra,
    }


def stored_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_report_with_a_photo_is_stored_without_exif(cw, settings):
    client = token_client(cw.users["resident"])

    response = client.post(f"{API}/with-photos", {**report_fields(cw), "photos": [gps_jpeg()]})

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    photo = case.photos.get()
    assert photo.event == case.events.get(action="receive")
    data = Path(photo.image.path).read_bytes()
    assert b"Exif" not in data and b"PhoneCam" not in data
    with Image.open(photo.image.path) as image:
        assert image.format == "JPEG" and len(image.getexif()) == 0
    assert [p["id"] for p in body["photos"]] == [photo.pk]
    assert body["events"][0]["photos"] == body["photos"]
    # The URL works for the same token, and gives the stored (clean) bytes.
    fetched = client.get(body["photos"][0]["url"])
    assert fetched.status_code == 200 and fetched["Content-Type"] == "image/jpeg"
    assert b"".join(fetched.streaming_content) == data


def test_a_photo_url_is_404_for_those_who_may_not_see_the_case(cw):
    client = token_client(cw.users["resident"])
    url = client.post(f"{API}/with-photos", {**report_fields(cw), "photos": [png()]}).json()[
        "photos"
    ][0]["url"]

    response = token_client(cw.users["owners_committee"]).get(url)

    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_non_image_is_refused_with_a_field_error_and_nothing_is_saved(cw, settings):
    client = token_client(cw.users["resident"])
    fake = SimpleUploadedFile("spot.jpg", b"this is not a photo", content_type="image/jpeg")

    response = client.post(f"{API}/with-photos", {**report_fields(cw), "photos": [png(), fake]})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "bad_photo"
    assert body["errors"] == {"photos": ["This file is not a photo we can read."]}
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert stored_files(settings) == []


def test_too_many_photos_are_refused(cw, settings):
    client = token_client(cw.users["resident"])
    photos = [png(f"{n}.png") for n in range(MAX_PHOTOS + 1)]

    response = client.post(f"{API}/with-photos", {**report_fields(cw), "photos": photos})

    assert response.status_code == 422
    assert response.json()["errors"] == {"photos": [f"Attach at most {MAX_PHOTOS} photos."]}
    assert not Case.objects.exists() and stored_files(settings) == []


def test_a_photo_over_10_mb_is_refused(cw, settings):
    client = token_client(cw.users["resident"])
    big = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1), content_type="image/jpeg")

    response = client.post(f"{API}/with-photos", {**report_fields(cw), "photos": [big]})

    assert response.status_code == 422
    assert response.json()["errors"] == {"photos": ["The photo is larger than 10 MB."]}
    assert not Case.objects.exists() and stored_files(settings) == []


def test_a_multipart_report_without_photos_and_with_bad_fields(cw):
    client = token_client(cw.users["resident"])

    bad = client.post(f"{API}/with-photos", report_fields(cw, text=""))
    good = client.post(f"{API}/with-photos", report_fields(cw))

    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
    assert list(bad.json()["errors"]) == ["text"]
    assert good.status_code == 201 and good.json()["photos"] == []
    assert Case.objects.count() == 1


def test_a_reply_with_photos_through_the_api(cw):
    case = case_in(cw, Status.IN_PROGRESS)
    client = token_client(cw.unit_member)

    response = client.post(
        f"{API}/{case.pk}/reply/with-photos", {"text": "已清运", "photos": [gps_jpeg(), png()]}
    )

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == Status.REPLIED and case.reply_text == "已清运"
    reply = case.events.get(action="reply")
    assert reply.photos.count() == 2
    assert [p["id"] for p in response.json()["events"][-1]["photos"]] == sorted(
        reply.photos.values_list("id", flat=True)
    )


def test_a_reply_with_a_bad_photo_changes_nothing(cw, settings):
    case = case_in(cw, Status.IN_PROGRESS)
    client = token_client(cw.unit_member)
    fake = SimpleUploadedFile("result.png", b"GIF89a but not really", content_type="image/png")

    response = client.post(
        f"{API}/{case.pk}/reply/with-photos", {"text": "已清运", "photos": [fake]}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["photos"]
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.reply_text == ""
    assert not case.events.filter(action="reply").exists() and not case.photos.exists()
    assert stored_files(settings) == []


def test_the_reply_with_photos_keeps_the_permissions_and_the_state_machine(cw):
    received = case_in(cw, Status.RECEIVED)
    replied = case_in(cw, Status.REPLIED)

    outsider = token_client(cw.users["owners_committee"]).post(
        f"{API}/{replied.pk}/reply/with-photos", {"text": "x", "photos": [png()]}
    )
    twice = token_client(cw.users["community_admin"]).post(
        f"{API}/{replied.pk}/reply/with-photos", {"text": "x", "photos": [png()]}
    )
    not_started = token_client(cw.users["community_admin"]).post(
        f"{API}/{received.pk}/reply/with-photos", {"text": "x"}
    )

    assert outsider.status_code == 404
    assert twice.status_code == 409 and twice.json()["code"] == "illegal_transition"
    assert not_started.status_code == 409
    assert not CasePhoto.objects.exists()

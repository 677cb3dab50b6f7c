"""Uploaded photos are checked, re-encoded and stripped of EXIF (GPS)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.core.images import clean_image


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (4000, 3000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 24.0, 0.0), 4: (112.0, 53.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_small_and_without_exif():
    raw = photo_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()  # the input does carry EXIF
    cleaned = clean_image(SimpleUploadedFile("p.jpg", raw, content_type="image/jpeg"))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert max(image.size) == 2048
    assert not image.getexif()
    assert cleaned.name.endswith(".jpg")


@pytest.mark.parametrize("payload", [b"not an image", b"%PDF-1.4 fake", b""])
def test_non_images_are_refused_with_a_message(payload):
    with pytest.raises(ValidationError) as error:
        clean_image(SimpleUploadedFile("x.jpg", payload, content_type="image/jpeg"))
    assert error.value.code == "unreadable"


def test_oversized_upload_is_refused():
    upload = SimpleUploadedFile("big.jpg", b"0" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        clean_image(upload)
    assert error.value.code == "too_large"

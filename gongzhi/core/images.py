"""Uploaded photos: check type and size, re-encode, drop EXIF (GPS) data (DESIGN.md)."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2048
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


def clean_image(upload) -> ContentFile:
    """Return a re-encoded JPEG of an uploaded image, without EXIF, at most MAX_SIDE px.

    Raises ValidationError with a message for the user when the file is not a usable photo.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        image: Image.Image = Image.open(upload)
        if image.format not in ALLOWED_FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF photo."), code="bad_type")
        # Apply the camera's rotation before the EXIF block (with any GPS position) is dropped.
        image = ImageOps.exif_transpose(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not a photo we can read."), code="unreadable"
        ) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")

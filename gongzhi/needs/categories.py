"""The categories every community starts with; a community admin can add its own."""

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SEEDED = (
    ("environment", _("Environment")),
    ("facilities", _("Facilities")),
    ("safety", _("Safety")),
    ("elderly-care", _("Elderly care")),
    ("activities", _("Activities")),
    ("other", _("Other")),
)
SEEDED_LABELS = dict(SEEDED)


def ensure_categories(community) -> list:
    """Return the community's active categories, seeding the standard ones on first use."""
    from .models import Category

    rows = list(Category.objects.filter(community=community, is_active=True))
    if rows or Category.objects.filter(community=community).exists():
        return rows
    # The stored name is the English one; pages show the translated label of the code.
    with translation.override("en"):
        seeded = [
            Category(community=community, code=code, name=str(label), position=i)
            for i, (code, label) in enumerate(SEEDED)
        ]
    try:
        with transaction.atomic():
            Category.objects.bulk_create(seeded)
    except IntegrityError:
        pass  # another request seeded them at the same moment
    return list(Category.objects.filter(community=community, is_active=True))

"""The community admin's settings: threshold, response time and categories."""

import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.core.models import AuditEntry
from gongzhi.needs.categories import ensure_categories
from gongzhi.needs.models import Category, NeedSettings

pytestmark = pytest.mark.django_db


def url(world):
    return reverse("needs:settings", args=[world.community.pk])


def test_every_community_starts_with_six_categories_named_in_english(world):
    categories = ensure_categories(world.community)

    assert [c.code for c in categories] == [
        "environment",
        "facilities",
        "safety",
        "elderly-care",
        "activities",
        "other",
    ]
    assert categories[3].name == "Elderly care"
    with translation.override("en"):
        assert str(categories[3].label) == "Elderly care"
    assert ensure_categories(world.community) == categories  # seeded once


def test_the_admin_changes_the_threshold_and_response_time(client, world):
    client.force_login(world.users["community_admin"])

    response = client.post(
        url(world), {"form": "settings", "support_threshold": 12, "response_working_days": 3}
    )

    assert response.status_code == 302
    row = NeedSettings.objects.get(community=world.community)
    assert (row.support_threshold, row.response_working_days) == (12, 3)
    assert AuditEntry.objects.filter(action="need.settings_changed").exists()


def test_out_of_range_values_are_refused(client, world):
    client.force_login(world.users["community_admin"])

    response = client.post(
        url(world), {"form": "settings", "support_threshold": 0, "response_working_days": 99}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"support_threshold", "response_working_days"}
    assert not NeedSettings.objects.exists()


def test_the_admin_adds_and_retires_a_category(client, world):
    client.force_login(world.users["community_admin"])

    client.post(url(world), {"form": "category", "name": "停车管理"})
    parking = Category.objects.get(name="停车管理")
    duplicate = client.post(url(world), {"form": "category", "name": "停车管理"})
    client.post(url(world), {"form": "toggle", "category": parking.pk, "active": "0"})

    assert duplicate.status_code == 200
    assert Category.objects.filter(name="停车管理").count() == 1
    parking.refresh_from_db()
    assert parking.is_active is False
    assert parking not in ensure_categories(world.community)


def test_a_category_of_another_community_cannot_be_toggled(client, world):
    other = ensure_categories(world.other_community)[0]
    client.force_login(world.users["community_admin"])

    response = client.post(url(world), {"form": "toggle", "category": other.pk, "active": "0"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active is True

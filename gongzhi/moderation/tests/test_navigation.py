"""The Moderation link in the navigation, for community admins and workers."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from gongzhi.core.navigation import build_nav


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("community_admin", True),
        ("community_worker", True),
        ("resident", False),
        ("grid_worker", False),
        ("party_secretary", False),
        ("outsider", False),
    ],
)
def test_moderators_see_the_link(world, role, shown):
    request = RequestFactory().get("/")
    request.user = world.users[role]
    urls = [link["url"] for group in build_nav(request) for link in group["links"]]
    assert (reverse("moderation:index") in urls) is shown

"""Who may moderate, report, appeal and keep review words: every role, every action."""

import pytest

from gongzhi.moderation.permissions import (
    can_appeal,
    can_manage_blocked_words,
    can_moderate,
    can_report,
    is_moderator,
)
from gongzhi.moderation.querysets import cases_visible_to

from .helpers import held_case, removed_case

ROLES = [
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]
MODERATE = {"community_admin", "community_worker"}
KEEP_WORDS = {"community_admin"}
# Without a visible_to of its own, a model's posts are seen by community-wide roles.
REPORT = {"subdistrict_official", "community_admin", "community_worker", "party_secretary"}
REPORT |= {"resident"}


@pytest.mark.parametrize("role", ROLES)
def test_moderation_matrix(world, make_post, role):
    user = world.users[role]
    case = held_case(world, make_post, author=world.users["party_secretary"])
    assert can_moderate(user, world.community.pk) is (role in MODERATE)
    assert is_moderator(user) is (role in MODERATE or role == "far_admin")
    # The predicate and the queryset agree.
    assert cases_visible_to(user).filter(pk=case.pk).exists() is (role in MODERATE)


@pytest.mark.parametrize("role", ROLES)
def test_review_word_matrix(world, role):
    assert can_manage_blocked_words(world.users[role], world.community.pk) is (role in KEEP_WORDS)


@pytest.mark.parametrize("role", ROLES)
def test_report_matrix(world, make_post, role):
    from gongzhi.core.testing import factories as f

    post = make_post(author=f.UserFactory())
    assert can_report(world.users[role], post) is (role in REPORT)


def test_nobody_reports_their_own_post(world, make_post):
    post = make_post(author=world.users["resident"])
    assert can_report(world.users["resident"], post) is False


@pytest.mark.parametrize("role", ROLES)
def test_appeal_matrix(world, make_post, role):
    case = removed_case(world, make_post, author=world.users["resident"])
    assert can_appeal(world.users[role], case) is (role == "resident")


def test_a_superuser_moderates_everywhere(world):
    from gongzhi.core.testing import factories as f

    root = f.UserFactory(is_superuser=True)
    assert can_moderate(root, world.far_community.pk)
    assert can_manage_blocked_words(root, world.far_community.pk)

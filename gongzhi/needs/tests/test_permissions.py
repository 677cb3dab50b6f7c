"""Permission matrix: every role against every action on the 共谋 pages.

A refused request changes nothing: the needs, supports, follows, comments, history, matters,
settings and the audit log are compared before and after.
"""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.matters.models import Matter
from gongzhi.moderation.models import ModerationStatus
from gongzhi.needs.models import Comment, Follow, Need, NeedEvent, NeedSettings, Support
from gongzhi.needs.permissions import can_view_board, can_view_need
from gongzhi.needs.querysets import communities_q
from gongzhi.registry.models import Community

from .helpers import category_of, make_need

pytestmark = pytest.mark.django_db

VIEWERS = {
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "neighbour",
}
EVERYONE = sorted(VIEWERS | {"outsider", "far_admin"})

# Who may do each action on a need written by the neighbour (李四) in world.community.
ALLOWED = {
    "view_board": VIEWERS,
    "view_need": VIEWERS,
    "view_matter": VIEWERS,
    "raise": {"resident", "neighbour"},
    "raise_for_resident": {"community_admin", "community_worker", "grid_worker"},
    "support": {"resident"},
    "withdraw": {"resident"},
    "follow": VIEWERS,
    "comment": VIEWERS,
    "triage": {"community_admin", "community_worker"},
    "reply": {"community_admin", "community_worker"},
    "edit": {"neighbour"},
    "overdue": {"community_admin"},
    "settings": {"community_admin"},
}


def snapshot() -> dict:
    return {
        "needs": list(Need.objects.order_by("pk").values_list("pk", "status", "support_count")),
        "supports": Support.objects.count(),
        "follows": Follow.objects.count(),
        "comments": Comment.objects.count(),
        "events": NeedEvent.objects.count(),
        "matters": Matter.objects.count(),
        "settings": list(NeedSettings.objects.values_list("support_threshold", flat=True)),
        "audit": AuditEntry.objects.count(),
    }


def request(client, action, world, need, matter):
    """Make the action's request; return the response."""
    category = category_of(world.community).pk
    new_need = {"kind": "need", "title": "新诉求", "text": "内容", "category": category}
    if action == "view_board":
        return client.get(reverse("needs:board", args=[world.community.pk]))
    if action == "view_need":
        return client.get(reverse("needs:detail", args=[need.pk]))
    if action == "view_matter":
        return client.get(reverse("matters:detail", args=[matter.pk]))
    if action == "raise":
        return client.post(reverse("needs:create", args=[world.community.pk]), new_need)
    if action == "raise_for_resident":
        return client.post(
            reverse("needs:create", args=[world.community.pk]),
            {
                **new_need,
                "on_behalf_of": world.resident.pk,
                "consent": "on",
                "consent_method": "written",
            },
        )
    if action == "overdue":
        return client.get(reverse("needs:overdue", args=[world.community.pk]))
    if action == "settings":
        return client.post(
            reverse("needs:settings", args=[world.community.pk]),
            {"form": "settings", "support_threshold": 7, "response_working_days": 3},
        )
    data = {
        "support": {},
        "withdraw": {},
        "follow": {},
        "comment": {"text": "我也遇到了"},
        "triage": {"to_status": "accepted", "reply": "受理"},
        "reply": {"text": "回复"},
        "edit": {"title": "改过的", "text": "改过", "category": category},
    }[action]
    return client.post(reverse(f"needs:{action}", args=[need.pk]), data)


READS = ("view_board", "view_need", "view_matter", "overdue")


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", EVERYONE)
def test_permission_matrix(client, world, users, matrix_need, matrix_matter, role, action):
    need, matter = matrix_need, matrix_matter
    if action == "support":  # the fixture's support is there for "withdraw"
        Support.objects.filter(need=need).delete()
        Need.objects.filter(pk=need.pk).update(support_count=0)
    client.force_login(users[role])
    before = snapshot()

    response = request(client, action, world, need, matter)

    allowed = role in ALLOWED[action]
    if action in READS:
        assert (response.status_code == 200) == allowed, (role, action, response.status_code)
        assert response.status_code in (200, 404)
    elif allowed:
        assert response.status_code == 302, (role, action, response.status_code)
        assert snapshot() != before, (role, action)
    else:
        # Refused: 403/404, or the form again with an error, or back with a message.
        assert response.status_code in (200, 302, 403, 404), (role, action)
        assert snapshot() == before, (role, action)


def test_an_anonymous_visitor_is_sent_to_log_in(client, world, matrix_need):
    need = matrix_need
    before = snapshot()

    for url in (
        reverse("needs:board", args=[world.community.pk]),
        reverse("needs:detail", args=[need.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(reverse("needs:support", args=[need.pk]))
    assert response.status_code == 302
    assert snapshot() == before


def test_visible_to_agrees_with_the_predicates(world, users):
    community_needs = [
        make_need(world.community, author=users["neighbour"], resident=world.neighbour),
        make_need(
            world.community,
            author=users["neighbour"],
            resident=world.neighbour,
            moderation_status=ModerationStatus.HELD,
        ),
        make_need(
            world.community,
            author=users["community_worker"],
            resident=world.resident,
            on_behalf=True,
            consent_method="verbal",
            moderation_status=ModerationStatus.HIDDEN,
        ),
        make_need(world.other_community, author=users["resident"]),
        make_need(world.far_community, author=users["far_admin"]),
    ]
    communities = list(Community.objects.all())
    for role in EVERYONE:
        user = users[role]
        visible = set(Need.objects.visible_to(user).values_list("pk", flat=True))
        expected = {n.pk for n in community_needs if can_view_need(user, n)}
        assert visible == expected, role
        boards = set(
            Community.objects.filter(communities_q(user, field="")).values_list("pk", flat=True)
        )
        assert boards == {c.pk for c in communities if can_view_board(user, c)}, role

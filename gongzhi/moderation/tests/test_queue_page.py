"""The moderation queue: what waits in a community, for its moderators only."""

import pytest
from django.urls import reverse

from gongzhi.moderation import services

from .helpers import held_case, removed_case


def url(world):
    return reverse("moderation:queue", args=[world.community.pk])


def test_moderators_see_held_and_hidden_posts_with_reasons(client, world, make_post, reporters):
    held_case(world, make_post)
    reported = make_post(author=world.users["community_worker"], title="被举报的帖子")
    for user in reporters[:3]:
        services.report_item(obj=reported, reporter=user, reason="abuse")
    client.force_login(world.users["community_worker"])
    response = client.get(url(world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "潜江开锁公司" in body
    assert "被举报的帖子" in body
    assert "3 reports" in body or "3" in body


def test_the_filter_shows_appealed_cases(client, world, make_post):
    case = removed_case(world, make_post)
    services.appeal_case(case=case, actor=world.users["resident"], text="请再看看")
    held_case(world, make_post, author=world.users["party_secretary"])
    client.force_login(world.users["community_admin"])
    response = client.get(url(world), {"show": "appealed"})
    assert [row["case"].pk for row in response.context["rows"]] == [case.pk]


def test_decided_cases_leave_the_queue(client, world, make_post):
    case = held_case(world, make_post)
    services.decide_case(
        case=case, actor=world.users["community_admin"], outcome="restored", reason="好"
    )
    client.force_login(world.users["community_admin"])
    assert client.get(url(world)).context["rows"] == []


@pytest.mark.parametrize(
    "role", ["resident", "grid_worker", "party_secretary", "subdistrict_official", "far_admin"]
)
def test_others_get_404(client, world, role):
    client.force_login(world.users[role])
    assert client.get(url(world)).status_code == 404


def test_the_queue_takes_the_same_queries_for_1_or_6_cases(
    client, world, make_post, django_assert_num_queries
):
    client.force_login(world.users["community_admin"])
    held_case(world, make_post)
    with django_assert_num_queries(6):
        client.get(url(world))
    for _ in range(5):
        held_case(world, make_post)
    with django_assert_num_queries(6):
        response = client.get(url(world))
    assert len(response.context["rows"]) == 6


def test_the_index_goes_to_the_only_community(client, world):
    client.force_login(world.users["community_worker"])
    response = client.get(reverse("moderation:index"))
    assert response.status_code == 302
    assert response["Location"] == url(world)


def test_the_index_is_404_for_non_moderators(client, world):
    client.force_login(world.users["resident"])
    assert client.get(reverse("moderation:index")).status_code == 404

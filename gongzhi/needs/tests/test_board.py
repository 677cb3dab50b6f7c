"""The 共谋 board: filters, sorting, pagination, visibility and a pinned query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.moderation.models import ModerationStatus
from gongzhi.needs.models import Need

from .helpers import category_of, make_need

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [n.title for n in response.context["page"].object_list]


def board(client, world, **params):
    return client.get(reverse("needs:board", args=[world.community.pk]), params)


def test_the_board_lists_the_communitys_published_needs(client, world):
    make_need(world.community, author=world.users["resident"], title="路灯")
    make_need(world.other_community, author=world.users["resident"], title="别处的")
    make_need(
        world.community,
        author=world.users["community_worker"],
        title="待审",
        moderation_status=ModerationStatus.HELD,
    )
    client.force_login(world.users["resident"])

    response = board(client, world)

    assert response.status_code == 200
    assert titles(response) == ["路灯"]


def test_authors_see_their_own_held_need_with_a_badge(client, world):
    make_need(
        world.community,
        author=world.users["resident"],
        title="我的待审",
        moderation_status=ModerationStatus.HELD,
    )
    client.force_login(world.users["resident"])

    response = board(client, world)

    assert titles(response) == []
    assert [n.title for n in response.context["pending"]] == ["我的待审"]
    assert "pending-title" in response.content.decode()


def test_others_do_not_see_a_held_need_in_the_pending_box(client, world, neighbour_user):
    make_need(
        world.community,
        author=world.users["resident"],
        title="我的待审",
        moderation_status=ModerationStatus.HELD,
    )
    client.force_login(neighbour_user)

    response = board(client, world)

    assert response.context["pending"] == []
    assert "我的待审" not in response.content.decode()


def test_merged_needs_are_left_out_unless_asked_for(client, world):
    target = make_need(world.community, author=world.users["resident"], title="目标")
    make_need(
        world.community,
        author=world.users["resident"],
        title="重复",
        status="merged",
        merged_into=target,
    )
    client.force_login(world.users["resident"])

    assert titles(board(client, world)) == ["目标"]
    assert titles(board(client, world, status="merged")) == ["重复"]


def test_filters_by_status_category_and_compound(client, world):
    make_need(world.community, author=world.users["resident"], title="A", status="accepted")
    make_need(
        world.community,
        author=world.users["resident"],
        title="B",
        category=category_of(world.community, "safety"),
    )
    make_need(
        world.community, author=world.users["resident"], title="C", compound=world.other_compound
    )
    client.force_login(world.users["resident"])
    safety = category_of(world.community, "safety").pk

    assert titles(board(client, world, status="accepted")) == ["A"]
    assert titles(board(client, world, category=safety)) == ["B"]
    assert titles(board(client, world, compound=world.other_compound.pk)) == ["C"]


def test_unknown_filter_values_are_ignored(client, world):
    make_need(world.community, author=world.users["resident"], title="A")
    client.force_login(world.users["resident"])

    response = board(client, world, status="nonsense", category="x", sort="rubbish")

    assert response.status_code == 200
    assert titles(response) == ["A"]


def test_sorts_by_support_newest_and_recently_answered(client, world):
    now = timezone.now()
    old = make_need(world.community, author=world.users["resident"], title="旧", support_count=9)
    new = make_need(world.community, author=world.users["resident"], title="新", support_count=1)
    Need.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=3), last_response_at=now - timedelta(hours=1)
    )
    Need.objects.filter(pk=new.pk).update(last_response_at=now - timedelta(days=1))
    make_need(world.community, author=world.users["resident"], title="未答", support_count=5)
    client.force_login(world.users["resident"])

    assert titles(board(client, world)) == ["旧", "未答", "新"]
    assert titles(board(client, world, sort="newest")) == ["未答", "新", "旧"]
    assert titles(board(client, world, sort="answered")) == ["旧", "新"]


def test_the_board_is_paginated_by_twenty(client, world):
    for i in range(25):
        make_need(world.community, author=world.users["resident"], title=f"诉求{i:02d}")
    client.force_login(world.users["resident"])

    first = board(client, world, sort="newest")
    second = board(client, world, sort="newest", page=2)

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))


def test_the_board_of_another_community_answers_404(client, world):
    client.force_login(world.users["far_admin"])

    assert board(client, world).status_code == 404


def test_the_board_marks_what_the_resident_supports(client, world, neighbour_user):
    from gongzhi.needs import services

    need = make_need(world.community, author=world.users["resident"])
    services.support_need(need=need, actor=neighbour_user)
    client.force_login(neighbour_user)

    response = board(client, world)

    assert response.context["supported"] == {need.pk}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["resident", "community_worker", "grid_worker"])
def test_the_board_query_count_does_not_grow_with_the_needs(client, world, role):
    url = reverse("needs:board", args=[world.community.pk])
    client.force_login(world.users[role])
    make_need(world.community, author=world.users["resident"], compound=world.compound)
    client.get(url)  # seeds the categories
    few = count_queries(client, url)
    for i in range(25):
        make_need(
            world.community,
            author=world.users["resident"],
            resident=world.resident,
            title=f"诉求{i}",
            compound=world.compound,
            building=world.building,
            category=category_of(world.community, "safety" if i % 2 else "other"),
        )

    many = count_queries(client, url)

    assert many == few
    assert many <= 14

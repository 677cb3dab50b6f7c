"""A need's page: its history, comments, support box, triage form and a pinned query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.moderation.models import ModerationStatus
from gongzhi.needs import services
from gongzhi.needs.models import Need

from .helpers import make_need, resident_user

pytestmark = pytest.mark.django_db


def page(client, need):
    return client.get(reverse("needs:detail", args=[need.pk]))


def test_the_page_shows_the_need_and_its_history(client, world, neighbour_user):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    services.transition_need(
        need=need,
        actor=world.users["community_worker"],
        to_status=Need.Status.ACCEPTED,
        reply="已受理，物业三天内维修。",
    )
    client.force_login(neighbour_user)

    response = page(client, need)

    body = response.content.decode()
    assert response.status_code == 200
    assert need.title in body
    assert "已受理，物业三天内维修。" in body
    assert [e.kind for e in response.context["events"]] == ["created", "accepted"]
    assert response.context["can_support"] is True
    assert response.context["triage_form"] is None
    assert "张*" in body  # the author, masked
    assert "张三" not in body


def test_workers_see_the_triage_form_with_the_allowed_moves(client, world):
    need = make_need(world.community, author=world.users["resident"], status="answered")
    client.force_login(world.users["community_worker"])

    response = page(client, need)

    assert response.status_code == 200
    assert [value for value, _label in response.context["actions"]] == ["accepted", "adopted"]


def test_a_held_need_is_404_for_others_and_shown_to_its_author(client, world, neighbour_user):
    need = make_need(
        world.community,
        author=world.users["resident"],
        resident=world.resident,
        moderation_status=ModerationStatus.HELD,
    )

    client.force_login(neighbour_user)
    assert page(client, need).status_code == 404

    client.force_login(world.users["resident"])
    response = page(client, need)
    assert response.status_code == 200
    assert "moderator" in response.content.decode() or "审" in response.content.decode()


def test_a_need_of_another_community_is_404(client, world):
    need = make_need(world.far_community, author=world.users["far_admin"])
    client.force_login(world.users["resident"])

    assert page(client, need).status_code == 404


def test_a_merged_need_points_to_where_it_went(client, world):
    target = make_need(world.community, author=world.users["resident"], title="目标诉求")
    duplicate = make_need(world.community, author=world.users["resident"])
    services.transition_need(
        need=duplicate,
        actor=world.users["community_worker"],
        to_status="merged",
        reply="合并",
        merge_into=target,
    )
    client.force_login(world.users["resident"])

    response = page(client, duplicate)

    assert reverse("needs:detail", args=[target.pk]) in response.content.decode()


def count_queries(client, need) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = page(client, need)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["resident", "community_worker"])
def test_the_page_query_count_does_not_grow_with_history_and_comments(
    client, world, neighbour_user, role, screen_passes
):
    need = make_need(world.community, author=world.users["resident"], resident=world.resident)
    services.comment_on_need(need=need, actor=neighbour_user, text="同意")
    client.force_login(world.users[role])
    few = count_queries(client, need)
    worker = world.users["community_worker"]
    for i in range(6):
        services.reply_to_need(need=need, actor=worker, text=f"进展{i}")
        top = services.comment_on_need(need=need, actor=neighbour_user, text=f"评论{i}")
        for j in range(3):
            user, _resident = resident_user(world.community, name=f"回复{i}{j}")
            services.comment_on_need(need=need, actor=user, text=f"回复{j}", parent=top)
    for i in range(5):
        services.support_need(need=need, actor=resident_user(world.community, name=f"支{i}")[0])

    many = count_queries(client, need)

    assert many == few
    assert many <= 16

"""Needs under moderation: screening holds a post in the queue; reports hide it; a moderator's
decision publishes or removes it, and the board, the page and search follow."""

import pytest
from django.urls import reverse

from gongzhi.moderation import services as moderation
from gongzhi.moderation.models import ModerationCase, ModerationStatus
from gongzhi.needs import services
from gongzhi.needs.models import Need
from gongzhi.search.models import SearchEntry

from .helpers import category_of, resident_user

pytestmark = pytest.mark.django_db


def raise_one(world, **fields):
    return services.raise_need(
        community=world.community,
        actor=world.users["resident"],
        title=fields.pop("title", "三号楼路灯不亮"),
        text=fields.pop("text", "晚上老人出门看不清台阶，请尽快修理。"),
        category=category_of(world.community),
        **fields,
    )


def test_a_held_need_is_queued_for_the_moderators(world, screen_holds):
    need = raise_one(world)

    case = ModerationCase.objects.get(object_id=need.pk)
    assert need.moderation_status == ModerationStatus.HELD
    assert case.trigger == ModerationCase.Trigger.SCREENING


def test_real_screening_holds_a_keyword_stuffed_advert(world):
    advert = "加微信领红包 " * 30 + "http://spam.example/a http://spam.example/b"

    need = raise_one(world, title="优惠", text=advert)

    assert need.moderation_status == ModerationStatus.HELD


def test_real_screening_lets_an_ordinary_need_through(world):
    need = raise_one(world)

    assert need.moderation_status == ModerationStatus.PUBLISHED


def test_reports_hide_the_need_from_board_and_search_until_restored(client, world):
    need = raise_one(world)
    for i in range(3):
        reporter, _resident = resident_user(world.community, name=f"举报{i}")
        moderation.report_item(obj=need, reporter=reporter, reason="spam")

    need.refresh_from_db()
    assert need.moderation_status == ModerationStatus.HIDDEN
    assert SearchEntry.objects.get(kind="need", object_id=need.pk).visible is False
    client.force_login(world.users["community_worker"])
    board = client.get(reverse("needs:board", args=[world.community.pk]))
    assert list(board.context["page"].object_list) == []
    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 404
    client.force_login(world.users["resident"])  # the author still sees it, with a notice
    assert client.get(reverse("needs:detail", args=[need.pk])).status_code == 200

    case = ModerationCase.objects.get(object_id=need.pk)
    moderation.decide_case(
        case=case, actor=world.users["community_admin"], outcome="restored", reason="举报不实"
    )

    need.refresh_from_db()
    assert need.moderation_status == ModerationStatus.PUBLISHED
    assert SearchEntry.objects.get(kind="need", object_id=need.pk).visible is True
    assert Need.objects.visible_to(world.users["community_worker"]).filter(pk=need.pk).exists()

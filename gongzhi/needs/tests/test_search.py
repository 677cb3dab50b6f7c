"""Search on the board and similar-need suggestions: ranked, highlighted, scoped, pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.moderation.models import ModerationStatus
from gongzhi.needs import indexing, services
from gongzhi.needs.models import Need

from .helpers import make_need

pytestmark = pytest.mark.django_db


def indexed(community, **fields) -> Need:
    need = make_need(community, **fields)
    indexing.index_need(need)
    return need


def search(client, world, q, **params):
    return client.get(reverse("needs:board", args=[world.community.pk]), {"q": q, **params})


def test_search_finds_needs_by_chinese_words_and_highlights_them(client, world):
    lamp = indexed(world.community, author=world.users["resident"], title="三号楼路灯不亮")
    indexed(world.community, author=world.users["resident"], title="健身器材损坏", text="器材坏了")
    client.force_login(world.users["resident"])

    response = search(client, world, "路灯")

    assert response.status_code == 200
    results = response.context["results"]
    assert [r.need.pk for r in results] == [lamp.pk]
    assert "<mark>路灯</mark>" in response.content.decode()
    assert response.context["result_count"] == 1


def test_search_finds_a_need_through_its_public_reply(client, world):
    need = indexed(world.community, author=world.users["resident"], title="楼道很暗")
    services.reply_to_need(
        need=need, actor=world.users["community_worker"], text="已安排电工更换声控开关"
    )
    client.force_login(world.users["resident"])

    response = search(client, world, "声控开关")

    results = response.context["results"]
    assert [(r.need.pk, r.kind) for r in results] == [(need.pk, "need_reply")]


def test_search_leaves_out_other_communities_and_unpublished_needs(client, world):
    indexed(world.other_community, author=world.users["resident"], title="路灯 爱民")
    held = indexed(
        world.community,
        author=world.users["community_worker"],
        title="路灯 待审",
        moderation_status=ModerationStatus.HELD,
    )
    client.force_login(world.users["resident"])

    response = search(client, world, "路灯")

    assert response.context["results"] == []
    assert held.pk


def test_search_escapes_what_people_wrote(client, world):
    indexed(world.community, author=world.users["resident"], title="路灯<script>alert(1)</script>")
    client.force_login(world.users["resident"])

    body = search(client, world, "路灯").content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_search_query_count_does_not_grow_with_the_hits(client, world):
    client.force_login(world.users["resident"])
    first = indexed(world.community, author=world.users["resident"], title="路灯坏了")
    services.reply_to_need(need=first, actor=world.users["community_worker"], text="路灯已修")
    with CaptureQueriesContext(connection) as few:
        search(client, world, "路灯")
    for i in range(15):
        need = indexed(world.community, author=world.users["resident"], title=f"路灯{i}号不亮")
        services.reply_to_need(need=need, actor=world.users["community_worker"], text="路灯已修")

    with CaptureQueriesContext(connection) as many:
        response = search(client, world, "路灯")

    assert len(response.context["results"]) == 20
    assert len(many) == len(few)
    assert len(many) <= 12


def test_similar_open_needs_are_suggested_while_typing(client, world):
    lamp = indexed(
        world.community,
        author=world.users["resident"],
        title="小区路灯不亮",
        text="三号楼前面的路灯坏了很久，晚上出门看不见。",
    )
    indexed(
        world.community,
        author=world.users["resident"],
        title="路灯早就修好了",
        text="三号楼前面的路灯坏了很久，晚上出门看不见。",
        status="answered",
    )
    indexed(world.community, author=world.users["resident"], title="广场舞噪音", text="太吵了")
    client.force_login(world.users["resident"])

    response = client.get(
        reverse("needs:similar", args=[world.community.pk]),
        {"title": "路灯坏了", "text": "三号楼路灯晚上不亮"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert [n.pk for n in response.context["similar"]] == [lamp.pk]
    assert "小区路灯不亮" in response.content.decode()


def test_an_unrelated_text_gets_no_suggestions(client, world):
    indexed(world.community, author=world.users["resident"], title="小区路灯不亮")
    client.force_login(world.users["resident"])

    response = client.get(
        reverse("needs:similar", args=[world.community.pk]), {"title": "希望多组织书法活动"}
    )

    assert response.context["similar"] == []
    assert response.content.decode().strip() == ""


def test_suggestions_of_another_community_are_404(client, world):
    client.force_login(world.users["far_admin"])

    response = client.get(reverse("needs:similar", args=[world.community.pk]), {"title": "路灯"})

    assert response.status_code == 404

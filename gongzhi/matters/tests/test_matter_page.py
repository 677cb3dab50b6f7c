"""The matter page: the stage reached and a timeline of links and the need's history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.matters.models import Matter
from gongzhi.matters.services import link_to_matter
from gongzhi.needs import services
from gongzhi.needs.tests.helpers import make_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(world):
    need = make_need(world.community, author=world.users["resident"], title="建一个文艺舞台")
    worker = world.users["community_worker"]
    services.reply_to_need(need=need, actor=worker, text="已收到，将征求大家意见")
    services.transition_need(need=need, actor=worker, to_status="adopted", reply="社区立项")
    return Matter.objects.get()


def test_the_timeline_shows_the_need_its_replies_and_links_in_order(client, world, matter):
    survey = make_need(world.community, author=world.users["resident"], title="占位问卷")
    link_to_matter(
        matter=matter,
        obj=survey,
        kind="survey",
        title="舞台意见问卷",
        actor=world.users["community_admin"],
    )
    client.force_login(world.users["resident"])

    response = client.get(reverse("matters:detail", args=[matter.pk]))

    assert response.status_code == 200
    kinds = [e.kind for e in response.context["entries"]]
    assert kinds == ["need", "need_replied", "need_adopted", "survey"]
    body = response.content.decode()
    assert "已收到，将征求大家意见" in body
    assert "舞台意见问卷" in body
    assert [s["reached"] for s in response.context["stages"]] == [True, False, False, False, False]


def test_the_matter_list_of_the_community(client, world, matter):
    client.force_login(world.users["owners_committee"])

    response = client.get(reverse("matters:list", args=[world.community.pk]))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [matter]


def test_someone_outside_the_community_gets_404(client, world, matter):
    client.force_login(world.users["far_admin"])

    assert client.get(reverse("matters:detail", args=[matter.pk])).status_code == 404
    assert client.get(reverse("matters:list", args=[world.community.pk])).status_code == 404


def test_the_page_query_count_does_not_grow_with_the_timeline(client, world, matter):
    client.force_login(world.users["resident"])
    url = reverse("matters:detail", args=[matter.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    admin = world.users["community_admin"]
    for i in range(10):
        obj = make_need(world.community, author=admin, title=f"占位{i}")
        link_to_matter(matter=matter, obj=obj, kind="meeting", title=f"议事会{i}", actor=admin)
        services.reply_to_need(need=matter.opened_from, actor=admin, text=f"进展{i}")

    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["entries"]) == 23
    assert len(many) == len(few)


def test_the_api_gives_the_timeline(client, world, matter):
    client.force_login(world.users["resident"])

    listing = client.get(f"/api/v1/matters/communities/{world.community.pk}/matters").json()
    detail = client.get(f"/api/v1/matters/{matter.pk}").json()
    hidden = client.get(f"/api/v1/matters/{matter.pk}")

    assert listing["count"] == 1
    assert detail["stage"] == "plan"
    assert [e["kind"] for e in detail["timeline"]] == ["need", "need_replied", "need_adopted"]
    assert hidden.status_code == 200
    client.force_login(world.users["far_admin"])
    assert client.get(f"/api/v1/matters/{matter.pk}").status_code == 404

"""The matter page: the stage reached and a timeline of links and the need's history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.cases.services import report_case
from gongzhi.cases.tests.factories import seeded
from gongzhi.matters.models import Matter
from gongzhi.matters.services import link_case, link_survey_results, link_to_matter
from gongzhi.needs import services
from gongzhi.needs.tests.helpers import make_need
from gongzhi.surveys.results_services import unpublish_results
from gongzhi.surveys.tests.factories import make_survey

pytestmark = pytest.mark.django_db

# Queries of the matter page for a resident: the user, the matter, the user's roles, the links
# (each with its survey's published state, in the same query) and the need's history.
QUERIES = 5


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


@pytest.mark.parametrize("role", ["resident", "community_admin"])
def test_the_page_query_count_does_not_grow_with_the_timeline(
    client, world, matter, role, django_assert_num_queries
):
    # The admin's page also lists the surveys to link: one query more.
    expected = {"resident": QUERIES, "community_admin": QUERIES + 1}[role]
    client.force_login(world.users[role])
    url = reverse("matters:detail", args=[matter.pk])
    client.get(url)  # warm the session and content type caches
    with django_assert_num_queries(expected):
        client.get(url)
    admin = world.users["community_admin"]
    for i in range(10):
        obj = make_need(world.community, author=admin, title=f"占位{i}")
        link_to_matter(matter=matter, obj=obj, kind="meeting", title=f"议事会{i}", actor=admin)
        services.reply_to_need(need=matter.opened_from, actor=admin, text=f"进展{i}")
        survey = make_survey(world.community, title=f"问卷{i}", results_published_at=timezone.now())
        link_survey_results(matter=matter, survey=survey, actor=admin)
        if i % 2:
            unpublish_results(survey=survey, actor=admin)
        case = report_case(
            community=world.community, category=seeded("0102"), title=f"工单{i}",
            text="垃圾堆积", address="广场", channel=Case.Channel.PHONE, actor=admin,
        )  # fmt: skip
        link_case(matter=matter, case=case, actor=admin)

    with django_assert_num_queries(expected):
        response = client.get(url)

    entries = response.context["entries"]
    assert len(entries) == 43
    assert sum(1 for e in entries if e.kind == "survey" and e.url) == 5  # 5 unpublished
    assert sum(1 for e in entries if e.kind == "case" and e.url) == (
        10 if role == "community_admin" else 0
    )


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

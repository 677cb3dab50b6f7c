"""The survey list of a community, and the Surveys entry that leads to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.core.testing.factories import give_role
from gongzhi.surveys.models import Response
from gongzhi.surveys.tests.factories import SurveyFactory, english_client, make_survey


@pytest.fixture
def client(world):
    return english_client(world.users["community_admin"])


def test_it_lists_the_communitys_surveys_with_counts(world, client):
    stage = make_survey(
        world.community, kinds=["single", "rating"], title="文艺舞台", status="open"
    )
    Response.objects.create(survey=stage, channel="visit")
    Response.objects.create(survey=stage, channel="online")
    SurveyFactory(community=world.community, title="草稿问卷")
    SurveyFactory(community=world.other_community, title="别的社区")
    response = client.get(reverse("surveys:list", args=[world.community.pk]))
    assert response.status_code == 200
    rows = {s.title: (s.question_count, s.response_count) for s in response.context["page"]}
    assert rows == {"文艺舞台": (2, 2), "草稿问卷": (0, 0)}
    assert reverse("surveys:edit", args=[stage.pk]) in response.text


def test_it_filters_by_status(world, client):
    SurveyFactory(community=world.community, title="开放", status="open")
    SurveyFactory(community=world.community, title="草稿")
    response = client.get(reverse("surveys:list", args=[world.community.pk]), {"status": "open"})
    assert [s.title for s in response.context["page"]] == ["开放"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_uses_the_same_number_of_queries_for_3_or_30_surveys(world, client):
    url = reverse("surveys:list", args=[world.community.pk])
    for _ in range(3):
        make_survey(world.community, kinds=["yes_no"], status="open")
    few = _queries(client, url)
    for _ in range(27):
        survey = make_survey(world.community, kinds=["yes_no", "rating"], status="open")
        Response.objects.create(survey=survey, channel="online")
    assert _queries(client, url) == few


def test_the_surveys_entry_leads_a_worker_to_their_communitys_list(world, client):
    response = client.get(reverse("surveys:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:list", args=[world.community.pk])


def test_the_surveys_entry_lets_a_worker_of_two_communities_choose(world):
    user = world.users["community_worker"]
    give_role(user, "community_worker", world.other_community)
    client = english_client(user)
    response = client.get(reverse("surveys:index"))
    assert response.status_code == 200
    listed = {c.pk for c in response.context["communities"]}
    assert listed == {world.community.pk, world.other_community.pk}


@pytest.mark.parametrize("role", ["resident", "grid_worker", "party_secretary", "outsider"])
def test_the_surveys_entry_is_not_for_others(world, role):
    client = english_client(world.users[role])
    assert client.get(reverse("surveys:index")).status_code == 404

"""The "surveys for me" page: what a resident may answer, what a worker may visit."""

import pytest
from django.urls import reverse

from gongzhi.surveys.models import Survey
from gongzhi.surveys.respond_services import submit_response
from gongzhi.surveys.tests.respond_helpers import in_english, open_survey, valid_answers

pytestmark = pytest.mark.django_db
URL = reverse("surveys:mine")


def titles(response, key):
    return [s.title for s in response.context[key]]


def test_a_resident_sees_open_surveys_of_their_audience_and_what_they_answered(client, world):
    done = open_survey(world.community, title="已答问卷")
    todo = open_survey(world.community, title="待答问卷")
    elsewhere = open_survey(world.community, title="别栋问卷", audience=Survey.Audience.BUILDINGS)
    elsewhere.audience_buildings.set([world.other_building])
    open_survey(world.community, title="已关闭", status=Survey.Status.CLOSED)
    open_survey(world.far_community, title="远方问卷")
    submit_response(
        survey=done, channel="online", answers=valid_answers(done), resident=world.resident
    )
    client.force_login(world.users["resident"])

    response = in_english(client).get(URL)

    assert response.status_code == 200
    assert sorted(titles(response, "to_answer")) == sorted([done.title, todo.title])
    answered = {s.title: s.answered for s in response.context["to_answer"]}
    assert answered == {done.title: True, todo.title: False}
    assert response.context["to_visit"] == []
    assert reverse("surveys:answer", args=[todo.pk]) in response.content.decode()


@pytest.mark.parametrize("user", ["grid_worker", "community_worker"])
def test_workers_see_surveys_to_visit(client, world, user):
    survey = open_survey(world.community, title="入户问卷")
    open_survey(world.far_community, title="远方问卷")
    client.force_login(world.users[user])

    response = client.get(URL)

    assert titles(response, "to_visit") == [survey.title]
    assert reverse("surveys:visits", args=[survey.pk]) in response.content.decode()


def test_someone_with_nothing_to_do_is_told_so(client, world):
    open_survey(world.community)
    client.force_login(world.users["outsider"])

    response = in_english(client).get(URL)

    assert response.status_code == 200
    assert "No survey is open for you" in response.content.decode()

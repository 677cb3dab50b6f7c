"""The results page: who sees what, what it shows, and a query count that does not grow."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.surveys.models import Question, Survey
from gongzhi.surveys.tests.factories import make_survey
from gongzhi.surveys.tests.test_results import respond, results_survey

K = Question.Kind
STAFF = [
    "community_admin",
    "community_worker",
    "party_secretary",
    "subdistrict_official",
    "grid_worker",
]
NOT_ALLOWED = ["owners_committee", "property_manager", "outsider", "far_admin", "resident"]


@pytest.fixture
def survey(world):
    return results_survey(world)


def _get(client, user, survey, **params):
    client.force_login(user)
    return client.get(reverse("surveys:results", args=[survey.pk]), params)


@pytest.mark.parametrize("role", STAFF)
def test_staff_of_the_community_see_live_results(client, world, survey, role):
    response = _get(client, world.users[role], survey)

    assert response.status_code == 200
    assert response.context["results"]["total"] == 4
    assert response.context["details"] is True


@pytest.mark.parametrize("role", NOT_ALLOWED)
def test_others_get_404_while_results_are_unpublished(client, world, survey, role):
    response = _get(client, world.users[role], survey)

    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, survey):
    response = client.get(reverse("surveys:results", args=[survey.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_resident_sees_published_aggregates_but_no_details(client, world, survey):
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())

    response = _get(client, world.users["resident"], survey, breakdown=survey.questions.first().pk)

    assert response.status_code == 200
    assert response.context["details"] is False
    assert response.context["breakdown"] is None
    body = response.content.decode()
    assert "噪音" in body  # frequent terms are shown
    assert "希望晚上不要太吵" not in body  # the answers themselves are not
    assert reverse("surveys:crosstab", args=[survey.pk]) not in body
    assert f"surveys/{survey.pk}/results/questions" not in body
    assert reverse("surveys:export-xlsx", args=[survey.pk]) not in body


def test_resident_of_another_community_gets_404_even_when_published(client, world):
    survey = results_survey(world)
    Survey.objects.filter(pk=survey.pk).update(
        results_published_at=timezone.now(), community=world.other_community
    )

    response = _get(client, world.users["resident"], survey)

    assert response.status_code == 404


def test_page_shows_every_figure_in_a_table_and_the_chart_data(client, world, survey):
    response = _get(client, world.users["community_admin"], survey)

    body = response.content.decode()
    single = survey.questions.get(kind=K.SINGLE)
    assert f'id="chart-q{single.pk}"' in body
    assert "66.7%" in body  # option 1 of the single choice: 2 of 3, in the table
    charts = json.loads(_blob(body))
    chart = next(c for c in charts if c["id"] == f"chart-q{single.pk}")
    assert chart["values"] == [2, 1, 0]
    assert "vendor/echarts.min.js" in body
    assert "js/survey_charts.js" in body


def _blob(body: str) -> str:
    start = body.index('id="survey-chart-data"')
    start = body.index(">", start) + 1
    return body[start : body.index("</script>", start)]


def test_staff_see_actions_by_role(client, world, survey):
    admin = _get(client, world.users["community_admin"], survey).content.decode()
    grid = _get(client, world.users["grid_worker"], survey).content.decode()

    export = reverse("surveys:export-xlsx", args=[survey.pk])
    publish = reverse("surveys:publish", args=[survey.pk])
    assert export in admin and publish in admin
    assert export not in grid and publish not in grid
    assert reverse("surveys:crosstab", args=[survey.pk]) in grid


def test_breakdown_is_shown_for_the_chosen_question(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)

    response = _get(client, world.users["community_admin"], survey, breakdown=single.pk)

    assert response.status_code == 200
    assert response.context["breakdown"]["question"] == single
    body = response.content.decode()
    assert "60 or over" in body and "Under 60" in body


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", ""])
def test_bad_breakdown_parameter_is_ignored(client, world, survey, value):
    response = _get(client, world.users["community_admin"], survey, breakdown=value)

    assert response.status_code == 200
    assert response.context["breakdown"] is None


def test_breakdown_of_a_question_of_another_survey_is_ignored(client, world, survey):
    other = make_survey(world.community, kinds=[K.SINGLE])

    response = _get(
        client, world.users["community_admin"], survey, breakdown=other.questions.get().pk
    )

    assert response.context["breakdown"] is None


def test_missing_survey_is_404(client, world):
    client.force_login(world.users["community_admin"])

    response = client.get(reverse("surveys:results", args=[999999]))

    assert response.status_code == 404


# --- Query count -----------------------------------------------------------------------------


def _fill(survey, responses: int, places=(None,)):
    questions = list(survey.questions.order_by("position"))
    for i in range(responses):
        values = {}
        for question in questions:
            options = list(question.options.all())
            values[question] = {
                K.SINGLE: options[i % 3] if options else None,
                K.MULTIPLE: options[: 1 + i % 3],
                K.YES_NO: i % 2 == 0,
                K.RATING: 1 + i % 5,
                K.NUMBER: i,
                K.SHORT_TEXT: f"意见{i}",
                K.LONG_TEXT: f"第{i}条意见：噪音",
            }[question.kind]
        respond(survey, values, place=places[i % len(places)])


def _queries(client, user, survey, **params) -> int:
    cache.clear()
    client.force_login(user)
    url = reverse("surveys:results", args=[survey.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


EVERY_KIND = [K.SINGLE, K.MULTIPLE, K.YES_NO, K.RATING, K.NUMBER, K.SHORT_TEXT, K.LONG_TEXT]
THREE = [K.SINGLE, K.MULTIPLE, K.LONG_TEXT]
TEN = THREE * 3 + [K.SINGLE]


def test_query_count_is_the_same_for_3_and_30_responses(client, world):
    few = make_survey(world.community, kinds=EVERY_KIND)
    many = make_survey(world.community, kinds=EVERY_KIND)
    _fill(few, 3)
    _fill(many, 30)
    admin = world.users["community_admin"]

    assert _queries(client, admin, few) == _queries(client, admin, many)


def test_query_count_is_the_same_for_3_and_10_questions(client, world):
    # The tallies are one query, whatever the number of questions.
    three = make_survey(world.community, kinds=THREE)
    ten = make_survey(world.community, kinds=TEN)
    _fill(three, 5)
    _fill(ten, 5)
    admin = world.users["community_admin"]

    assert _queries(client, admin, three) == _queries(client, admin, ten)


def test_query_count_is_bounded_whatever_the_kinds(client, world):
    one = make_survey(world.community, kinds=[K.SINGLE])
    every = make_survey(world.community, kinds=EVERY_KIND * 3)
    _fill(one, 4)
    _fill(every, 4)
    admin = world.users["community_admin"]

    # The tallies are one query whatever the kinds; text questions add two for the frequent
    # terms: the latest responses' keys, then their written answers.
    assert _queries(client, admin, every) == _queries(client, admin, one) + 2


def test_query_count_with_a_breakdown_is_the_same_for_3_and_30_responses(client, world):
    few = make_survey(world.community, kinds=EVERY_KIND)
    many = make_survey(world.community, kinds=EVERY_KIND)
    places = (world.building, world.other_building, None)
    _fill(few, 3, places)
    _fill(many, 30, places)
    admin = world.users["community_admin"]

    counts = [
        _queries(client, admin, s, breakdown=s.questions.get(kind=K.MULTIPLE).pk)
        for s in (few, many)
    ]

    assert counts[0] == counts[1]

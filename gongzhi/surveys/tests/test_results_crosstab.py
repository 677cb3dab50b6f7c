"""The cross-tabulation page: two choice questions, respondents per pair of options."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.surveys.models import Question, Survey
from gongzhi.surveys.tests.test_results import results_survey

K = Question.Kind


@pytest.fixture
def survey(world):
    return results_survey(world)


def _get(client, user, survey, **params):
    client.force_login(user)
    return client.get(reverse("surveys:crosstab", args=[survey.pk]), params)


def test_staff_see_the_table(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)
    multiple = survey.questions.get(kind=K.MULTIPLE)

    response = _get(client, world.users["party_secretary"], survey, a=single.pk, b=multiple.pk)

    assert response.status_code == 200
    table = response.context["table"]
    assert [[c["count"] for c in row["cells"]] for row in table["rows"]] == [
        [1, 2, 0],
        [1, 1, 1],
        [0, 0, 0],
    ]


def test_without_choice_the_page_shows_the_form_only(client, world, survey):
    response = _get(client, world.users["community_admin"], survey)

    assert response.status_code == 200
    assert response.context["table"] is None
    assert len(response.context["questions"]) == 2


def test_same_question_twice_asks_for_two(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)

    response = _get(client, world.users["community_admin"], survey, a=single.pk, b=single.pk)

    assert response.context["table"] is None
    assert response.context["same_question"] is True


def test_non_choice_question_is_ignored(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)
    rating = survey.questions.get(kind=K.RATING)

    response = _get(client, world.users["community_admin"], survey, a=single.pk, b=rating.pk)

    assert response.status_code == 200
    assert response.context["table"] is None


@pytest.mark.parametrize("role", ["resident", "owners_committee", "outsider", "far_admin"])
def test_others_get_404_even_when_published(client, world, survey, role):
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())

    response = _get(client, world.users[role], survey)

    assert response.status_code == 404

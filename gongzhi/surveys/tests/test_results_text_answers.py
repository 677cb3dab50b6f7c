"""The text answers page: staff read written answers page by page; residents never do."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.surveys.models import Question, Survey
from gongzhi.surveys.results_views import PAGE_SIZE
from gongzhi.surveys.tests.factories import make_survey
from gongzhi.surveys.tests.test_results import respond

K = Question.Kind


@pytest.fixture
def survey(world):
    survey = make_survey(world.community, kinds=[K.SINGLE, K.LONG_TEXT])
    text = survey.questions.get(kind=K.LONG_TEXT)
    for i in range(PAGE_SIZE + 5):
        respond(survey, {text: f"意见第{i}条"})
    respond(survey, {})  # a response without a written answer
    return survey


def _url(survey, question=None):
    question = question or survey.questions.get(kind=K.LONG_TEXT)
    return reverse("surveys:text-answers", args=[survey.pk, question.pk])


@pytest.mark.parametrize(
    "role", ["community_admin", "community_worker", "party_secretary", "grid_worker"]
)
def test_staff_read_the_answers_page_by_page(client, world, survey, role):
    client.force_login(world.users[role])

    first = client.get(_url(survey))
    second = client.get(_url(survey), {"page": 2})

    assert first.status_code == 200
    assert first.context["page"].paginator.count == PAGE_SIZE + 5
    assert len(first.context["page"]) == PAGE_SIZE
    assert len(second.context["page"]) == 5
    texts = [a["text"] for a in first.context["page"]] + [a["text"] for a in second.context["page"]]
    assert sorted(texts) == sorted(f"意见第{i}条" for i in range(PAGE_SIZE + 5))


def test_resident_cannot_read_answers_even_when_published(client, world, survey):
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())
    client.force_login(world.users["resident"])

    response = client.get(_url(survey))

    assert response.status_code == 404


def test_choice_question_has_no_text_page(client, world, survey):
    client.force_login(world.users["community_admin"])

    response = client.get(_url(survey, survey.questions.get(kind=K.SINGLE)))

    assert response.status_code == 404


def test_question_of_another_survey_is_404(client, world, survey):
    other = make_survey(world.community, kinds=[K.LONG_TEXT])
    client.force_login(world.users["community_admin"])

    response = client.get(
        reverse("surveys:text-answers", args=[survey.pk, other.questions.get().pk])
    )

    assert response.status_code == 404


def test_answers_are_escaped(client, world, survey):
    text = survey.questions.get(kind=K.LONG_TEXT)
    respond(survey, {text: "<script>alert(1)</script>"})
    client.force_login(world.users["community_admin"])

    body = client.get(_url(survey)).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body

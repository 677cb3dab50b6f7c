"""The online answering page for a logged-in resident (surveys:answer)."""

import pytest
from django.urls import reverse

from gongzhi.surveys.models import Participation, Question, Response, Survey
from gongzhi.surveys.tests.factories import QuestionFactory
from gongzhi.surveys.tests.respond_helpers import in_english, open_survey, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    return in_english(client)


def url(survey):
    return reverse("surveys:answer", args=[survey.pk])


@pytest.fixture
def resident_client(client, world):
    client.force_login(world.users["resident"])
    return client


def test_a_resident_in_the_audience_sees_the_questionnaire(resident_client, world):
    survey = open_survey(world.community, kinds=["single", "rating", "long_text"])

    response = resident_client.get(url(survey))

    assert response.status_code == 200
    body = response.content.decode()
    for question in survey.questions.all():
        assert question.text in body
    assert 'type="radio"' in body and "<textarea" in body


def test_answering_stores_the_household_answer_and_thanks(resident_client, world):
    survey = open_survey(world.community, kinds=["single", "yes_no"])

    response = resident_client.post(url(survey), valid_answers(survey))

    assert response.status_code == 302
    assert Response.objects.get(survey=survey).household == world.resident.household
    assert Participation.objects.get(survey=survey).channel == "online"
    page = resident_client.get(url(survey)).content.decode()
    assert "Your household has answered this survey" in page
    assert '<form method="post" class="answer-form"' not in page


def test_the_form_keeps_what_was_typed_when_an_answer_is_wrong(resident_client, world):
    survey = open_survey(world.community, kinds=["single", "short_text", "number"])
    answers = valid_answers(survey)
    number = survey.questions.get(kind="number")
    single = survey.questions.get(kind="single")
    answers[f"q{number.pk}"] = "500"

    response = resident_client.post(url(survey), answers)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a number from 0 to 120." in body
    assert 'value="500"' in body
    assert 'value="门口的路"' in body
    chosen = answers[f"q{single.pk}"]
    assert f'value="{chosen}" checked' in body
    assert f'href="#question-{number.pk}"' in body  # the summary links to the question
    assert not Response.objects.exists()


def test_a_closed_survey_says_so_and_takes_nothing(resident_client, world):
    survey = open_survey(world.community, status=Survey.Status.CLOSED)

    page = resident_client.get(url(survey))
    posted = resident_client.post(url(survey), valid_answers(survey))

    assert page.status_code == posted.status_code == 200
    assert "This survey is closed" in page.content.decode()
    assert "answer-form" not in page.content.decode()
    assert not Response.objects.exists()


def test_a_second_answer_is_refused(resident_client, world):
    survey = open_survey(world.community)
    resident_client.post(url(survey), valid_answers(survey))

    response = resident_client.post(url(survey), valid_answers(survey))

    assert response.status_code == 200
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.parametrize("user", ["outsider", "far_admin", "community_admin", "grid_worker"])
def test_people_who_are_not_residents_of_the_community_get_404(client, world, user):
    survey = open_survey(world.community)
    client.force_login(world.users[user])

    assert client.get(url(survey)).status_code == 404


def test_a_resident_outside_the_audience_gets_404(resident_client, world):
    survey = open_survey(world.community, audience=Survey.Audience.BUILDINGS)
    survey.audience_buildings.set([world.other_building])

    assert resident_client.get(url(survey)).status_code == 404


def test_a_draft_survey_is_not_found(resident_client, world):
    survey = open_survey(world.community, status=Survey.Status.DRAFT)

    assert resident_client.get(url(survey)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    survey = open_survey(world.community)

    response = client.get(url(survey))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_without_javascript_a_conditional_question_shows_when_to_answer_it(resident_client, world):
    survey = open_survey(world.community, kinds=["yes_no"])
    has_car = survey.questions.get()
    QuestionFactory(
        survey=survey,
        kind=Question.Kind.SHORT_TEXT,
        position=5,
        text="车牌号",
        show_if_question=has_car,
        show_if_values=["yes"],
    )

    body = resident_client.get(url(survey)).content.decode()

    assert "车牌号" in body
    assert "Answer only if your answer to question 1 is: “Yes”." in body
    assert f'data-show-if="{has_car.pk}"' in body

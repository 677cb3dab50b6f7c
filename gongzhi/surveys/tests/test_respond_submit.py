"""submit_response(): what one answer writes, and the answers it refuses."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.surveys.models import AgeGroup, Answer, Participation, Response, Survey
from gongzhi.surveys.respond_services import ResponseError, submit_response
from gongzhi.surveys.tests.respond_helpers import ALL_KINDS, open_survey, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Read the English source strings of messages."""
    with translation.override("en"):
        yield


def submit(survey, **kwargs):
    kwargs.setdefault("channel", "online")
    kwargs.setdefault("answers", valid_answers(survey))
    return submit_response(survey=survey, **kwargs)


def test_a_named_answer_stores_who_where_and_each_answer(world):
    survey = open_survey(world.community, kinds=ALL_KINDS)
    actor = world.users["resident"]

    response = submit(survey, household=world.resident.household, actor=actor)

    response.refresh_from_db()
    assert response.household == world.resident.household
    assert response.building == world.building
    assert response.compound == world.compound
    assert response.age_group == AgeGroup.ELDERLY  # 张三 was born in 1950
    assert response.channel == "online"
    part = Participation.objects.get(survey=survey)
    assert part.household == world.resident.household and part.channel == "online"
    stored = {
        a.question.kind: (a.option_id, a.number, a.text)
        for a in Answer.objects.filter(response=response).select_related("question")
    }
    assert stored["yes_no"][1] == 1
    assert stored["rating"][1] == 4
    assert stored["number"][1] == 42
    assert stored["short_text"][2] == "门口的路"
    assert stored["single"][0] is not None
    assert Answer.objects.filter(response=response, question__kind="multiple").count() == 2
    entry = AuditEntry.objects.get(action="survey.answer")
    assert entry.actor == actor
    assert entry.data["response"] == str(response.pk)


def test_a_second_answer_from_the_same_household_is_refused(world):
    survey = open_survey(world.community)
    household = world.resident.household
    submit(survey, household=household, channel="visit")
    housemate = f.ResidentFactory(household=household)

    with pytest.raises(ResponseError) as refused:
        submit(survey, resident=housemate)

    assert refused.value.code == "already_answered"
    assert "already answered" in refused.value.message
    assert Response.objects.filter(survey=survey).count() == 1
    assert Participation.objects.filter(survey=survey).count() == 1


def test_each_resident_answers_once_in_a_resident_survey(world):
    survey = open_survey(world.community, unit=Survey.Unit.RESIDENT)
    housemate = f.ResidentFactory(household=world.resident.household, birth_date=date(1990, 1, 1))

    first = submit(survey, resident=world.resident)
    second = submit(survey, resident=housemate)
    with pytest.raises(ResponseError) as refused:
        submit(survey, resident=housemate)

    assert refused.value.code == "already_answered"
    assert (first.age_group, second.age_group) == (AgeGroup.ELDERLY, AgeGroup.UNDER_60)
    assert Participation.objects.filter(survey=survey).count() == 2


def test_a_closed_survey_refuses_answers_with_a_clear_message(world):
    survey = open_survey(world.community, status=Survey.Status.CLOSED)

    with pytest.raises(ResponseError) as refused:
        submit(survey, household=world.resident.household)

    assert refused.value.code == "closed"
    assert refused.value.message == "This survey is closed and no longer takes answers."
    assert not Participation.objects.exists() and not Response.objects.exists()


def test_a_survey_past_its_closing_time_refuses_answers(world):
    now = timezone.now()
    survey = open_survey(
        world.community, opens_at=now - timedelta(days=7), closes_at=now - timedelta(hours=1)
    )

    with pytest.raises(ResponseError) as refused:
        submit(survey, household=world.resident.household)

    assert refused.value.code == "closed"
    assert not Response.objects.exists()


def test_a_survey_not_open_yet_says_when_it_opens(world):
    survey = open_survey(world.community, opens_at=timezone.now() + timedelta(days=2))

    with pytest.raises(ResponseError) as refused:
        submit(survey, household=world.resident.household)

    assert refused.value.code == "not_open"
    assert "not open yet" in refused.value.message and "opens on" in refused.value.message
    assert not Response.objects.exists()


def test_invalid_answers_are_refused_with_field_errors_and_nothing_written(world):
    survey = open_survey(world.community, kinds=["rating", "yes_no"])
    answers = valid_answers(survey)
    rating = next(k for k in answers if answers[k] == "4")
    answers[rating] = "9"

    with pytest.raises(ResponseError) as refused:
        submit(survey, household=world.resident.household, answers=answers)

    assert refused.value.code == "invalid"
    assert list(refused.value.errors) == [int(rating[1:])]
    assert not Participation.objects.exists() and not Answer.objects.exists()
    assert not AuditEntry.objects.filter(action="survey.answer").exists()


def test_a_household_outside_the_audience_is_refused(world):
    survey = open_survey(world.community, audience=Survey.Audience.BUILDINGS)
    survey.audience_buildings.set([world.other_building])

    with pytest.raises(ResponseError) as refused:
        submit(survey, household=world.resident.household)

    assert refused.value.code == "not_in_audience"
    assert not Response.objects.exists()


def test_a_household_of_young_people_is_under_60(world):
    survey = open_survey(world.community)
    young = f.ResidentFactory(
        household__dwelling__building=world.building, birth_date=date(1995, 6, 1)
    )
    f.ResidentFactory(household=young.household, birth_date=None)

    response = submit(survey, household=young.household)

    assert response.age_group == AgeGroup.UNDER_60


def test_a_household_with_one_member_aged_60_or_more_is_60_plus(world):
    survey = open_survey(world.community)
    young = f.ResidentFactory(
        household__dwelling__building=world.building, birth_date=date(1995, 6, 1)
    )
    f.ResidentFactory(household=young.household, birth_date=date(1955, 1, 1))

    response = submit(survey, household=young.household)

    assert response.age_group == AgeGroup.ELDERLY


def test_a_household_survey_needs_a_household(world):
    survey = open_survey(world.community)

    with pytest.raises(ResponseError) as refused:
        submit(survey)

    assert refused.value.code == "no_respondent"
    assert not Response.objects.exists()

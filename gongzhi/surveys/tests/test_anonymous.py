"""Anonymous surveys: no stored link from a response to a person or household.

The tests read the rows back from the database and look at every column of the response
(and its answers and audit entries) for anything that points at the respondent.
"""

from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.db.models import ForeignKey

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Household, Resident
from gongzhi.surveys.models import Answer, HouseholdCode, Participation, Response
from gongzhi.surveys.respond_services import (
    ResponseError,
    issue_household_codes,
    record_visit,
    redeem_code,
    submit_response,
)
from gongzhi.surveys.tests.respond_helpers import open_survey, valid_answers

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PEOPLE = (Household, Resident)


def links_to_people(response: Response) -> dict:
    """Return every foreign key of the stored response row that points at a person or home."""
    row: dict = dict(Response.objects.filter(pk=response.pk).values().get())
    found = {}
    for field in Response._meta.concrete_fields:
        is_link = isinstance(field, ForeignKey) and field.related_model in PEOPLE
        if is_link and row[field.attname] is not None:
            found[field.name] = row[field.attname]
    return found


def assert_unlinked(response: Response, household: Household, resident: Resident | None):
    assert links_to_people(response) == {}
    stored = Response.objects.filter(pk=response.pk).values().get()
    # Not the respondent's user either (entered_by is the worker, if any).
    if resident is not None and resident.user_id:
        assert resident.user_id not in stored.values()
    local = stored["submitted_at"].astimezone(SHANGHAI)
    assert local.time() == time(0, 0)
    for entry in AuditEntry.objects.filter(action__startswith="survey."):
        text = repr(entry.data)
        assert str(response.pk) not in text
        assert entry.target_id != str(response.pk)
    assert not Answer.objects.filter(response=response, text__contains=str(household.pk)).exists()


@pytest.fixture
def anonymous(world):
    return open_survey(world.community, kinds=["single", "long_text"], anonymous=True)


def test_an_online_anonymous_answer_keeps_no_link_and_only_the_day(world, anonymous):
    resident = world.resident

    response = submit_response(
        survey=anonymous,
        channel="online",
        answers=valid_answers(anonymous),
        household=resident.household,
        resident=resident,
        actor=world.users["resident"],
    )

    assert_unlinked(response, resident.household, resident)
    # Coverage still knows the household took part.
    assert Participation.objects.filter(survey=anonymous, household=resident.household).exists()
    # The breakdown keeps the group, not the person.
    stored = Response.objects.get(pk=response.pk)
    assert stored.building_id == world.building.pk and stored.age_group == "60+"


def test_a_visit_to_an_anonymous_survey_keeps_no_link(world, anonymous):
    household = world.resident.household
    worker = world.users["grid_worker"]

    record_visit(
        survey=anonymous,
        household=household,
        worker=worker,
        outcome="answered",
        answers=valid_answers(anonymous),
    )

    response = Response.objects.get(survey=anonymous)
    assert_unlinked(response, household, world.resident)
    assert response.entered_by == worker
    assert response.channel == "visit"


def test_a_household_code_answer_keeps_no_link(world, anonymous):
    household = world.resident.household
    issue_household_codes(survey=anonymous, actor=world.users["community_admin"])
    code = HouseholdCode.objects.get(survey=anonymous, household=household)

    response = redeem_code(survey=anonymous, code=code.code, answers=valid_answers(anonymous))

    assert_unlinked(response, household, world.resident)


def test_a_named_survey_does_link_the_response(world):
    """The same inspection finds the link on a named survey, so it can find one."""
    survey = open_survey(world.community, anonymous=False)

    response = submit_response(
        survey=survey,
        channel="online",
        answers=valid_answers(survey),
        household=world.resident.household,
    )

    assert links_to_people(response) == {"household": world.resident.household.pk}


def test_an_anonymous_paper_may_have_no_household_at_all(world, anonymous):
    response = submit_response(
        survey=anonymous,
        channel="paper",
        answers=valid_answers(anonymous),
        entered_by=world.users["community_worker"],
    )

    assert links_to_people(response) == {}
    assert response.building_id is None
    assert not Participation.objects.filter(survey=anonymous).exists()


def test_a_named_survey_needs_a_household_even_on_paper(world):
    survey = open_survey(world.community)

    with pytest.raises(ResponseError) as refused:
        submit_response(survey=survey, channel="paper", answers=valid_answers(survey))

    assert refused.value.code == "no_respondent"
    assert not Response.objects.filter(survey=survey).exists()

"""Posters, household slips and the code page: one-time codes, so a household answers once."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import HouseholdCode, Participation, Response, Survey
from gongzhi.surveys.respond_services import (
    ResponseError,
    format_code,
    issue_household_codes,
    redeem_code,
    submit_response,
)
from gongzhi.surveys.tests.respond_helpers import (
    households_in,
    in_english,
    open_survey,
    valid_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def survey(world):
    return open_survey(world.community, kinds=["single", "short_text"])


def entry_url(survey):
    return reverse("surveys:code-entry", args=[survey.pk])


def code_of(survey, household) -> str:
    return HouseholdCode.objects.get(survey=survey, household=household).code


# ---------- issuing and redeeming ----------


def test_codes_are_issued_once_per_audience_household(world, survey):
    households_in(world.building, 2)
    admin = world.users["community_admin"]

    first = issue_household_codes(survey=survey, actor=admin, building=world.building)
    again = issue_household_codes(survey=survey, actor=admin, building=world.building)
    everywhere = issue_household_codes(survey=survey, actor=admin)

    assert (first, again, everywhere) == (3, 0, 1)  # the neighbour's household came last
    codes = list(HouseholdCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 4 and all(len(c) == 8 for c in codes)
    assert AuditEntry.objects.filter(action="survey.codes_issued").count() == 3


def test_a_code_answers_for_its_household_once(world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)

    response = redeem_code(
        survey=survey, code=format_code(code).lower(), answers=valid_answers(survey)
    )
    with pytest.raises(ResponseError) as reused:
        redeem_code(survey=survey, code=code, answers=valid_answers(survey))

    assert response.household == world.resident.household and response.channel == "code"
    assert reused.value.code == "used_code"
    assert Response.objects.count() == 1
    assert HouseholdCode.objects.get(code=code).used_at is not None


def test_a_code_of_a_household_that_answered_online_is_refused(world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)
    submit_response(
        survey=survey, channel="online", answers=valid_answers(survey), resident=world.resident
    )

    with pytest.raises(ResponseError) as refused:
        redeem_code(survey=survey, code=code, answers=valid_answers(survey))

    assert refused.value.code == "already_answered"
    assert Response.objects.count() == 1
    assert HouseholdCode.objects.get(code=code).used_at is None  # rolled back with the rest


def test_wrong_answers_do_not_spend_the_code(world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)

    with pytest.raises(ResponseError):
        redeem_code(survey=survey, code=code, answers={})

    assert HouseholdCode.objects.get(code=code).used_at is None
    assert not Participation.objects.exists()


def test_a_code_of_another_survey_is_wrong(world, survey):
    other = open_survey(world.community)
    issue_household_codes(survey=other, actor=None)

    with pytest.raises(ResponseError) as refused:
        redeem_code(
            survey=survey,
            code=code_of(other, world.resident.household),
            answers=valid_answers(survey),
        )

    assert refused.value.code == "bad_code"


def test_resident_surveys_have_no_household_codes(world):
    survey = open_survey(world.community, unit=Survey.Unit.RESIDENT)

    with pytest.raises(ResponseError):
        issue_household_codes(survey=survey, actor=None)

    assert not HouseholdCode.objects.exists()


# ---------- the code page (no login) ----------


def test_the_code_page_asks_for_the_code_then_shows_the_questionnaire(client, world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)
    client = in_english(client)

    ask = client.get(entry_url(survey))
    questionnaire = client.post(entry_url(survey), {"code": format_code(code)})
    done = client.post(entry_url(survey), {"code": code, "step": "answer", **valid_answers(survey)})

    assert ask.status_code == 200 and 'name="code"' in ask.content.decode()
    assert questionnaire.status_code == 200
    assert "answer-form" in questionnaire.content.decode()
    assert done.status_code == 302
    assert Response.objects.get().channel == "code"
    assert "received" in client.get(done["Location"]).content.decode()


def test_a_used_code_gets_a_clear_message(client, world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)
    redeem_code(survey=survey, code=code, answers=valid_answers(survey))

    response = in_english(client).post(entry_url(survey), {"code": code})

    assert response.status_code == 200
    assert "This code has already been used" in response.content.decode()
    assert "answer-form" not in response.content.decode()


def test_a_wrong_code_gets_a_clear_message_and_repeated_guessing_pauses(client, world, survey):
    client = in_english(client)
    cache.clear()

    first = client.post(entry_url(survey), {"code": "WRONG-CODE"})
    for _ in range(25):
        last = client.post(entry_url(survey), {"code": "ABCD2345"})

    assert first.status_code == 200
    assert "This code is not right for this survey" in first.content.decode()
    assert last.status_code == 429
    assert "Too many wrong codes" in last.content.decode()


def test_the_code_page_of_a_closed_survey_says_so(client, world):
    survey = open_survey(world.community, status=Survey.Status.CLOSED)

    response = in_english(client).get(entry_url(survey))

    assert response.status_code == 200
    assert "This survey is closed" in response.content.decode()
    assert 'name="code"' not in response.content.decode()


def test_wrong_answers_keep_the_code_and_what_was_typed(client, world, survey):
    issue_household_codes(survey=survey, actor=None)
    code = code_of(survey, world.resident.household)
    text_q = survey.questions.get(kind="short_text")

    response = in_english(client).post(
        entry_url(survey), {"code": code, "step": "answer", f"q{text_q.pk}": "半截"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="code" value="{code}"' in body and 'value="半截"' in body
    assert "Please answer this question." in body
    assert HouseholdCode.objects.get(code=code).used_at is None


# ---------- poster and slips ----------


def test_the_poster_has_a_qr_code_and_the_short_link(client, world, survey):
    client.force_login(world.users["grid_worker"])

    response = client.get(reverse("surveys:poster", args=[survey.pk, world.building.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'class="segno"' in body
    assert f"http://testserver/surveys/s/{survey.pk}/" in body


def test_the_slips_sheet_makes_and_prints_one_code_per_household(client, world, survey):
    households_in(world.building, 2)
    client.force_login(world.users["grid_worker"])
    url = reverse("surveys:slips", args=[survey.pk, world.building.pk])

    before = client.get(url)
    made = client.post(url)
    after = client.get(url)

    assert before.status_code == 200 and before.context["missing"] == 3
    assert made.status_code == 302
    assert after.context["missing"] == 0
    body = after.content.decode()
    assert body.count('class="slip"') == 3
    for code in HouseholdCode.objects.values_list("code", flat=True):
        assert format_code(code) in body


@pytest.mark.parametrize("user", ["resident", "outsider", "far_admin", "owners_committee"])
def test_posters_and_slips_are_for_workers_only(client, world, survey, user):
    client.force_login(world.users[user])

    for name in ("poster", "slips"):
        assert (
            client.get(reverse(f"surveys:{name}", args=[survey.pk, world.building.pk])).status_code
            == 404
        )
    assert (
        client.post(reverse("surveys:slips", args=[survey.pk, world.building.pk])).status_code
        == 404
    )
    assert not HouseholdCode.objects.exists()


def test_a_grid_worker_prints_only_their_grid(client, world, survey):
    client.force_login(world.users["grid_worker"])

    response = client.get(reverse("surveys:poster", args=[survey.pk, world.other_building.pk]))

    assert response.status_code == 404

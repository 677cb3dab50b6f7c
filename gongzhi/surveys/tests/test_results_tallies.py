"""The tallies behind the results page: kept by every answering channel, equal to a recount."""

from decimal import Decimal

import pytest
from django.utils import translation

from gongzhi.surveys.logic import load_questions
from gongzhi.surveys.models import HouseholdCode, Question, Tally
from gongzhi.surveys.respond_services import (
    ResponseError,
    issue_household_codes,
    rebuild_tallies,
    record_visit,
    redeem_code,
    submit_response,
)
from gongzhi.surveys.results import survey_results
from gongzhi.surveys.tests.respond_helpers import ALL_KINDS, households_in, open_survey

pytestmark = pytest.mark.django_db

K = Question.Kind


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def tallies(survey) -> list[tuple]:
    """Every tally row of the survey, in a fixed order, as comparable tuples."""
    return sorted(
        Tally.objects.filter(survey=survey).values_list(
            "channel", "question_id", "option_id", "value", "count", "total", "low", "high"
        ),
        key=repr,
    )


def recounted(survey) -> list[tuple]:
    """The tallies as rebuild_tallies() counts them from the stored answers."""
    rebuild_tallies(survey)
    return tallies(survey)


def answers_for(survey, i: int) -> dict:
    """The i-th respondent's answers: different options, values and numbers each time."""
    out: dict[str, str | list[str]] = {}
    for question in load_questions(survey):
        options = [str(o.pk) for o in question.options.all()]
        key = f"q{question.pk}"
        if question.kind == K.SINGLE:
            out[key] = options[i % 3]
        elif question.kind == K.MULTIPLE:
            out[key] = options[: 1 + i % 2]
        elif question.kind == K.YES_NO:
            out[key] = "yes" if i % 2 else "no"
        elif question.kind == K.RATING:
            out[key] = str(1 + i % 5)
        elif question.kind == K.NUMBER:
            out[key] = str(7 * ((i + 2) % 4))  # 14, 21, 0, 7: neither rising nor falling
        else:
            out[key] = f"门口的路{i}"
    return out


@pytest.fixture
def survey(world):
    return open_survey(world.community, kinds=ALL_KINDS)


def answer_by_every_channel(world, survey) -> None:
    """One response online, one with a household code, one on a visit, one on paper."""
    online, coded, visited, paper = households_in(world.building, 4)
    submit_response(
        survey=survey, channel="online", household=online, answers=answers_for(survey, 0)
    )
    issue_household_codes(survey=survey, actor=None, building=world.building)
    code = HouseholdCode.objects.get(survey=survey, household=coded).code
    redeem_code(survey=survey, code=code, answers=answers_for(survey, 1))
    worker = world.users["grid_worker"]
    record_visit(
        survey=survey,
        household=visited,
        worker=worker,
        outcome="answered",
        answers=answers_for(survey, 2),
    )
    submit_response(
        survey=survey,
        channel="paper",
        household=paper,
        entered_by=worker,
        answers=answers_for(survey, 3),
    )


def test_tallies_equal_a_recount_after_answers_through_every_channel(world, survey):
    answer_by_every_channel(world, survey)

    kept = tallies(survey)

    assert kept == recounted(survey)
    channels = {row[0]: row[4] for row in kept if row[1] is None}
    assert channels == {"online": 1, "code": 1, "visit": 1, "paper": 1}


def test_tallies_of_an_anonymous_survey_equal_a_recount(world):
    survey = open_survey(world.community, kinds=ALL_KINDS, anonymous=True)
    answer_by_every_channel(world, survey)
    # Anonymous paper forms may come without a household.
    submit_response(survey=survey, channel="paper", answers=answers_for(survey, 4))

    kept = tallies(survey)

    assert kept == recounted(survey)
    assert sum(row[4] for row in kept if row[1] is None) == 5


def test_the_results_read_from_the_tallies_match_the_answers(world, survey):
    answer_by_every_channel(world, survey)

    items = {item["kind"]: item for item in survey_results(survey)["questions"]}

    assert items[K.SINGLE]["answered"] == 4
    # Respondents 0 and 2 chose one option, 1 and 3 two: the first option four times.
    assert [o["count"] for o in items[K.MULTIPLE]["options"]] == [4, 2, 0]
    assert items[K.MULTIPLE]["answered"] == 4
    assert [o["count"] for o in items[K.YES_NO]["options"]] == [2, 2]  # yes, no
    assert [o["count"] for o in items[K.RATING]["options"]] == [1, 1, 1, 1, 0]
    number = items[K.NUMBER]
    assert (number["answered"], number["minimum"], number["maximum"]) == (4, 0, 21)
    assert (str(number["minimum"]), str(number["maximum"])) == ("0", "21")  # as typed
    assert number["average"] == Decimal("10.50")  # (14 + 21 + 0 + 7) / 4
    assert items[K.SHORT_TEXT]["answered"] == 4


def test_a_refused_answer_leaves_the_tallies_alone(world, survey):
    household = households_in(world.building, 1)[0]
    submit_response(
        survey=survey, channel="online", household=household, answers=answers_for(survey, 0)
    )
    before = tallies(survey)

    with pytest.raises(ResponseError):
        submit_response(
            survey=survey, channel="online", household=household, answers=answers_for(survey, 1)
        )
    with pytest.raises(ResponseError):
        submit_response(survey=survey, channel="online", household=household, answers={})

    assert tallies(survey) == before


def test_rebuilding_tallies_of_answers_written_in_bulk(world, survey):
    # Loaders (the demo, the bench) write answers in bulk, then rebuild the tallies.
    submit_response(
        survey=survey,
        channel="online",
        household=households_in(world.building, 1)[0],
        answers=answers_for(survey, 0),
    )
    Tally.objects.filter(survey=survey).delete()

    rebuild_tallies(survey)

    assert survey_results(survey)["total"] == 1
    assert Tally.objects.filter(survey=survey, question=None).get().count == 1
    assert Tally.objects.filter(survey=survey).count() == (
        1  # the channel
        + len(ALL_KINDS)  # each question
        + 1  # the single choice's option
        + 1  # the multiple choice's option
        + 2  # the yes/no and rating values
    )


def test_a_survey_without_answers_has_no_tallies(world, survey):
    rebuild_tallies(survey)

    results = survey_results(survey)

    assert not Tally.objects.filter(survey=survey).exists()
    assert results["total"] == 0
    assert all(item["answered"] == 0 for item in results["questions"])

"""Show-if logic and the validation of each question type (logic.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from gongzhi.core.testing import factories as f
from gongzhi.surveys.logic import clean_answers, load_questions, visible_questions
from gongzhi.surveys.models import Question
from gongzhi.surveys.tests.factories import OptionFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Read the English source strings of messages."""
    with translation.override("en"):
        yield


@pytest.fixture
def survey():
    return SurveyFactory(community=f.CommunityFactory())


def question(survey, kind, **fields):
    fields.setdefault("required", True)
    q = QuestionFactory(survey=survey, kind=kind, **fields)
    if kind in ("single", "multiple"):
        for i in range(3):
            OptionFactory(question=q, position=i, label=f"选项{i + 1}")
    return q


def options(q):
    return [str(o.pk) for o in q.options.all()]


def check(survey, raw):
    return clean_answers(survey, load_questions(survey), raw)


# ---------- show-if ----------


def test_a_question_shows_only_when_the_earlier_answer_matches(survey):
    has_car = question(survey, "yes_no", position=0)
    parking = question(
        survey, "single", position=1, show_if_question=has_car, show_if_values=["yes"]
    )
    questions = load_questions(survey)

    shown_yes = visible_questions(questions, {f"q{has_car.pk}": "yes"})
    shown_no = visible_questions(questions, {f"q{has_car.pk}": "no"})
    shown_blank = visible_questions(questions, {})

    assert [q.pk for q in shown_yes] == [has_car.pk, parking.pk]
    assert [q.pk for q in shown_no] == [has_car.pk]
    assert [q.pk for q in shown_blank] == [has_car.pk]


def test_a_choice_condition_matches_any_of_its_option_ids(survey):
    colour = question(survey, "multiple", position=0)
    red, green, blue = colour.options.all()
    why = question(
        survey,
        "short_text",
        position=1,
        show_if_question=colour,
        show_if_values=[red.pk, blue.pk],  # ids stored as numbers by the builder
    )
    questions = load_questions(survey)

    assert why in visible_questions(questions, {f"q{colour.pk}": [str(green.pk), str(blue.pk)]})
    assert why not in visible_questions(questions, {f"q{colour.pk}": [str(green.pk)]})


def test_a_condition_on_a_hidden_question_hides_the_chain(survey):
    first = question(survey, "yes_no", position=0)
    second = question(survey, "rating", position=1, show_if_question=first, show_if_values=["yes"])
    third = question(
        survey, "short_text", position=2, show_if_question=second, show_if_values=["1", "2"]
    )
    questions = load_questions(survey)

    # The rating of 1 was typed earlier, but its question is hidden again by "no".
    typed = {f"q{first.pk}": "no", f"q{second.pk}": "1"}
    assert [q.pk for q in visible_questions(questions, typed)] == [first.pk]
    typed[f"q{first.pk}"] = "yes"
    assert [q.pk for q in visible_questions(questions, typed)] == [first.pk, second.pk, third.pk]


def test_a_required_hidden_question_is_not_required_and_its_answer_is_dropped(survey):
    has_car = question(survey, "yes_no", position=0)
    plate = question(
        survey, "short_text", position=1, show_if_question=has_car, show_if_values=["yes"]
    )

    cleaned, errors = check(survey, {f"q{has_car.pk}": "no", f"q{plate.pk}": "鄂A12345"})

    assert errors == {}
    assert cleaned == {has_car.pk: False}


def test_a_required_shown_question_must_be_answered(survey):
    has_car = question(survey, "yes_no", position=0)
    plate = question(
        survey, "short_text", position=1, show_if_question=has_car, show_if_values=["yes"]
    )

    cleaned, errors = check(survey, {f"q{has_car.pk}": "yes"})

    assert list(errors) == [plate.pk]
    assert "answer" in errors[plate.pk][0].lower()


# ---------- validation of each type ----------


def test_single_takes_one_of_its_own_options(survey):
    q = question(survey, "single")
    other = question(survey, "single", required=False)
    mine = options(q)

    assert check(survey, {f"q{q.pk}": mine[1]}) == ({q.pk: int(mine[1])}, {})
    _, wrong_option = check(survey, {f"q{q.pk}": options(other)[0]})
    _, two = check(survey, {f"q{q.pk}": mine[:2]})
    _, junk = check(survey, {f"q{q.pk}": "abc"})
    assert q.pk in wrong_option and q.pk in two and q.pk in junk


def test_multiple_respects_max_choices_and_ignores_repeats(survey):
    q = question(survey, "multiple", max_choices=2)
    a, b, c = options(q)

    assert check(survey, {f"q{q.pk}": [a, c, a]}) == ({q.pk: [int(a), int(c)]}, {})
    cleaned, errors = check(survey, {f"q{q.pk}": [a, b, c]})
    assert cleaned == {}
    assert "2" in errors[q.pk][0]


def test_yes_no_takes_yes_no_or_booleans(survey):
    q = question(survey, "yes_no")

    assert check(survey, {f"q{q.pk}": "yes"})[0] == {q.pk: True}
    assert check(survey, {str(q.pk): False})[0] == {q.pk: False}
    assert q.pk in check(survey, {f"q{q.pk}": "maybe"})[1]


@pytest.mark.parametrize("value", ["0", "6", "3.5", "-1", "five"])
def test_rating_refuses_anything_but_1_to_5(survey, value):
    q = question(survey, "rating")

    cleaned, errors = check(survey, {f"q{q.pk}": value})

    assert cleaned == {} and q.pk in errors


def test_rating_takes_1_to_5(survey):
    q = question(survey, "rating")

    assert [check(survey, {q.pk: n})[0][q.pk] for n in range(1, 6)] == [1, 2, 3, 4, 5]


def test_number_stays_within_its_range(survey):
    q = question(survey, "number", min_value=Decimal("0"), max_value=Decimal("120"))

    assert check(survey, {f"q{q.pk}": "75.5"})[0] == {q.pk: Decimal("75.50")}
    assert check(survey, {f"q{q.pk}": "１２"})[0] == {q.pk: Decimal("12.00")}  # full width
    for bad in ("121", "-1", "lots", "NaN", "Infinity"):
        cleaned, errors = check(survey, {f"q{q.pk}": bad})
        assert cleaned == {} and errors[q.pk] == ["Enter a number from 0 to 120."], bad


def test_number_without_range_still_refuses_huge_numbers(survey):
    q = question(survey, "number")

    assert check(survey, {f"q{q.pk}": "-3"})[0] == {q.pk: Decimal("-3.00")}
    assert q.pk in check(survey, {f"q{q.pk}": "1e20"})[1]


def test_text_lengths_are_limited(survey):
    short = question(survey, "short_text", required=False)
    long = question(survey, "long_text", required=False)

    ok, errors = check(survey, {f"q{short.pk}": "字" * 200, f"q{long.pk}": "字" * 2000})
    assert errors == {} and len(ok[short.pk]) == 200
    _, errors = check(survey, {f"q{short.pk}": "字" * 201, f"q{long.pk}": "字" * 2001})
    assert set(errors) == {short.pk, long.pk}


def test_blank_answers_count_as_missing_only_when_required(survey):
    required = question(survey, "short_text", required=True)
    optional = question(survey, "number", required=False)

    cleaned, errors = check(survey, {f"q{required.pk}": "   ", f"q{optional.pk}": ""})

    assert cleaned == {}
    assert list(errors) == [required.pk]


def test_questions_of_another_survey_are_ignored(survey):
    mine = question(survey, "yes_no")
    theirs = question(SurveyFactory(community=survey.community), "yes_no")

    cleaned, errors = clean_answers(
        survey, [mine, theirs], {f"q{mine.pk}": "yes", f"q{theirs.pk}": "no"}
    )

    assert cleaned == {mine.pk: True} and errors == {}


def test_every_kind_is_validated(survey):
    kinds = {kind for kind, _ in Question.Kind.choices}
    for kind in kinds:
        question(survey, kind)

    cleaned, errors = check(survey, {})

    assert cleaned == {}
    assert len(errors) == len(kinds)

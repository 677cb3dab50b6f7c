"""Results computed by the database, checked against a small hand-counted survey.

The helpers here (results_survey, respond) are shared by the other results test files.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.surveys.models import AgeGroup, Answer, Channel, Question, Response, Survey
from gongzhi.surveys.respond_services import add_to_tallies, rebuild_tallies
from gongzhi.surveys.results import (
    MIN_GROUP,
    breakdown,
    crosstab,
    frequent_terms,
    survey_results,
)
from gongzhi.surveys.tests.factories import make_survey

K = Question.Kind
KINDS = [K.SINGLE, K.MULTIPLE, K.YES_NO, K.RATING, K.NUMBER, K.LONG_TEXT]


def respond(
    survey, values: dict, *, channel=Channel.ONLINE, place=None, age=AgeGroup.UNKNOWN, **fields
):
    """Store one response the way the answering services do (see logic.answer_rows).

    values: {question: value}; options for choice questions (a list for multiple), True or
    False for yes/no, numbers for rating and number, a string for text. fields: more
    Response fields (household, resident, entered_by) for named surveys.
    """
    building = place
    response = Response.objects.create(
        survey=survey,
        channel=channel,
        building=building,
        compound=building.compound if building else None,
        age_group=age,
        **fields,
    )
    rows = []
    for question, value in values.items():
        if question.kind == K.MULTIPLE:
            rows += [Answer(response=response, question=question, option=o) for o in value]
        elif question.kind == K.SINGLE:
            rows.append(Answer(response=response, question=question, option=value))
        elif question.kind == K.YES_NO:
            rows.append(Answer(response=response, question=question, number=int(value)))
        elif question.kind in (K.RATING, K.NUMBER):
            rows.append(Answer(response=response, question=question, number=Decimal(value)))
        else:
            rows.append(Answer(response=response, question=question, text=value))
    Answer.objects.bulk_create(rows)
    add_to_tallies(response, rows)
    return response


def results_survey(world, anonymous=False):
    """The hand-counted survey: four responses, counts worked out in the tests below.

    R1 building (60+, visit):  single A, multiple A+B, yes, rating 5, number 10, text
    R2 building (60+, visit):  single A, multiple B,   yes, rating 4, number 20, text
    R3 other (under 60, online): single B, multiple A+B+C, no, rating 3, text
    R4 other (under 60, paper): multiple C, yes, number 0
    """
    survey = make_survey(
        world.community, kinds=KINDS, status=Survey.Status.CLOSED, anonymous=anonymous
    )
    single, multiple, yes_no, rating, number, text = survey.questions.order_by("position")
    a, b, c = single.options.order_by("position")
    ma, mb, mc = multiple.options.order_by("position")
    elderly, younger = AgeGroup.ELDERLY, AgeGroup.UNDER_60
    respond(
        survey,
        {
            single: a,
            multiple: [ma, mb],
            yes_no: True,
            rating: 5,
            number: 10,
            text: "希望晚上不要太吵，噪音影响休息",
        },
        channel=Channel.VISIT,
        place=world.building,
        age=elderly,
    )
    respond(
        survey,
        {
            single: a,
            multiple: [mb],
            yes_no: True,
            rating: 4,
            number: 20,
            text: "资金要公开透明，噪音也要控制",
        },
        channel=Channel.VISIT,
        place=world.building,
        age=elderly,
    )
    respond(
        survey,
        {single: b, multiple: [ma, mb, mc], yes_no: False, rating: 3, text: "资金从哪里来？"},
        channel=Channel.ONLINE,
        place=world.other_building,
        age=younger,
    )
    respond(
        survey,
        {multiple: [mc], yes_no: True, number: 0},
        channel=Channel.PAPER,
        place=world.other_building,
        age=younger,
    )
    return survey


def _by_kind(results):
    return {item["kind"]: item for item in results["questions"]}


def _counts(item):
    return [(o["label"], o["count"]) for o in item["options"]]


@pytest.fixture
def survey(world):
    return results_survey(world)


def test_it_counts_responses_by_channel(survey):
    results = survey_results(survey)

    assert results["total"] == 4
    channels = {row["channel"]: row["count"] for row in results["channels"]}
    assert channels == {"online": 1, "code": 0, "visit": 2, "paper": 1}


def test_single_choice_shares_are_of_those_who_answered(survey):
    single = _by_kind(survey_results(survey))[K.SINGLE]

    assert single["answered"] == 3
    assert _counts(single) == [("选项1", 2), ("选项2", 1), ("选项3", 0)]
    assert [round(o["share"], 4) for o in single["options"]] == [0.6667, 0.3333, 0.0]
    assert single["share_answered"] == 0.75


def test_multiple_choice_counts_people_not_rows(survey):
    multiple = _by_kind(survey_results(survey))[K.MULTIPLE]

    assert multiple["answered"] == 4
    assert _counts(multiple) == [("选项1", 2), ("选项2", 3), ("选项3", 2)]
    assert [o["share"] for o in multiple["options"]] == [0.5, 0.75, 0.5]


def test_yes_no_counts(survey):
    yes_no = _by_kind(survey_results(survey))[K.YES_NO]

    assert yes_no["answered"] == 4
    assert [o["count"] for o in yes_no["options"]] == [3, 1]
    assert yes_no["options"][0]["share"] == 0.75


def test_rating_distribution_and_average(survey):
    rating = _by_kind(survey_results(survey))[K.RATING]

    assert rating["answered"] == 3
    assert _counts(rating) == [("1", 0), ("2", 0), ("3", 1), ("4", 1), ("5", 1)]
    assert rating["average"] == Decimal("4.00")
    assert (rating["minimum"], rating["maximum"]) == (3, 5)


def test_number_average_minimum_maximum(survey):
    number = _by_kind(survey_results(survey))[K.NUMBER]

    assert number["answered"] == 3
    assert number["average"] == Decimal("10.00")
    assert (number["minimum"], number["maximum"]) == (Decimal("0"), Decimal("20"))


def test_text_answers_give_frequent_terms_without_stop_words_or_single_characters(survey):
    text = _by_kind(survey_results(survey))[K.LONG_TEXT]

    assert text["answered"] == 3
    # 噪音 and 资金 each appear in two answers; 希望 is a stop word, 要 a single character.
    assert text["terms"] == [("噪音", 2), ("资金", 2)]


def test_frequent_terms_count_each_answer_once():
    terms = frequent_terms(["噪音噪音噪音", "噪音太大", "停车位不够", "停车位"])

    assert dict(terms) == {"噪音": 2, "停车位": 2}


def test_frequent_terms_are_cached_until_a_new_text_answer_arrives(survey, world):
    text_question = survey.questions.get(kind=K.LONG_TEXT)
    survey_results(survey)
    with CaptureQueriesContext(connection) as warm:
        survey_results(survey)
    respond(survey, {text_question: "噪音问题要解决，资金也要落实"}, place=world.building)

    text = _by_kind(survey_results(survey))[K.LONG_TEXT]

    assert not any('"surveys_answer"."text"' in q["sql"] for q in warm.captured_queries)
    assert text["terms"] == [("噪音", 3), ("资金", 3)]


def test_results_viewed_again_read_the_tallies_and_stay_live(survey, world):
    first = survey_results(survey)
    with CaptureQueriesContext(connection) as again:
        second = survey_results(survey)
    single = survey.questions.get(kind=K.SINGLE)
    respond(survey, {single: single.options.order_by("position").last()})

    third = survey_results(survey)

    # Questions, options, tallies.
    assert len(again) == 3
    assert _counts(_by_kind(second)[K.SINGLE]) == _counts(_by_kind(first)[K.SINGLE])
    assert third["total"] == 5
    assert _counts(_by_kind(third)[K.SINGLE]) == [("选项1", 2), ("选项2", 1), ("选项3", 1)]


def test_rebuilding_the_tallies_recounts_a_survey_changed_outside_the_services(survey):
    # The app never removes an answer; a repair made by hand is recounted by rebuild_tallies.
    survey_results(survey)
    Response.objects.filter(survey=survey, channel=Channel.PAPER).delete()

    rebuild_tallies(survey)

    results = survey_results(survey)

    assert results["total"] == 3
    assert _by_kind(results)[K.MULTIPLE]["answered"] == 3


def test_multiple_choice_respondents_stay_live(survey, world):
    multiple = survey.questions.get(kind=K.MULTIPLE)
    assert _by_kind(survey_results(survey))[K.MULTIPLE]["answered"] == 4

    respond(survey, {multiple: list(multiple.options.all())}, place=world.building)

    item = _by_kind(survey_results(survey))[K.MULTIPLE]
    assert item["answered"] == 5
    assert [o["count"] for o in item["options"]] == [3, 4, 3]


def test_empty_survey_has_zero_counts(world):
    survey = make_survey(world.community, kinds=KINDS)

    results = survey_results(survey)

    assert results["total"] == 0
    assert all(item["answered"] == 0 for item in results["questions"])
    assert _by_kind(results)[K.RATING].get("average") is None


def test_results_ignore_other_surveys(survey, world):
    other = make_survey(world.community, kinds=KINDS)
    single = other.questions.get(kind=K.SINGLE)
    respond(other, {single: single.options.first()})

    results = survey_results(survey)

    assert results["total"] == 4
    assert _by_kind(results)[K.SINGLE]["answered"] == 3


# --- Breakdown -------------------------------------------------------------------------------


def _view(data, name):
    view = next(v for v in data["views"] if v["name"] == name)
    return {str(row["label"]): row for row in view["rows"]}


def test_breakdown_by_age_group(survey):
    single = survey.questions.get(kind=K.SINGLE)

    rows = _view(breakdown(survey, single), "age_group")

    assert set(rows) == {"60 or over", "Under 60"}
    assert rows["60 or over"]["answered"] == 2
    assert [c["count"] for c in rows["60 or over"]["cells"]] == [2, 0, 0]
    assert rows["Under 60"]["answered"] == 1
    assert [c["count"] for c in rows["Under 60"]["cells"]] == [0, 1, 0]


def test_breakdown_by_compound_and_building(survey, world):
    single = survey.questions.get(kind=K.SINGLE)
    data = breakdown(survey, single)

    compounds = _view(data, "compound")
    buildings = _view(data, "building")

    assert [c["count"] for c in compounds[world.compound.name]["cells"]] == [2, 0, 0]
    assert [c["count"] for c in compounds[world.other_compound.name]["cells"]] == [0, 1, 0]
    label = f"{world.building.compound.name} {world.building.name}"
    assert buildings[label]["answered"] == 2


def test_breakdown_of_multiple_choice_counts_people(survey):
    multiple = survey.questions.get(kind=K.MULTIPLE)

    rows = _view(breakdown(survey, multiple), "age_group")

    assert rows["60 or over"]["answered"] == 2
    assert [c["count"] for c in rows["60 or over"]["cells"]] == [1, 2, 0]
    assert rows["Under 60"]["answered"] == 2
    assert [c["count"] for c in rows["Under 60"]["cells"]] == [1, 1, 2]
    assert [c["share"] for c in rows["Under 60"]["cells"]] == [0.5, 0.5, 1.0]


def test_breakdown_of_a_number_gives_averages(survey):
    number = survey.questions.get(kind=K.NUMBER)

    rows = _view(breakdown(survey, number), "age_group")

    assert rows["60 or over"]["average"] == Decimal("15.00")
    assert rows["Under 60"]["average"] == Decimal("0.00")


def test_breakdown_of_a_rating_gives_averages(survey):
    rating = survey.questions.get(kind=K.RATING)

    rows = _view(breakdown(survey, rating), "age_group")

    assert rows["60 or over"]["average"] == Decimal("4.50")
    assert [c["count"] for c in rows["60 or over"]["cells"]] == [0, 0, 0, 1, 1]


def test_anonymous_breakdown_hides_small_groups(world):
    survey = results_survey(world, anonymous=True)
    single = survey.questions.get(kind=K.SINGLE)
    a = single.options.order_by("position").first()
    for _ in range(MIN_GROUP):
        respond(survey, {single: a}, place=world.building, age=AgeGroup.ELDERLY)

    rows = _view(breakdown(survey, single), "age_group")

    assert rows["Under 60"]["suppressed"] is True
    assert rows["Under 60"]["cells"] == []
    assert rows["60 or over"]["suppressed"] is False
    assert [c["count"] for c in rows["60 or over"]["cells"]] == [2 + MIN_GROUP, 0, 0]


def test_named_breakdown_shows_small_groups(survey):
    single = survey.questions.get(kind=K.SINGLE)

    rows = _view(breakdown(survey, single), "age_group")

    assert not any(row["suppressed"] for row in rows.values())


# --- Cross-tabulation ------------------------------------------------------------------------


def test_crosstab_counts_option_pairs(survey):
    single = survey.questions.get(kind=K.SINGLE)
    multiple = survey.questions.get(kind=K.MULTIPLE)

    with CaptureQueriesContext(connection) as queries:
        table = crosstab(single, multiple)

    assert [[c["count"] for c in row["cells"]] for row in table["rows"]] == [
        [1, 2, 0],
        [1, 1, 1],
        [0, 0, 0],
    ]
    assert [row["total"] for row in table["rows"]] == [3, 3, 0]
    assert table["column_totals"] == [2, 3, 1]
    assert table["total"] == 6
    assert table["counts_pairs"] is True
    assert len(queries) == 3  # options of each question, then the pairs in one query


def test_crosstab_of_two_single_choices(world):
    survey = make_survey(world.community, kinds=[K.SINGLE, K.SINGLE])
    first, second = survey.questions.order_by("position")
    x, y, _z = first.options.order_by("position")
    p, q, _r = second.options.order_by("position")
    for one, two in ((x, p), (x, p), (x, q), (y, q)):
        respond(survey, {first: one, second: two})
    respond(survey, {first: y})  # did not answer the second question: not counted

    table = crosstab(first, second)

    assert [[c["count"] for c in row["cells"]] for row in table["rows"]][:2] == [
        [2, 1, 0],
        [0, 1, 0],
    ]
    assert table["rows"][0]["cells"][0]["share"] == pytest.approx(2 / 3)
    assert table["counts_pairs"] is False


def test_results_query_count_does_not_grow_with_responses(world):
    small = make_survey(world.community, kinds=KINDS)
    large = make_survey(world.community, kinds=KINDS * 2)
    for survey, n in ((small, 2), (large, 20)):
        questions = list(survey.questions.order_by("position"))
        for i in range(n):
            values = {}
            for question in questions:
                options = list(question.options.all())
                values[question] = {
                    K.SINGLE: options[i % 3] if options else None,
                    K.MULTIPLE: options[: 1 + i % 3],
                    K.YES_NO: i % 2 == 0,
                    K.RATING: 1 + i % 5,
                    K.NUMBER: i,
                    K.LONG_TEXT: f"第{i}条意见：噪音",
                }[question.kind]
            respond(survey, values)
    counts = []
    for survey in (small, large):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            survey_results(survey)
        counts.append(len(queries))

    # Questions, options, tallies; for the frequent terms the latest responses' keys, then
    # their written answers.
    assert counts == [5, 5]

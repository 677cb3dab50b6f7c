"""Show-if conditions: they point back, at a choice, yes/no or rating question, with values
that question offers; moves and deletions that would break one are refused."""

import pytest
from django.urls import reverse

from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Question
from gongzhi.surveys.tests.factories import english_client, make_survey


@pytest.fixture
def admin(world):
    return world.users["community_admin"]


@pytest.fixture
def survey(world):
    return make_survey(
        world.community, kinds=["single", "yes_no", "rating", "short_text", "number"]
    )


def _q(survey, kind) -> Question:
    return survey.questions.get(kind=kind)


@pytest.mark.parametrize(
    ("kind", "values"),
    [("yes_no", ["yes"]), ("rating", ["1", "2"]), ("single", None)],
)
def test_a_question_may_depend_on_an_earlier_answer(world, admin, survey, kind, values):
    condition = _q(survey, kind)
    if values is None:
        values = [condition.options.first().pk]  # ints are accepted and stored as strings
    question = services.add_question(
        survey=survey,
        actor=admin,
        kind="long_text",
        text="请说明",
        show_if_question=condition,
        show_if_values=values,
    )
    question.refresh_from_db()
    assert question.show_if_question == condition
    assert question.show_if_values == [str(v) for v in values]


def test_a_condition_must_point_backwards(world, admin, survey):
    later = _q(survey, "rating")
    earlier = _q(survey, "yes_no")
    with pytest.raises(services.BuilderError) as exc:
        services.update_question(
            question=earlier,
            actor=admin,
            changes={"show_if_question": later, "show_if_values": ["5"]},
        )
    assert "show_if_question" in exc.value.errors
    earlier.refresh_from_db()
    assert earlier.show_if_question is None


def test_a_question_cannot_depend_on_itself(world, admin, survey):
    rating = _q(survey, "rating")
    with pytest.raises(services.BuilderError):
        services.update_question(
            question=rating,
            actor=admin,
            changes={"show_if_question": rating, "show_if_values": ["5"]},
        )


@pytest.mark.parametrize("kind", ["short_text", "number"])
def test_a_condition_must_be_on_a_choice_yes_no_or_rating_question(world, admin, survey, kind):
    with pytest.raises(services.BuilderError) as exc:
        services.add_question(
            survey=survey,
            actor=admin,
            kind="yes_no",
            text="再问",
            show_if_question=_q(survey, kind),
            show_if_values=["1"],
        )
    assert "show_if_question" in exc.value.errors
    assert survey.questions.count() == 5


@pytest.mark.parametrize(
    ("kind", "values"),
    [("yes_no", ["maybe"]), ("rating", ["6"]), ("single", ["999999"]), ("yes_no", [])],
)
def test_condition_values_must_be_answers_the_question_offers(world, admin, survey, kind, values):
    with pytest.raises(services.BuilderError) as exc:
        services.add_question(
            survey=survey,
            actor=admin,
            kind="short_text",
            text="补充",
            show_if_question=_q(survey, kind),
            show_if_values=values,
        )
    assert "show_if_values" in exc.value.errors
    assert survey.questions.count() == 5


def test_a_condition_on_another_surveys_question_is_refused(world, admin, survey):
    other = make_survey(world.community, kinds=["yes_no"])
    with pytest.raises(services.BuilderError):
        services.add_question(
            survey=survey,
            actor=admin,
            kind="short_text",
            text="补充",
            show_if_question=other.questions.get(),
            show_if_values=["yes"],
        )


def test_moving_a_question_above_its_condition_is_refused(world, admin, survey):
    yes_no = _q(survey, "yes_no")
    dependant = services.add_question(
        survey=survey,
        actor=admin,
        kind="short_text",
        text="为什么？",
        show_if_question=yes_no,
        show_if_values=["no"],
    )
    services.reorder_questions(
        survey=survey,
        actor=admin,
        order=[
            *survey.questions.exclude(pk=dependant.pk)
            .order_by("position")
            .values_list("pk", flat=True)[:2],
            dependant.pk,
            *survey.questions.exclude(pk=dependant.pk)
            .order_by("position")
            .values_list("pk", flat=True)[2:],
        ],
    )
    dependant.refresh_from_db()
    assert dependant.position == 2  # right after its condition: allowed
    before = list(survey.questions.order_by("position").values_list("pk", flat=True))
    with pytest.raises(services.BuilderError) as exc:
        services.move_question(question=dependant, actor=admin, direction="up")
    assert "为什么？" in exc.value.message
    with pytest.raises(services.BuilderError):
        services.move_question(question=yes_no, actor=admin, direction="down")
    assert list(survey.questions.order_by("position").values_list("pk", flat=True)) == before


def test_deleting_a_question_others_depend_on_is_refused(world, admin, survey):
    yes_no = _q(survey, "yes_no")
    services.add_question(
        survey=survey,
        actor=admin,
        kind="short_text",
        text="为什么？",
        show_if_question=yes_no,
        show_if_values=["no"],
    )
    with pytest.raises(services.BuilderError) as exc:
        services.delete_question(question=yes_no, actor=admin)
    assert "为什么？" in exc.value.message
    assert Question.objects.filter(pk=yes_no.pk).exists()


def test_removing_an_option_a_condition_uses_is_refused(world, admin, survey):
    single = _q(survey, "single")
    first, second, third = single.options.order_by("position")
    services.add_question(
        survey=survey,
        actor=admin,
        kind="short_text",
        text="为什么选这个？",
        show_if_question=single,
        show_if_values=[str(third.pk)],
    )
    with pytest.raises(services.BuilderError):
        services.update_question(
            question=single, actor=admin, changes={}, options=[first.label, second.label]
        )
    assert single.options.count() == 3
    # Renaming the option keeps its id, so the condition survives.
    services.update_question(
        question=single, actor=admin, changes={}, options=[first.label, second.label, "其他"]
    )
    third.refresh_from_db()
    assert third.label == "其他"


def test_changing_the_kind_of_a_condition_question_is_refused_when_it_breaks(world, admin, survey):
    yes_no = _q(survey, "yes_no")
    services.add_question(
        survey=survey,
        actor=admin,
        kind="short_text",
        text="为什么？",
        show_if_question=yes_no,
        show_if_values=["no"],
    )
    with pytest.raises(services.BuilderError):
        services.update_question(question=yes_no, actor=admin, changes={"kind": "short_text"})
    yes_no.refresh_from_db()
    assert yes_no.kind == "yes_no"


def test_the_form_offers_only_earlier_fitting_questions_and_checks_values(world, admin, survey):
    client = english_client(admin)
    rating = _q(survey, "rating")
    yes_no = _q(survey, "yes_no")
    url = reverse("surveys:question-edit", args=[survey.pk, rating.pk])
    response = client.get(url)
    assert response.status_code == 200
    offered = {
        value for value, _label in response.context["form"].fields["show_if_question"].choices
    }
    assert offered == {"", _q(survey, "single").pk, yes_no.pk}

    # Values of another question than the one picked are refused, nothing saved.
    single = _q(survey, "single")
    option = single.options.first()
    data = {"kind": "rating", "text": rating.text, "required": "on"}
    response = client.post(
        url, {**data, "show_if_question": yes_no.pk, "show_if_values": [f"{single.pk}:{option.pk}"]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["show_if_values"]
    rating.refresh_from_db()
    assert rating.show_if_question is None

    response = client.post(
        url, {**data, "show_if_question": yes_no.pk, "show_if_values": [f"{yes_no.pk}:yes"]}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.show_if_question, rating.show_if_values) == (yes_no, ["yes"])

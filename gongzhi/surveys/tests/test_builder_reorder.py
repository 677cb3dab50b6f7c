"""Reordering questions and sections: move up/down buttons (no JavaScript) and a full order."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Response
from gongzhi.surveys.tests.factories import english_client, make_survey


@pytest.fixture
def admin(world):
    return world.users["community_admin"]


@pytest.fixture
def client(admin):
    return english_client(admin)


def _texts(survey) -> list[str]:
    return list(survey.questions.order_by("position").values_list("text", flat=True))


def _layout(survey) -> list[tuple[str | None, str]]:
    rows = survey.questions.order_by("position").select_related("section")
    return [(q.section.title if q.section else None, q.text) for q in rows]


@pytest.fixture
def sectioned(world, admin):
    """Two sections A (a1, a2) and B (b1, b2); positions number the whole questionnaire."""
    survey = make_survey(world.community, kinds=[])
    a = services.add_section(survey=survey, actor=admin, title="A")
    b = services.add_section(survey=survey, actor=admin, title="B")
    for section, text in [(a, "a1"), (a, "a2"), (b, "b1"), (b, "b2")]:
        services.add_question(
            survey=survey, actor=admin, kind="short_text", text=text, section=section
        )
    return survey


def test_the_move_buttons_swap_neighbours(world, client, sectioned):
    a2 = sectioned.questions.get(text="a2")
    response = client.post(
        reverse("surveys:question-move", args=[sectioned.pk, a2.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#q-{a2.pk}")
    assert _texts(sectioned) == ["a2", "a1", "b1", "b2"]
    assert list(sectioned.questions.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
    ]
    assert AuditEntry.objects.filter(action="survey.question.move").count() == 1


def test_moving_past_a_sections_edge_joins_the_next_section(world, client, sectioned):
    a2 = sectioned.questions.get(text="a2")
    client.post(reverse("surveys:question-move", args=[sectioned.pk, a2.pk]), {"direction": "down"})
    assert _layout(sectioned) == [("A", "a1"), ("B", "a2"), ("B", "b1"), ("B", "b2")]
    client.post(reverse("surveys:question-move", args=[sectioned.pk, a2.pk]), {"direction": "up"})
    assert _layout(sectioned) == [("A", "a1"), ("A", "a2"), ("B", "b1"), ("B", "b2")]


def test_the_first_question_cannot_move_up(world, client, sectioned):
    a1 = sectioned.questions.get(text="a1")
    response = client.post(
        reverse("surveys:question-move", args=[sectioned.pk, a1.pk]),
        {"direction": "up"},
        follow=True,
    )
    assert response.status_code == 200
    assert _texts(sectioned) == ["a1", "a2", "b1", "b2"]
    assert any("cannot move further" in str(m) for m in response.context["messages"])


def test_moving_a_section_moves_its_questions(world, client, sectioned):
    b = sectioned.sections.get(title="B")
    response = client.post(
        reverse("surveys:section-move", args=[sectioned.pk, b.pk]), {"direction": "up"}
    )
    assert response.status_code == 302
    assert _layout(sectioned) == [("B", "b1"), ("B", "b2"), ("A", "a1"), ("A", "a2")]
    assert list(sectioned.sections.order_by("position").values_list("title", flat=True)) == [
        "B",
        "A",
    ]


def test_a_full_order_keeps_each_sections_questions_together(world, admin, sectioned):
    ids = {q.text: q.pk for q in sectioned.questions.all()}
    services.reorder_questions(
        survey=sectioned, actor=admin, order=[ids["b2"], ids["a2"], ids["b1"], ids["a1"]]
    )
    assert _layout(sectioned) == [("A", "a2"), ("A", "a1"), ("B", "b2"), ("B", "b1")]


@pytest.mark.parametrize("bad", ["missing", "repeated", "foreign"])
def test_a_full_order_must_list_every_question_once(world, admin, sectioned, bad):
    ids = list(sectioned.questions.order_by("position").values_list("pk", flat=True))
    order = {
        "missing": ids[:-1],
        "repeated": [*ids, ids[0]],
        "foreign": [*ids[:-1], make_survey(world.community, kinds=["yes_no"]).questions.get().pk],
    }[bad]
    with pytest.raises(services.BuilderError) as exc:
        services.reorder_questions(survey=sectioned, actor=admin, order=order)
    assert "order" in exc.value.errors
    assert _texts(sectioned) == ["a1", "a2", "b1", "b2"]


def test_reordering_is_refused_once_responses_exist(world, client, sectioned):
    Response.objects.create(survey=sectioned, channel="paper")
    a2 = sectioned.questions.get(text="a2")
    response = client.post(
        reverse("surveys:question-move", args=[sectioned.pk, a2.pk]),
        {"direction": "up"},
        follow=True,
    )
    assert response.status_code == 200
    assert _texts(sectioned) == ["a1", "a2", "b1", "b2"]
    assert any("already has responses" in str(m) for m in response.context["messages"])

"""Duplicating a past survey: a new draft with everything copied and show-if links remapped."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Option, Question, Response, Survey
from gongzhi.surveys.tests.factories import english_client, make_survey


@pytest.fixture
def past(world):
    """A closed survey with two sections, a chain of show-if conditions and responses."""
    admin = world.users["community_admin"]
    survey = make_survey(
        world.community,
        kinds=[],
        title="文艺舞台意见征集",
        audience="buildings",
        anonymous=True,
        audience_min_age=60,
    )
    survey.audience_buildings.set([world.building])
    first = services.add_section(survey=survey, actor=admin, title="使用情况")
    second = services.add_section(survey=survey, actor=admin, title="建议")
    used = services.add_question(
        survey=survey,
        actor=admin,
        kind="single",
        text="去过吗？",
        options=["常去", "偶尔", "没去过"],
        section=first,
    )
    why = services.add_question(
        survey=survey,
        actor=admin,
        kind="multiple",
        text="为什么不去？",
        options=["太远", "太吵", "没时间"],
        max_choices=2,
        section=first,
        show_if_question=used,
        show_if_values=[str(used.options.get(label="没去过").pk)],
    )
    services.add_question(
        survey=survey,
        actor=admin,
        kind="long_text",
        text="其他建议",
        section=second,
        show_if_question=why,
        show_if_values=[str(why.options.get(label="太吵").pk)],
        required=False,
    )
    services.open_survey(survey=survey, actor=admin)
    Response.objects.create(survey=survey, channel="online")
    services.close_survey(survey=survey, actor=admin)
    return survey


def test_it_copies_a_survey_as_a_new_draft(world, past):
    client = english_client(world.users["community_worker"])
    response = client.post(reverse("surveys:duplicate", args=[past.pk]))
    assert response.status_code == 302
    copy = Survey.objects.exclude(pk=past.pk).get()
    assert response["Location"] == reverse("surveys:edit", args=[copy.pk])
    assert copy.status == Survey.Status.DRAFT
    assert copy.copied_from == past
    assert copy.community == past.community
    assert copy.created_by == world.users["community_worker"]
    assert (copy.anonymous, copy.audience, copy.audience_min_age) == (True, "buildings", 60)
    assert list(copy.audience_buildings.all()) == [world.building]
    assert copy.opens_at is None and copy.closes_at is None
    assert copy.results_published_at is None
    assert not copy.responses.exists()
    assert AuditEntry.objects.filter(action="survey.duplicate", target_id=str(copy.pk)).exists()


def test_the_copy_has_its_own_sections_questions_and_options(world, past):
    copy = services.duplicate_survey(survey=past, actor=world.users["community_admin"])
    old = list(past.questions.order_by("position"))
    new = list(copy.questions.order_by("position"))
    assert [(q.kind, q.text, q.position, q.required, q.max_choices) for q in new] == [
        (q.kind, q.text, q.position, q.required, q.max_choices) for q in old
    ]
    assert {q.pk for q in new}.isdisjoint({q.pk for q in old})
    assert [s.title for s in copy.sections.order_by("position")] == ["使用情况", "建议"]
    assert {q.section.survey_id for q in new} == {copy.pk}
    assert [o.label for o in new[1].options.order_by("position")] == ["太远", "太吵", "没时间"]
    assert Option.objects.filter(question__survey=copy).count() == 6


def test_the_copy_remaps_show_if_to_its_own_questions_and_options(world, past):
    copy = services.duplicate_survey(survey=past, actor=world.users["community_admin"])
    used, why, other = copy.questions.order_by("position")
    assert why.show_if_question == used
    assert why.show_if_values == [str(used.options.get(label="没去过").pk)]
    assert other.show_if_question == why
    assert other.show_if_values == [str(why.options.get(label="太吵").pk)]
    # The original is untouched.
    old_why = past.questions.get(text="为什么不去？")
    assert old_why.show_if_question.survey_id == past.pk
    assert Question.objects.filter(survey=past, show_if_question__survey=copy).count() == 0

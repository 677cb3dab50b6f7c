"""The builder's edit page: settings, status buttons, sections and questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Response
from gongzhi.surveys.tests.factories import english_client, make_survey

KINDS = ["single", "multiple", "yes_no", "rating", "number", "short_text", "long_text"]


@pytest.fixture
def admin(world):
    return world.users["community_admin"]


@pytest.fixture
def client(admin):
    return english_client(admin)


def test_it_shows_sections_questions_options_and_conditions(world, client, admin):
    survey = make_survey(world.community, kinds=["yes_no"], title="文艺舞台")
    section = services.add_section(survey=survey, actor=admin, title="意见")
    services.add_question(
        survey=survey,
        actor=admin,
        kind="single",
        text="最想要的活动？",
        options=["广场舞", "戏曲"],
        section=section,
        show_if_question=survey.questions.get(kind="yes_no"),
        show_if_values=["yes"],
    )
    response = client.get(reverse("surveys:edit", args=[survey.pk]))
    assert response.status_code == 200
    text = response.text
    for words in ["文艺舞台", "意见", "最想要的活动？", "广场舞", "戏曲", "Open for answers"]:
        assert words in text
    assert "Shown only when question 1 is answered: Yes" in text
    blocks = response.context["blocks"]
    assert [b["section"] for b in blocks] == [None, section]
    assert [len(b["questions"]) for b in blocks] == [1, 1]


def test_the_buttons_follow_the_status(world, client):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    Response.objects.create(survey=survey, channel="online")
    response = client.get(reverse("surveys:edit", args=[survey.pk]))
    assert response.status_code == 200
    assert response.context["can_close"] and not response.context["can_open"]
    assert response.context["structure_locked"]
    assert "already has responses" in response.text
    assert reverse("surveys:question-add", args=[survey.pk]) not in response.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(survey, admin, n: int) -> None:
    sections = [
        services.add_section(survey=survey, actor=admin, title=f"部分{i}") for i in range(2)
    ]
    first = survey.questions.order_by("position").first()
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        services.add_question(
            survey=survey,
            actor=admin,
            kind=kind,
            text=f"问题{i}",
            options=["甲", "乙", "丙"] if kind in ("single", "multiple") else (),
            section=sections[i % 2],
            show_if_question=first,
            show_if_values=[str(first.options.first().pk)],
        )


def test_the_edit_page_uses_the_same_number_of_queries_for_3_or_30_questions(world, client, admin):
    small = make_survey(world.community, kinds=["single"])
    _grow(small, admin, 2)
    big = make_survey(world.community, kinds=["single"])
    _grow(big, admin, 29)
    assert small.questions.count() == 3 and big.questions.count() == 30
    few = _queries(client, reverse("surveys:edit", args=[small.pk]))
    many = _queries(client, reverse("surveys:edit", args=[big.pk]))
    assert many == few


def test_the_preview_uses_the_same_number_of_queries_for_3_or_30_questions(world, client, admin):
    small = make_survey(world.community, kinds=["single"])
    _grow(small, admin, 2)
    big = make_survey(world.community, kinds=["single"])
    _grow(big, admin, 29)
    few = _queries(client, reverse("surveys:preview", args=[small.pk]))
    many = _queries(client, reverse("surveys:preview", args=[big.pk]))
    assert many == few

"""Sections: add, rename, delete (their questions join the section before)."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Response, Section
from gongzhi.surveys.tests.factories import english_client, make_survey


@pytest.fixture
def admin(world):
    return world.users["community_admin"]


@pytest.fixture
def client(admin):
    return english_client(admin)


def test_it_adds_sections_at_the_end(world, client):
    survey = make_survey(world.community, kinds=["yes_no"])
    for title in ["基本情况", "意见建议"]:
        response = client.post(reverse("surveys:section-add", args=[survey.pk]), {"title": title})
        assert response.status_code == 302
    assert list(survey.sections.values_list("title", "position")) == [
        ("基本情况", 0),
        ("意见建议", 1),
    ]
    assert AuditEntry.objects.filter(action="survey.section.add").count() == 2


def test_a_section_needs_a_title(world, client):
    survey = make_survey(world.community, kinds=["yes_no"])
    response = client.post(
        reverse("surveys:section-add", args=[survey.pk]), {"title": "  "}, follow=True
    )
    assert response.status_code == 200
    assert not survey.sections.exists()
    assert any("title" in str(m) for m in response.context["messages"])


def test_it_renames_a_section_even_after_responses(world, client, admin):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    section = services.add_section(survey=survey, actor=admin, title="旧名")
    Response.objects.create(survey=survey, channel="online")
    url = reverse("surveys:section-rename", args=[survey.pk, section.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "新名"})
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.title == "新名"
    entry = AuditEntry.objects.get(action="survey.section.rename")
    assert entry.data["old"] == "旧名"


def test_deleting_a_section_keeps_its_questions_in_order(world, client, admin):
    survey = make_survey(world.community, kinds=[])
    a = services.add_section(survey=survey, actor=admin, title="A")
    b = services.add_section(survey=survey, actor=admin, title="B")
    for section, text in [(a, "a1"), (b, "b1"), (b, "b2")]:
        services.add_question(
            survey=survey, actor=admin, kind="short_text", text=text, section=section
        )
    response = client.post(reverse("surveys:section-delete", args=[survey.pk, b.pk]))
    assert response.status_code == 302
    assert not Section.objects.filter(pk=b.pk).exists()
    rows = survey.questions.order_by("position").values_list("text", "section__title")
    assert list(rows) == [("a1", "A"), ("b1", "A"), ("b2", "A")]
    assert AuditEntry.objects.filter(action="survey.section.delete").exists()


def test_adding_a_section_is_refused_once_responses_exist(world, client):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    Response.objects.create(survey=survey, channel="online")
    response = client.post(
        reverse("surveys:section-add", args=[survey.pk]), {"title": "新部分"}, follow=True
    )
    assert response.status_code == 200
    assert not survey.sections.exists()
    assert any("already has responses" in str(m) for m in response.context["messages"])


def test_sections_of_another_survey_answer_404(world, client, admin):
    survey = make_survey(world.community, kinds=["yes_no"])
    other = make_survey(world.community, kinds=["yes_no"])
    section = services.add_section(survey=other, actor=admin, title="别人的")
    response = client.post(
        reverse("surveys:section-rename", args=[survey.pk, section.pk]), {"title": "x"}
    )
    assert response.status_code == 404
    section.refresh_from_db()
    assert section.title == "别人的"

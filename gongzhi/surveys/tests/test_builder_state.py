"""Opening and closing a survey: draft -> open -> closed, nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.models import Survey
from gongzhi.surveys.tests.factories import (
    QuestionFactory,
    SurveyFactory,
    english_client,
    make_survey,
)


@pytest.fixture
def admin_client(world):
    return english_client(world.users["community_admin"])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_it_opens_a_draft_with_questions(world, admin_client):
    survey = make_survey(world.community, kinds=["single", "rating"])
    response = admin_client.post(reverse("surveys:open", args=[survey.pk]), follow=True)
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    entry = AuditEntry.objects.get(action="survey.open")
    assert entry.target_id == str(survey.pk)
    assert entry.community_id == world.community.pk
    assert entry.actor == world.users["community_admin"]


def test_it_refuses_to_open_a_survey_without_questions(world, admin_client):
    survey = SurveyFactory(community=world.community)
    response = admin_client.post(reverse("surveys:open", args=[survey.pk]), follow=True)
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT
    assert any("at least one question" in m for m in _messages(response))
    assert not AuditEntry.objects.filter(action="survey.open").exists()


def test_it_refuses_to_open_a_choice_question_without_two_options(world):
    survey = SurveyFactory(community=world.community)
    QuestionFactory(survey=survey, kind="single", text="哪个？")
    with pytest.raises(services.BuilderError) as exc:
        services.open_survey(survey=survey, actor=world.users["community_admin"])
    assert "哪个？" in exc.value.message
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_it_closes_an_open_survey(world, admin_client):
    survey = make_survey(world.community, kinds=["yes_no"], status="open")
    response = admin_client.post(reverse("surveys:close", args=[survey.pk]))
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    assert AuditEntry.objects.filter(action="survey.close", target_id=str(survey.pk)).exists()


@pytest.mark.parametrize(
    ("status", "action", "words"),
    [
        ("draft", "close", "cannot be closed"),
        ("open", "open", "already open"),
        ("closed", "open", "cannot be opened again"),
        ("closed", "close", "already closed"),
    ],
)
def test_it_refuses_illegal_transitions_with_a_message(world, admin_client, status, action, words):
    survey = make_survey(world.community, kinds=["yes_no"], status=status)
    audit_before = AuditEntry.objects.count()
    response = admin_client.post(reverse(f"surveys:{action}", args=[survey.pk]), follow=True)
    assert response.status_code == 200
    survey.refresh_from_db()
    assert survey.status == status
    assert any(words in m for m in _messages(response))
    assert AuditEntry.objects.count() == audit_before


def test_opening_needs_a_closing_time_in_the_future(world):
    survey = make_survey(
        world.community, kinds=["yes_no"], closes_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(services.BuilderError):
        services.open_survey(survey=survey, actor=world.users["community_admin"])
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_only_a_draft_can_be_deleted(world, admin_client):
    opened = make_survey(world.community, kinds=["yes_no"], status="open")
    response = admin_client.post(reverse("surveys:delete", args=[opened.pk]), follow=True)
    assert response.status_code == 200
    assert Survey.objects.filter(pk=opened.pk).exists()
    assert any("Only a draft" in m for m in _messages(response))

    draft = make_survey(world.community, kinds=["yes_no"])
    response = admin_client.post(reverse("surveys:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:list", args=[world.community.pk])
    assert not Survey.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="survey.delete", target_id=str(draft.pk)).exists()


def test_the_delete_page_asks_first(world, admin_client):
    draft = make_survey(world.community, kinds=["yes_no"])
    response = admin_client.get(reverse("surveys:delete", args=[draft.pk]))
    assert response.status_code == 200
    assert Survey.objects.filter(pk=draft.pk).exists()

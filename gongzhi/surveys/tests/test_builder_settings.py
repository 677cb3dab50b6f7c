"""Changing a survey's settings; who is asked and how are fixed once it has been opened."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys import builder_services as services
from gongzhi.surveys.tests.factories import SurveyFactory, english_client


@pytest.fixture
def client(world):
    return english_client(world.users["community_admin"])


BASE = {"title": "标题", "unit": "household", "audience": "community"}


def test_it_changes_a_drafts_settings(world, client):
    survey = SurveyFactory(community=world.community, title="旧标题")
    url = reverse("surveys:settings", args=[survey.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            **BASE,
            "title": "新标题",
            "description": survey.description,
            "audience": "compounds",
            "audience_compounds": [world.other_compound.pk],
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.audience, survey.anonymous) == ("新标题", "compounds", True)
    assert list(survey.audience_compounds.all()) == [world.other_compound]
    entry = AuditEntry.objects.get(action="survey.update")
    assert set(entry.data["fields"]) == {"title", "audience", "anonymous", "audience_compounds"}


def test_an_open_surveys_audience_and_anonymity_are_fixed(world, client):
    survey = SurveyFactory(community=world.community, status="open", title="旧标题")
    url = reverse("surveys:settings", args=[survey.pk])
    page = client.get(url)
    assert page.context["form"].fields["anonymous"].disabled
    # The browser cannot change disabled fields; the title still changes.
    response = client.post(url, {**BASE, "title": "新标题", "anonymous": "on", "unit": "resident"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.anonymous, survey.unit) == ("新标题", False, "household")


def test_the_service_refuses_to_change_who_is_asked_once_open(world):
    survey = SurveyFactory(community=world.community, status="open")
    with pytest.raises(services.BuilderError) as exc:
        services.update_survey(
            survey=survey,
            actor=world.users["community_admin"],
            changes={"anonymous": True},
        )
    assert "anonymous" in exc.value.errors
    survey.refresh_from_db()
    assert survey.anonymous is False
    assert not AuditEntry.objects.exists()

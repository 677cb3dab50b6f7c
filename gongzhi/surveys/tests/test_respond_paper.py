"""Paper questionnaires typed in later by a worker (surveys:paper)."""

import pytest
from django.urls import reverse

from gongzhi.surveys.models import Participation, Response
from gongzhi.surveys.tests.respond_helpers import in_english, open_survey, valid_answers

pytestmark = pytest.mark.django_db


def url(survey, building=None):
    base = reverse("surveys:paper", args=[survey.pk])
    return f"{base}?building={building.pk}" if building else base


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["community_worker"])
    return in_english(client)


def test_the_worker_chooses_a_building_then_a_household(admin_client, world):
    survey = open_survey(world.community)

    response = admin_client.get(url(survey, world.building))

    assert response.status_code == 200
    values = [c["value"] for c in response.context["choices"]]
    assert values == [f"h{world.resident.household.pk}"]
    body = response.content.decode()
    assert "张*" in body and "张三" not in body


def test_a_paper_questionnaire_is_entered_for_a_household(admin_client, world):
    survey = open_survey(world.community)
    household = world.resident.household

    response = admin_client.post(
        url(survey, world.building),
        {"building": world.building.pk, "respondent": f"h{household.pk}", **valid_answers(survey)},
    )

    assert response.status_code == 302
    stored = Response.objects.get()
    assert (stored.channel, stored.household, stored.entered_by) == (
        "paper",
        household,
        world.users["community_worker"],
    )
    assert Participation.objects.get().channel == "paper"


def test_a_named_survey_needs_the_household(admin_client, world):
    survey = open_survey(world.community)

    response = admin_client.post(
        url(survey, world.building), {"building": world.building.pk, **valid_answers(survey)}
    )

    assert response.status_code == 200
    assert "Choose the household that answers." in response.content.decode()
    assert not Response.objects.exists()


def test_an_anonymous_paper_can_be_entered_without_a_household(admin_client, world):
    survey = open_survey(world.community, anonymous=True)

    response = admin_client.post(url(survey), valid_answers(survey))

    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.household is None and stored.channel == "paper"
    assert not Participation.objects.exists()


def test_a_household_of_another_building_cannot_be_slipped_in(admin_client, world):
    survey = open_survey(world.community)

    response = admin_client.post(
        url(survey, world.building),
        {
            "building": world.building.pk,
            "respondent": f"h{world.neighbour.household.pk}",
            **valid_answers(survey),
        },
    )

    assert response.status_code == 200
    assert not Response.objects.exists()


@pytest.mark.parametrize("user", ["grid_worker", "resident", "outsider", "far_admin"])
def test_only_community_staff_enter_paper(client, world, user):
    survey = open_survey(world.community)
    client.force_login(world.users[user])

    assert client.get(url(survey)).status_code == 404
    assert client.post(url(survey), valid_answers(survey)).status_code == 404
    assert not Response.objects.exists()


def test_a_bad_building_parameter_is_404_not_500(admin_client, world):
    survey = open_survey(world.community)

    assert admin_client.get(url(survey) + "?building=abc").status_code == 404
    assert admin_client.get(f"{url(survey)}?building={world.far_building.pk}").status_code == 404

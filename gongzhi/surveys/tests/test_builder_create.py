"""Creating a survey: wording, audience (places, age group), unit, anonymity, times."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import Survey
from gongzhi.surveys.tests.factories import english_client


@pytest.fixture
def client(world):
    return english_client(world.users["community_worker"])


def _post(client, world, **data):
    base = {"title": "文艺舞台使用意见", "unit": "household", "audience": "community"}
    return client.post(reverse("surveys:create", args=[world.community.pk]), {**base, **data})


def test_the_form_offers_only_this_communitys_places(world, client):
    response = client.get(reverse("surveys:create", args=[world.community.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["audience_compounds"].queryset) == {
        world.compound,
        world.other_compound,
    }
    assert set(form.fields["audience_buildings"].queryset) == {
        world.building,
        world.other_building,
    }


def test_it_creates_a_draft_for_chosen_buildings_aged_60_plus(world, client):
    response = _post(
        client,
        world,
        description="请各位居民提出意见",
        audience="buildings",
        audience_buildings=[world.building.pk],
        audience_min_age="60",
        unit="resident",
        anonymous="on",
        opens_at="2030-05-01T08:00",
        closes_at="2030-05-15T20:00",
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert response["Location"] == reverse("surveys:edit", args=[survey.pk])
    assert survey.community == world.community
    assert survey.status == Survey.Status.DRAFT
    assert (survey.audience, survey.audience_min_age, survey.unit, survey.anonymous) == (
        "buildings",
        60,
        "resident",
        True,
    )
    assert list(survey.audience_buildings.all()) == [world.building]
    assert not survey.audience_compounds.exists()
    assert survey.opens_at.isoformat().startswith("2030-05-01T00:00")  # 08:00 Shanghai, in UTC
    assert survey.created_by == world.users["community_worker"]
    entry = AuditEntry.objects.get(action="survey.create")
    assert entry.target_id == str(survey.pk)
    assert entry.community_id == world.community.pk


def test_places_not_used_by_the_audience_are_not_kept(world, client):
    response = _post(client, world, audience="community", audience_compounds=[world.compound.pk])
    assert response.status_code == 302
    assert not Survey.objects.get().audience_compounds.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"audience": "compounds"}, "audience_compounds"),
        ({"audience": "buildings"}, "audience_buildings"),
        ({"audience": "everyone"}, "audience"),
        (
            {"opens_at": "2030-05-02T08:00", "closes_at": "2030-05-01T08:00"},
            "closes_at",
        ),
        ({"opens_at": "not a date"}, "opens_at"),
        ({"audience_min_age": "33"}, "audience_min_age"),
    ],
)
def test_it_refuses_bad_settings_and_keeps_what_was_typed(world, client, data, field):
    response = _post(client, world, description="保留我", **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert form["description"].value() == "保留我"
    assert not Survey.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_building_of_another_community_is_refused(world, client):
    response = _post(
        client, world, audience="buildings", audience_buildings=[world.far_building.pk]
    )
    assert response.status_code == 200
    assert "audience_buildings" in response.context["form"].errors
    assert not Survey.objects.exists()

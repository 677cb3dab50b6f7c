"""Publishing results to residents: managers only, audited; residents see them only then."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import Survey
from gongzhi.surveys.results_services import ResultsError, publish_results, unpublish_results
from gongzhi.surveys.tests.test_results import results_survey

MANAGERS = ["community_admin", "community_worker"]
OTHERS = [
    "party_secretary",
    "subdistrict_official",
    "grid_worker",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]


@pytest.fixture
def survey(world):
    return results_survey(world)


def _post(client, user, survey, action="publish"):
    client.force_login(user)
    return client.post(reverse("surveys:publish", args=[survey.pk]), {"action": action})


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_publish_results(client, world, survey, role):
    response = _post(client, world.users[role], survey)

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:results", args=[survey.pk])
    survey.refresh_from_db()
    assert survey.results_published_at is not None
    entry = AuditEntry.objects.get(action="survey.results_published")
    assert entry.actor == world.users[role]
    assert entry.target_id == str(survey.pk)
    assert entry.data == {"responses": 4}


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_publish(client, world, survey, role):
    response = _post(client, world.users[role], survey)

    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.results_published_at is None
    assert not AuditEntry.objects.filter(action__startswith="survey.results").exists()


def test_publish_needs_post(client, world, survey):
    client.force_login(world.users["community_admin"])

    response = client.get(reverse("surveys:publish", args=[survey.pk]))

    assert response.status_code == 405
    survey.refresh_from_db()
    assert survey.results_published_at is None


def test_resident_sees_results_only_once_published(client, world, survey):
    url = reverse("surveys:results", args=[survey.pk])
    client.force_login(world.users["resident"])
    assert client.get(url).status_code == 404

    _post(client, world.users["community_admin"], survey)
    client.force_login(world.users["resident"])

    assert client.get(url).status_code == 200


def test_unpublish_hides_results_again(client, world, survey):
    publish_results(survey=survey, actor=world.users["community_admin"])

    response = _post(client, world.users["community_worker"], survey, action="unpublish")

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.results_published_at is None
    assert AuditEntry.objects.filter(action="survey.results_unpublished").count() == 1
    client.force_login(world.users["resident"])
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 404


def test_publishing_twice_keeps_the_first_date_and_one_audit_entry(world, survey):
    admin = world.users["community_admin"]
    publish_results(survey=survey, actor=admin)
    first = Survey.objects.get(pk=survey.pk).results_published_at

    publish_results(survey=survey, actor=admin)

    assert Survey.objects.get(pk=survey.pk).results_published_at == first
    assert AuditEntry.objects.filter(action="survey.results_published").count() == 1


def test_unpublishing_unpublished_results_changes_nothing(world, survey):
    unpublish_results(survey=survey, actor=world.users["community_admin"])

    assert not AuditEntry.objects.filter(action="survey.results_unpublished").exists()


def test_draft_survey_cannot_be_published(client, world, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    survey.refresh_from_db()

    with pytest.raises(ResultsError):
        publish_results(survey=survey, actor=world.users["community_admin"])
    response = _post(client, world.users["community_admin"], survey)

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.results_published_at is None
    assert not AuditEntry.objects.filter(action="survey.results_published").exists()


def test_page_offers_publish_then_unpublish(client, world, survey):
    admin = world.users["community_admin"]
    client.force_login(admin)
    url = reverse("surveys:results", args=[survey.pk])
    assert 'value="publish"' in client.get(url).content.decode()

    publish_results(survey=survey, actor=admin)

    body = client.get(url).content.decode()
    assert 'value="unpublish"' in body and 'value="publish"' not in body

"""The results API: the page's figures as JSON, with the same permissions."""

import pytest
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.surveys.models import Question, Survey
from gongzhi.surveys.tests.factories import make_survey
from gongzhi.surveys.tests.test_results import results_survey

K = Question.Kind
API = "/api/v1/surveys"


@pytest.fixture
def survey(world):
    return results_survey(world)


def _get(client, user, path, **params):
    client.force_login(user)
    return client.get(f"{API}{path}", params)


def test_results_json(client, world, survey):
    response = _get(client, world.users["community_worker"], f"/{survey.pk}/results")

    assert response.status_code == 200
    data = response.json()
    assert data["responses"] == 4
    by_kind = {q["kind"]: q for q in data["questions"]}
    assert [o["count"] for o in by_kind["single"]["options"]] == [2, 1, 0]
    assert [o["share"] for o in by_kind["multiple"]["options"]] == [0.5, 0.75, 0.5]
    assert by_kind["rating"]["average"] == 4.0
    assert (by_kind["number"]["minimum"], by_kind["number"]["maximum"]) == (0.0, 20.0)
    assert by_kind["long_text"]["terms"] == [
        {"term": "噪音", "answers": 2},
        {"term": "资金", "answers": 2},
    ]
    assert {c["channel"]: c["count"] for c in data["channels"]}["visit"] == 2


@pytest.mark.parametrize("role", ["resident", "owners_committee", "outsider", "far_admin"])
def test_results_json_is_404_for_others_while_unpublished(client, world, survey, role):
    response = _get(client, world.users[role], f"/{survey.pk}/results")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_resident_reads_published_results_but_not_details(client, world, survey):
    Survey.objects.filter(pk=survey.pk).update(results_published_at=timezone.now())
    resident = world.users["resident"]
    single = survey.questions.get(kind=K.SINGLE)
    multiple = survey.questions.get(kind=K.MULTIPLE)
    text = survey.questions.get(kind=K.LONG_TEXT)

    assert _get(client, resident, f"/{survey.pk}/results").status_code == 200
    breakdown = _get(client, resident, f"/{survey.pk}/results/breakdown", question=single.pk)
    crosstab = _get(client, resident, f"/{survey.pk}/results/crosstab", a=single.pk, b=multiple.pk)
    texts = _get(client, resident, f"/{survey.pk}/results/questions/{text.pk}/text-answers")

    assert (breakdown.status_code, crosstab.status_code, texts.status_code) == (404, 404, 404)


def test_breakdown_json(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)

    response = _get(
        client, world.users["grid_worker"], f"/{survey.pk}/results/breakdown", question=single.pk
    )

    assert response.status_code == 200
    views = {v["name"]: v for v in response.json()["views"]}
    ages = {row["label"]: row for row in views["age_group"]["rows"]}
    assert [c["count"] for c in ages["60 or over"]["cells"]] == [2, 0, 0]


def test_breakdown_of_a_text_question_is_404(client, world, survey):
    text = survey.questions.get(kind=K.LONG_TEXT)

    response = _get(
        client, world.users["community_admin"], f"/{survey.pk}/results/breakdown", question=text.pk
    )

    assert response.status_code == 404


def test_crosstab_json(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)
    multiple = survey.questions.get(kind=K.MULTIPLE)

    response = _get(
        client,
        world.users["community_admin"],
        f"/{survey.pk}/results/crosstab",
        a=single.pk,
        b=multiple.pk,
    )

    assert response.status_code == 200
    data = response.json()
    assert [[c["count"] for c in row["cells"]] for row in data["rows"]][:2] == [
        [1, 2, 0],
        [1, 1, 1],
    ]
    assert data["total"] == 6


def test_crosstab_of_one_question_with_itself_is_422(client, world, survey):
    single = survey.questions.get(kind=K.SINGLE)

    response = _get(
        client,
        world.users["community_admin"],
        f"/{survey.pk}/results/crosstab",
        a=single.pk,
        b=single.pk,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "same_question"


def test_crosstab_with_a_question_of_another_survey_is_404(client, world, survey):
    other = make_survey(world.community, kinds=[K.SINGLE])
    single = survey.questions.get(kind=K.SINGLE)

    response = _get(
        client,
        world.users["community_admin"],
        f"/{survey.pk}/results/crosstab",
        a=single.pk,
        b=other.questions.get().pk,
    )

    assert response.status_code == 404


def test_text_answers_json(client, world, survey):
    text = survey.questions.get(kind=K.LONG_TEXT)

    response = _get(
        client,
        world.users["community_admin"],
        f"/{survey.pk}/results/questions/{text.pk}/text-answers",
        limit=2,
    )

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert len(data["items"]) == 2


def test_publish_and_unpublish_through_the_api(client, world, survey):
    client.force_login(world.users["community_admin"])

    published = client.post(f"{API}/{survey.pk}/results/publish")
    survey.refresh_from_db()
    assert published.status_code == 200
    assert survey.results_published_at is not None

    unpublished = client.post(f"{API}/{survey.pk}/results/unpublish")
    survey.refresh_from_db()
    assert unpublished.status_code == 200
    assert survey.results_published_at is None
    assert AuditEntry.objects.filter(action__startswith="survey.results_").count() == 2


def test_grid_worker_cannot_publish_through_the_api(client, world, survey):
    client.force_login(world.users["grid_worker"])

    response = client.post(f"{API}/{survey.pk}/results/publish")

    assert response.status_code == 404
    survey.refresh_from_db()
    assert survey.results_published_at is None


def test_draft_survey_publish_is_409(client, world):
    survey = make_survey(world.community, kinds=[K.SINGLE])
    client.force_login(world.users["community_admin"])

    response = client.post(f"{API}/{survey.pk}/results/publish")

    assert response.status_code == 409
    assert response.json()["code"] == "draft"

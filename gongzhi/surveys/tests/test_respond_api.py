"""The respond API: answering online, visit lists, visits, drafts and coverage as JSON."""

import pytest
from django.utils import translation

from gongzhi.accounts.services import create_api_token
from gongzhi.surveys.models import Participation, Response, Survey, Visit, VisitDraft
from gongzhi.surveys.tests.respond_helpers import households_in, open_survey, valid_answers

pytestmark = pytest.mark.django_db
API = "/api/v1/surveys"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def answers_by_id(survey) -> dict:
    """Valid answers keyed by plain question ids, as a program would send them."""
    return {key[1:]: value for key, value in valid_answers(survey).items()}


def post(client, user, path, body, method="post"):
    client.force_login(user)
    send = getattr(client, method)
    return send(f"{API}{path}", body, content_type="application/json")


# ---------- answering online ----------


def test_a_resident_answers_through_the_api(client, world):
    survey = open_survey(world.community, kinds=["single", "yes_no", "number"])
    body = {"answers": answers_by_id(survey)}

    response = post(client, world.users["resident"], f"/{survey.pk}/responses", body)

    assert response.status_code == 201
    assert response.json() == {"survey_id": survey.pk, "channel": "online", "submitted": True}
    assert Response.objects.get().household == world.resident.household


def test_a_second_answer_is_a_409(client, world):
    survey = open_survey(world.community)
    path = f"/{survey.pk}/responses"
    post(client, world.users["resident"], path, {"answers": answers_by_id(survey)})

    response = post(client, world.users["resident"], path, {"answers": answers_by_id(survey)})

    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"
    assert Response.objects.count() == 1


def test_a_closed_survey_answers_409_with_a_clear_message(client, world):
    survey = open_survey(world.community, status=Survey.Status.CLOSED)

    response = post(
        client,
        world.users["resident"],
        f"/{survey.pk}/responses",
        {"answers": answers_by_id(survey)},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert "closed" in response.json()["message"]
    assert not Response.objects.exists()


def test_wrong_answers_are_a_422_with_errors_by_question(client, world):
    survey = open_survey(world.community, kinds=["rating"])
    rating = survey.questions.get()

    response = post(
        client, world.users["resident"], f"/{survey.pk}/responses", {"answers": {str(rating.pk): 7}}
    )

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [str(rating.pk)]
    assert not Participation.objects.exists()


@pytest.mark.parametrize("user", ["community_admin", "outsider", "far_admin"])
def test_only_residents_in_the_audience_answer(client, world, user):
    survey = open_survey(world.community)

    response = post(
        client, world.users[user], f"/{survey.pk}/responses", {"answers": answers_by_id(survey)}
    )

    assert response.status_code == 404
    assert not Response.objects.exists()


def test_a_program_answers_with_a_bearer_token(client, world):
    survey = open_survey(world.community)
    _row, token = create_api_token(user=world.users["resident"], name="app")

    response = client.post(
        f"{API}/{survey.pk}/responses",
        {"answers": answers_by_id(survey)},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 201
    assert Response.objects.count() == 1


# ---------- visit lists, visits, drafts ----------


def test_the_visit_list_has_the_worker_buildings_and_masked_rows(client, world):
    survey = open_survey(world.community)
    households_in(world.building, 2)
    client.force_login(world.users["grid_worker"])

    response = client.get(f"{API}/{survey.pk}/visits")

    assert response.status_code == 200
    data = response.json()
    assert [b["id"] for b in data["buildings"]] == [world.building.pk]
    assert data["count"] == 3 and len(data["items"]) == 3
    names = {row["head_name"] for row in data["items"]}
    assert "张*" in names and "张三" not in names
    other = client.get(f"{API}/{survey.pk}/visits", {"building_id": world.other_building.pk})
    assert other.status_code == 404


def test_a_visit_is_recorded_through_the_api(client, world):
    survey = open_survey(world.community)
    household = world.resident.household
    path = f"/{survey.pk}/visits"

    not_home = post(
        client,
        world.users["grid_worker"],
        path,
        {"household_id": household.pk, "outcome": "not_home"},
    )
    answered = post(
        client,
        world.users["grid_worker"],
        path,
        {"household_id": household.pk, "outcome": "answered", "answers": answers_by_id(survey)},
    )

    assert not_home.status_code == answered.status_code == 201
    assert answered.json()["outcome"] == "answered"
    assert list(Visit.objects.order_by("at").values_list("outcome", flat=True)) == [
        "not_home",
        "answered",
    ]
    assert Response.objects.get().entered_by == world.users["grid_worker"]


def test_another_grid_household_is_404(client, world):
    survey = open_survey(world.community)

    response = post(
        client,
        world.users["grid_worker"],
        f"/{survey.pk}/visits",
        {"household_id": world.neighbour.household.pk, "outcome": "declined"},
    )

    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_draft_is_saved_and_read_back(client, world):
    survey = open_survey(world.community, kinds=["short_text"])
    question = survey.questions.get()
    household = world.resident.household
    path = f"/{survey.pk}/visits/{household.pk}/draft"

    saved = post(
        client, world.users["grid_worker"], path, {"data": {f"q{question.pk}": ["一半"]}}, "put"
    )
    read = client.get(f"{API}{path}")

    assert saved.status_code == 200
    assert read.json()["data"] == {f"q{question.pk}": ["一半"]}
    assert VisitDraft.objects.get().worker == world.users["grid_worker"]


# ---------- coverage ----------


def test_coverage_as_json(client, world):
    survey = open_survey(world.community)
    post(
        client,
        world.users["grid_worker"],
        f"/{survey.pk}/visits",
        {"household_id": world.resident.household.pk, "outcome": "declined"},
    )
    client.force_login(world.users["community_admin"])

    response = client.get(f"{API}/{survey.pk}/coverage")

    assert response.status_code == 200
    total = response.json()["total"]
    assert (total["households"], total["reached"], total["declined"]) == (2, 1, 1)
    assert total["declined_share"] == 0.5
    assert {g["id"] for g in response.json()["grids"]} == {world.grid.pk, world.other_grid.pk}


@pytest.mark.parametrize("user", ["resident", "outsider", "far_admin"])
def test_coverage_json_is_404_for_others(client, world, user):
    survey = open_survey(world.community)
    client.force_login(world.users[user])

    response = client.get(f"{API}/{survey.pk}/coverage")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

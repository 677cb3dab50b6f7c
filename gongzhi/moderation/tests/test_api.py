"""/api/v1/moderation: the same actions and permissions as the pages."""

import pytest
from django.test import Client

from gongzhi.core.models import AuditEntry
from gongzhi.moderation import services
from gongzhi.moderation.models import BlockedWord, ModerationSettings, ModerationStatus, Report

from .helpers import held_case, removed_case

API = "/api/v1/moderation"
ROLES = [
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]
MODERATORS = {"community_admin", "community_worker"}


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client, path, data):
    return client.post(path, data, content_type="application/json")


# --- Reports -------------------------------------------------------------------------------


def test_a_report_answers_201_and_the_items_status(world, make_post, reporters):
    post = make_post(author=world.users["community_worker"])
    body = {"item": "moderation.samplepost", "object_id": post.pk, "reason": "spam"}
    statuses = []
    for user in reporters[:3]:
        response = post_json(as_user(user), f"{API}/reports", body)
        assert response.status_code == 201
        statuses.append(response.json()["item_status"])
    assert statuses == ["published", "published", ModerationStatus.HIDDEN]


def test_a_second_report_answers_409(world, make_post, reporters):
    post = make_post(author=world.users["community_worker"])
    body = {"item": "moderation.samplepost", "object_id": post.pk, "reason": "spam"}
    client = as_user(reporters[0])
    post_json(client, f"{API}/reports", body)
    response = post_json(client, f"{API}/reports", body)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Report.objects.count() == 1


def test_other_without_details_answers_422(world, make_post, reporters):
    post = make_post(author=world.users["community_worker"])
    body = {"item": "moderation.samplepost", "object_id": post.pk, "reason": "other"}
    response = post_json(as_user(reporters[0]), f"{API}/reports", body)
    assert response.status_code == 422
    assert "text" in response.json()["errors"]


@pytest.mark.parametrize("role", ["grid_worker", "outsider", "far_admin", "property_manager"])
def test_reporting_what_you_cannot_see_is_404(world, make_post, role):
    post = make_post(author=world.users["community_worker"])
    body = {"item": "moderation.samplepost", "object_id": post.pk, "reason": "spam"}
    assert post_json(as_user(world.users[role]), f"{API}/reports", body).status_code == 404
    assert Report.objects.count() == 0


def test_reports_need_a_login():
    response = post_json(
        Client(), f"{API}/reports", {"item": "x", "object_id": 1, "reason": "spam"}
    )
    assert response.status_code == 401


# --- Queue, case, decide -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_queue_matrix(world, make_post, role):
    case = held_case(world, make_post)
    response = as_user(world.users[role]).get(f"{API}/queue", {"community_id": world.community.pk})
    if role in MODERATORS:
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == 1
        assert data["items"][0]["id"] == case.pk
        assert data["items"][0]["reasons"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_decide_matrix(world, make_post, role):
    case = held_case(world, make_post)
    client = as_user(world.users[role])
    response = post_json(
        client, f"{API}/cases/{case.pk}/decide", {"outcome": "restored", "reason": "误判"}
    )
    case.refresh_from_db()
    if role in MODERATORS:
        assert response.status_code == 200
        assert response.json()["outcome"] == "restored"
        assert case.content_object.moderation_status == ModerationStatus.PUBLISHED
    else:
        assert response.status_code == 404
        assert case.state == "open"
        assert not AuditEntry.objects.filter(action="moderation.restored").exists()


def test_the_case_shows_reports_without_reporters(world, make_post, reporters):
    post = make_post(author=world.users["community_worker"])
    for user in reporters[:3]:
        services.report_item(obj=post, reporter=user, reason="abuse", text="骂人")
    client = as_user(world.users["community_admin"])
    case_id = client.get(f"{API}/queue", {"community_id": world.community.pk}).json()["items"][0][
        "id"
    ]
    data = client.get(f"{API}/cases/{case_id}").json()
    assert [r["reason"] for r in data["reports"]] == ["abuse"] * 3
    assert data["pending_reports"] == 3
    assert "reporter" not in data["reports"][0]
    assert [e["action"] for e in data["events"]] == ["hidden"]


def test_deciding_twice_answers_409(world, make_post):
    case = held_case(world, make_post)
    client = as_user(world.users["community_admin"])
    body = {"outcome": "removed", "reason": "广告"}
    assert post_json(client, f"{API}/cases/{case.pk}/decide", body).status_code == 200
    assert post_json(client, f"{API}/cases/{case.pk}/decide", body).status_code == 409


def test_a_blank_reason_answers_422_and_changes_nothing(world, make_post):
    case = held_case(world, make_post)
    client = as_user(world.users["community_admin"])
    response = post_json(
        client, f"{API}/cases/{case.pk}/decide", {"outcome": "removed", "reason": "   "}
    )
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.state == "open"


# --- Appeals -------------------------------------------------------------------------------


def test_the_author_appeals_once(world, make_post):
    case = removed_case(world, make_post)
    client = as_user(world.users["resident"])
    assert client.get(f"{API}/cases/{case.pk}/decision").json()["can_appeal"] is True
    response = post_json(client, f"{API}/cases/{case.pk}/appeal", {"text": "请再看看"})
    assert response.status_code == 200
    assert response.json()["appealed"] is True
    assert post_json(client, f"{API}/cases/{case.pk}/appeal", {"text": "再来"}).status_code == 409


@pytest.mark.parametrize("role", ["community_admin", "party_secretary", "outsider"])
def test_others_cannot_appeal(world, make_post, role):
    case = removed_case(world, make_post)
    response = post_json(as_user(world.users[role]), f"{API}/cases/{case.pk}/appeal", {"text": "x"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.appealed is False


# --- Review words and settings -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_review_words_matrix(world, role):
    client = as_user(world.users[role])
    path = f"{API}/communities/{world.community.pk}/blocked-words"
    response = post_json(client, path, {"word": "代开发票"})
    if role == "community_admin":
        assert response.status_code == 201
        word_id = response.json()["id"]
        assert [w["word"] for w in client.get(path).json()] == ["代开发票"]
        assert client.delete(f"{path}/{word_id}").status_code == 204
        assert not BlockedWord.objects.exists()
    else:
        assert response.status_code == 404
        assert not BlockedWord.objects.exists()


def test_settings_patch(world):
    client = as_user(world.users["community_admin"])
    path = f"{API}/communities/{world.community.pk}/settings"
    assert client.get(path).json()["report_threshold"] == 3
    response = client.patch(path, {"report_threshold": 4}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["report_threshold"] == 4
    assert ModerationSettings.objects.get(community=world.community).report_threshold == 4
    response = client.patch(path, {"report_threshold": 0}, content_type="application/json")
    assert response.status_code == 422


def test_settings_are_404_for_workers(world):
    client = as_user(world.users["community_worker"])
    path = f"{API}/communities/{world.community.pk}/settings"
    assert client.get(path).status_code == 404
    response = client.patch(path, {"report_threshold": 9}, content_type="application/json")
    assert response.status_code == 404
    assert not ModerationSettings.objects.exists()

"""API tokens for programs: bearer authentication, creation (session only), revocation."""

import pytest
from django.test import Client

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.accounts.services import create_api_token, revoke_api_token
from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f

API = "/api/v1/accounts"


@pytest.fixture
def user(db):
    return f.UserFactory(name="程序员")


@pytest.fixture
def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(raw: str) -> dict:
    return {"authorization": f"Bearer {raw}"}


def test_a_bearer_token_authenticates(user):
    token, raw = create_api_token(user=user, name="script")

    response = Client().get(f"{API}/me", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer gz_not-a-real-token", "Bearer ", "Token {raw}", "Bearer {raw}x", "Basic {raw}"],
)
def test_a_wrong_token_gets_401_json(user, header):
    _token, raw = create_api_token(user=user, name="script")

    response = Client().get(f"{API}/me", headers={"authorization": header.format(raw=raw)})

    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "Please log in.", "errors": {}}


def test_a_revoked_token_gets_401_json(user):
    token, raw = create_api_token(user=user, name="script")
    revoke_api_token(token=token, actor=user)

    response = Client().get(f"{API}/me", headers=bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_the_token_of_a_deactivated_user_gets_401(user):
    _token, raw = create_api_token(user=user, name="script")
    user.is_active = False
    user.save()

    response = Client().get(f"{API}/me", headers=bearer(raw))

    assert response.status_code == 401


def test_creating_a_token_returns_the_raw_value_once_and_audits(user, session):
    response = session.post(f"{API}/tokens", {"name": "  nightly export  "}, "application/json")

    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(user=user)
    assert body["id"] == token.pk
    assert body["name"] == "nightly export"
    assert body["token"].startswith("gz_")
    assert token.token_hash == hash_token(body["token"])
    assert body["prefix"] == token.prefix == body["token"][3:11]
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == user
    assert entry.target_id == str(token.pk)
    assert Client().get(f"{API}/me", headers=bearer(body["token"])).status_code == 200


def test_the_list_never_shows_raw_tokens_or_other_users_tokens(user, session):
    mine, raw = create_api_token(user=user, name="mine")
    create_api_token(user=f.UserFactory(), name="theirs")

    response = session.get(f"{API}/tokens")

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [mine.pk]
    assert raw not in response.content.decode()
    assert mine.token_hash not in response.content.decode()
    assert "token" not in body[0]


def test_a_token_cannot_create_another_token(user):
    _token, raw = create_api_token(user=user, name="script")
    audits = AuditEntry.objects.count()

    response = Client().post(
        f"{API}/tokens", {"name": "child"}, "application/json", headers=bearer(raw)
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert ApiToken.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.count() == audits


def test_creating_a_token_with_a_blank_name_gets_422_with_field_errors(user, session):
    response = session.post(f"{API}/tokens", {"name": "   "}, "application/json")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert list(body["errors"]) == ["name"]
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.exists()


def test_creating_a_token_by_session_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(f"{API}/tokens", {"name": "x"}, "application/json")

    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_and_audits(user, session):
    token, raw = create_api_token(user=user, name="script")

    response = session.post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert response.json()["revoked_at"] is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.actor == user
    assert entry.target_id == str(token.pk)
    assert Client().get(f"{API}/me", headers=bearer(raw)).status_code == 401


def test_revoking_twice_changes_nothing_the_second_time(user, session):
    token, _raw = create_api_token(user=user, name="script")
    session.post(f"{API}/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    first = token.revoked_at

    response = session.post(f"{API}/tokens/{token.pk}/revoke")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_revoking_another_user_s_token_answers_404_and_changes_nothing(session):
    theirs, raw = create_api_token(user=f.UserFactory(), name="theirs")

    response = session.post(f"{API}/tokens/{theirs.pk}/revoke")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()
    assert Client().get(f"{API}/me", headers=bearer(raw)).status_code == 200


def test_a_token_authenticated_post_works_without_csrf(user):
    """Programs send no CSRF cookie: a valid bearer token is enough for a write."""
    token, raw = create_api_token(user=user, name="script")
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{API}/tokens/{token.pk}/revoke", headers=bearer(raw))

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None

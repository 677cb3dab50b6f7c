"""The API token page: create a token (raw value shown once), list and revoke tokens."""

import pytest
from django.urls import reverse

from gongzhi.accounts.models import ApiToken, hash_token
from gongzhi.core.models import AuditEntry
from gongzhi.core.testing.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


def test_token_page_requires_login(client, db):
    response = client.get(reverse("accounts:api-tokens"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_creating_a_token_shows_the_raw_value_once(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:api-tokens"), {"name": "roster sync"})

    assert response.status_code == 200
    raw = response.context["new_raw"]
    assert raw.startswith("gz_")
    assert (
        f'readonly autocomplete="off" spellcheck="false">{raw}</textarea>'
        in response.content.decode()
    )
    token = ApiToken.objects.get(user=user)
    assert token.name == "roster sync"
    assert token.token_hash == hash_token(raw)
    assert (
        AuditEntry.objects.filter(action="api_token.create", target_id=str(token.pk)).count() == 1
    )

    again = client.get(reverse("accounts:api-tokens"))
    assert again.status_code == 200
    assert raw not in again.content.decode()
    assert "roster sync" in again.content.decode()
    assert f"gz_{token.prefix}" in again.content.decode()


def test_a_token_needs_a_name(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:api-tokens"), {"name": ""})

    assert response.status_code == 200
    assert response.context["new_raw"] is None
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_marks_it_revoked(client, user):
    client.force_login(user)
    client.post(reverse("accounts:api-tokens"), {"name": "old script"})
    token = ApiToken.objects.get(user=user)

    response = client.post(reverse("accounts:revoke-token", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:api-tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        AuditEntry.objects.filter(action="api_token.revoke", target_id=str(token.pk)).count() == 1
    )
    page = client.get(reverse("accounts:api-tokens")).content.decode()
    assert reverse("accounts:revoke-token", args=[token.pk]) not in page


def test_each_active_token_has_a_revoke_form(client, user):
    client.force_login(user)
    client.post(reverse("accounts:api-tokens"), {"name": "one"})
    token = ApiToken.objects.get(user=user)

    page = client.get(reverse("accounts:api-tokens")).content.decode()

    assert (
        f'<form method="post" action="{reverse("accounts:revoke-token", args=[token.pk])}">' in page
    )


def test_revoke_needs_a_post(client, user):
    client.force_login(user)
    client.post(reverse("accounts:api-tokens"), {"name": "one"})
    token = ApiToken.objects.get(user=user)

    response = client.get(reverse("accounts:revoke-token", args=[token.pk]))

    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_can_revoke_someone_elses_token(client, user):
    owner = UserFactory()
    client.force_login(owner)
    client.post(reverse("accounts:api-tokens"), {"name": "theirs"})
    token = ApiToken.objects.get(user=owner)
    client.force_login(user)

    response = client.post(reverse("accounts:revoke-token", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()

"""Logging in by mobile number, lockout after repeated wrong passwords, changing the password."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing.factories import UserFactory

PASSWORD = "correct-horse-9"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def log_in(client, phone, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": phone, "password": password}, **extra
    )


@pytest.fixture
def user(db):
    return UserFactory()


def test_login_page_asks_for_mobile_number_and_password(client, db):
    response = client.get(reverse("accounts:login"), **EN)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<label for="id_username">Mobile number' in content
    assert '<label for="id_password">Password' in content
    assert 'inputmode="numeric"' in content


def test_it_logs_in_by_phone(client, user):
    response = log_in(client, user.phone, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_it_follows_a_safe_next_url(client, user):
    response = client.post(
        reverse("accounts:login"),
        {"username": user.phone, "password": PASSWORD, "next": "/accounts/password/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_wrong_password_shows_a_clear_message(client, user):
    response = log_in(client, user.phone, "wrong-password", **EN)

    assert response.status_code == 200
    assert "Wrong mobile number or password." in response.content.decode()
    assert SESSION_KEY not in client.session
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert user.locked_until is None


def test_unknown_number_gets_the_same_message(client, db):
    response = log_in(client, "13999999999", PASSWORD, **EN)

    assert response.status_code == 200
    assert "Wrong mobile number or password." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_it_locks_the_account_after_too_many_wrong_passwords(client, user, settings):
    settings.LOCKOUT_FAILURES = 3
    for _ in range(3):
        log_in(client, user.phone, "wrong-password")

    response = log_in(client, user.phone, PASSWORD, **EN)

    assert response.status_code == 200
    assert "Too many wrong passwords. Try again after" in response.content.decode()
    assert SESSION_KEY not in client.session
    user.refresh_from_db()
    assert user.locked_until is not None
    assert user.locked_until > timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES - 1)


def test_fewer_wrong_passwords_than_the_limit_do_not_lock(client, user, settings):
    settings.LOCKOUT_FAILURES = 3
    for _ in range(2):
        log_in(client, user.phone, "wrong-password")

    response = log_in(client, user.phone, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_account_opens_again_after_the_lock_expires(client, user):
    user.locked_until = timezone.now() - timedelta(minutes=1)
    user.save(update_fields=["locked_until"])

    response = log_in(client, user.phone, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_user_with_no_roles_logs_in_fine(client, world):
    outsider = world.users["outsider"]

    response = log_in(client, outsider.phone, PASSWORD)

    assert response.status_code == 302
    home = client.get(response["Location"], **EN)
    assert home.status_code == 200
    assert "Your account has no role yet." in home.content.decode()


def test_logout_needs_a_post_and_ends_the_session(client, user):
    client.force_login(user)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


# ---- password change ----


def test_password_change_requires_login(client, db):
    response = client.get(reverse("accounts:password-change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change_works_and_is_audited(client, user):
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "blue-river-stone-7",
            "new_password2": "blue-river-stone-7",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.check_password("blue-river-stone-7")
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.actor == user
    assert entry.target_id == str(user.pk)
    # The session survives the change.
    assert client.session[SESSION_KEY] == str(user.pk)


def test_password_change_with_wrong_old_password_changes_nothing(client, user):
    client.force_login(user)

    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "not-my-password",
            "new_password1": "blue-river-stone-7",
            "new_password2": "blue-river-stone-7",
        },
        **EN,
    )

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()

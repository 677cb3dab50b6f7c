"""Log in by phone number and password, locking the account after repeated failures."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import F
from django.utils import timezone

from .models import User


class AccountLocked(Exception):
    """The account is locked after too many wrong passwords."""

    def __init__(self, until):
        super().__init__("locked")
        self.until = until


class PhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, phone=None, **kwargs):
        phone = (phone or username or "").strip()
        if not phone or password is None:
            return None
        user = User.objects.filter(phone=phone).first()
        if user is None:
            # Spend the same time as a real check so timing does not reveal which numbers exist.
            User().set_password(password)
            return None
        if user.is_locked():
            raise AccountLocked(user.locked_until)
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        register_failure(user)
        return None


def register_failure(user: User) -> None:
    """Count a wrong password; lock the account when the count reaches the limit."""
    User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.LOCKOUT_FAILURES:
        until = timezone.now() + timedelta(minutes=settings.LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_logins=0)

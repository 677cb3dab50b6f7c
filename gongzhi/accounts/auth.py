"""API authentication: a session (with CSRF) for the browser, a bearer token for programs."""

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


# The token goes first: SessionAuth would refuse a token-only POST for lacking a CSRF token
# before TokenAuth had a turn. A request without an Authorization header still falls through
# to the session, with its CSRF check.
api_auth = [TokenAuth(), SessionAuth()]

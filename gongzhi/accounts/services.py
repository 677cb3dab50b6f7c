"""Account writes: each one atomic and audited."""

from django.db import transaction
from django.utils import timezone

from gongzhi.core.audit import record

from .models import ApiToken, hash_token


def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token for user; return it with the raw value, shown once."""
    raw = ApiToken.new_raw_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[3:11], token_hash=hash_token(raw)
        )
        record(actor=user, action="api_token.create", target=token)
    return token, raw


def revoke_api_token(*, token: ApiToken, actor) -> None:
    """Revoke a token so it no longer authenticates."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(actor=actor, action="api_token.revoke", target=token)

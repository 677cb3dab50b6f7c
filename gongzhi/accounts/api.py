"""Account endpoints under /api/v1/accounts/: who you are, and your API tokens."""

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import StringConstraints

from gongzhi.accounts.auth import api_auth
from gongzhi.accounts.scope import scope_of
from gongzhi.core.api_errors import ErrorOut

from . import services
from .models import ApiToken

router = Router(auth=api_auth, tags=["accounts"])

# Kept as a name for routers that spell out their auth; api_auth already tries the token first.
TOKEN_OR_SESSION = api_auth


class RoleOut(Schema):
    role: str
    place_ids: list[int]


class MeOut(Schema):
    id: int
    phone: str
    name: str
    roles: list[RoleOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after 'gz_', to recognise a token.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenIn(Schema):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class NewTokenOut(TokenOut):
    token: str = Field(description="The raw token. It is shown once and never stored.")


@router.get("/me", response=MeOut)
def me(request):
    """Return the logged-in user and the places they hold roles in."""
    user = request.auth
    scope = scope_of(user)
    roles = [RoleOut(role=r, place_ids=sorted(ids)) for r, ids in scope.places.items()]
    return MeOut(id=user.pk, phone=user.phone, name=user.name, roles=roles)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request):
    """List your API tokens, newest first, revoked ones included."""
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-id")


@router.post(
    "/tokens", auth=SessionAuth(), response={201: NewTokenOut, 401: ErrorOut, 422: ErrorOut}
)
def create_token(request, payload: NewTokenIn):
    """Create a token for a program; needs a logged-in browser session, not a token.

    A token cannot mint further tokens, so a leaked token cannot outlive its revocation.
    """
    token, raw = services.create_api_token(user=request.auth, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.post(
    "/tokens/{token_id}/revoke", auth=TOKEN_OR_SESSION, response={200: TokenOut, 404: ErrorOut}
)
def revoke_token(request, token_id: int):
    """Revoke one of your tokens; revoking it again changes nothing."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    if token.revoked_at is None:
        services.revoke_api_token(token=token, actor=request.auth)
        token.refresh_from_db()
    return token

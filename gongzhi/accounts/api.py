"""Account endpoints under /api/v1/accounts/."""

from ninja import Router, Schema

from gongzhi.accounts.auth import api_auth
from gongzhi.accounts.scope import scope_of

router = Router(auth=api_auth, tags=["accounts"])


class RoleOut(Schema):
    role: str
    place_ids: list[int]


class MeOut(Schema):
    id: int
    phone: str
    name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut)
def me(request):
    """Return the logged-in user and the places they hold roles in."""
    user = request.auth
    scope = scope_of(user)
    roles = [RoleOut(role=r, place_ids=sorted(ids)) for r, ids in scope.places.items()]
    return MeOut(id=user.pk, phone=user.phone, name=user.name, roles=roles)

"""What places a user holds roles in: loaded once per request, used by every permissions module."""

from dataclasses import dataclass, field

from .models import ROLE_SCOPE, Role, RoleAssignment

STAFF_COMMUNITY_ROLES = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER, Role.PARTY_SECRETARY)
COMPOUND_ROLES = (Role.OWNERS_COMMITTEE, Role.PROPERTY_MANAGER)


@dataclass(frozen=True)
class Scope:
    """The ids of the places a user holds each role in."""

    is_superuser: bool = False
    places: dict[str, frozenset[int]] = field(default_factory=dict)

    def ids(self, *roles: str) -> frozenset[int]:
        """Place ids over the given roles (all of one scope kind: communities, grids…)."""
        out: set[int] = set()
        for role in roles:
            out |= self.places.get(role, frozenset())
        return frozenset(out)

    def has(self, *roles: str) -> bool:
        return any(self.places.get(role) for role in roles)

    @property
    def roles(self) -> list[str]:
        return [role for role, ids in self.places.items() if ids]

    @property
    def is_staff_anywhere(self) -> bool:
        """Holds any role other than resident."""
        return self.is_superuser or any(r != Role.RESIDENT for r in self.roles)


EMPTY = Scope()


def scope_of(user) -> Scope:
    """Return the user's scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return EMPTY
    cached = getattr(user, "_gongzhi_scope", None)
    if cached is not None:
        return cached
    places: dict[str, set[int]] = {}
    rows = RoleAssignment.objects.filter(user=user).values_list(
        "role", "subdistrict_id", "community_id", "grid_id", "compound_id"
    )
    for role, subdistrict_id, community_id, grid_id, compound_id in rows:
        kind = ROLE_SCOPE[Role(role)]
        place_id = {
            "subdistrict": subdistrict_id,
            "community": community_id,
            "grid": grid_id,
            "compound": compound_id,
        }[kind]
        if place_id is not None:
            places.setdefault(role, set()).add(place_id)
    scope = Scope(
        is_superuser=user.is_superuser,
        places={role: frozenset(ids) for role, ids in places.items()},
    )
    user._gongzhi_scope = scope
    return scope

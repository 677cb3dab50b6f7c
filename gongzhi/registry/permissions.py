"""Who may do what in the registry: one predicate per action, agreeing with visible_to()."""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import COMPOUND_ROLES, STAFF_COMMUNITY_ROLES, scope_of

from .models import Building, Community, Resident

EDITOR_ROLES = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def can_view_community(user, community: Community) -> bool:
    """Open the community overview (aggregates only)."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL)
        or community.pk in scope.ids(*STAFF_COMMUNITY_ROLES)
        or community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists()
    )


def can_view_building(user, building: Building) -> bool:
    """Drill into a building: its dwellings, households and (masked) residents."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or building.community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL)
        or building.community_id in scope.ids(*STAFF_COMMUNITY_ROLES)
        or building.grid_id in scope.ids(Role.GRID_WORKER)
        or building.compound_id in scope.ids(*COMPOUND_ROLES)
    )


def _building_of(resident: Resident) -> Building | None:
    household = resident.household
    if household is None or household.dwelling is None:
        return None
    return household.dwelling.building


def can_view_resident(user, resident: Resident) -> bool:
    """See a resident's record, masked."""
    if user.is_authenticated and resident.user_id == user.pk:
        return True
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if resident.community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL):
        return True
    if resident.community_id in scope.ids(*STAFF_COMMUNITY_ROLES):
        return True
    building = _building_of(resident)
    if building is None:
        return False
    return building.grid_id in scope.ids(Role.GRID_WORKER) or building.compound_id in scope.ids(
        *COMPOUND_ROLES
    )


def can_edit_resident(user, resident: Resident) -> bool:
    """Edit a record or move a resident: community admin and workers, the grid worker."""
    scope = scope_of(user)
    if scope.is_superuser or resident.community_id in scope.ids(*EDITOR_ROLES):
        return True
    building = _building_of(resident)
    return building is not None and building.grid_id in scope.ids(Role.GRID_WORKER)


def can_add_resident(user, community: Community) -> bool:
    """Register a new resident in the community."""
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(*EDITOR_ROLES)


def can_unmask_resident(user, resident: Resident) -> bool:
    """Show a resident's full name and phone (audited): those who must contact them."""
    return can_edit_resident(user, resident)


def can_see_party_membership(user, resident: Resident) -> bool:
    """Party membership is sensitive (DOMAIN.md §5): admin, party secretary, the person."""
    if user.is_authenticated and resident.user_id == user.pk:
        return True
    scope = scope_of(user)
    return scope.is_superuser or resident.community_id in scope.ids(
        Role.COMMUNITY_ADMIN, Role.PARTY_SECRETARY
    )


def can_import_roster(user, community: Community) -> bool:
    """Import or export the community's roster from Excel."""
    return can_add_resident(user, community)


def can_view_audit(user, community: Community) -> bool:
    """Read the community's audit log."""
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(Role.COMMUNITY_ADMIN)


def can_view_compound(user, compound) -> bool:
    """Open a compound's page: those who see its community, and its own compound roles."""
    scope = scope_of(user)
    return compound.pk in scope.ids(*COMPOUND_ROLES) or can_view_community(user, compound.community)


def can_handle_corrections(user, community: Community) -> bool:
    """Answer residents' correction requests."""
    return can_add_resident(user, community)

"""Who may see matters (whoever sees the community's 共谋 board) and who adds to their timeline."""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.needs.permissions import can_view_board

# The community's staff who triage needs and run its surveys and cases.
LINKERS = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def can_view_matters(user, community) -> bool:
    """List the community's matters."""
    return can_view_board(user, community)


def can_view_matter(user, matter) -> bool:
    """Open a matter's page and its timeline."""
    return can_view_board(user, matter.community)


def can_link_to_matter(user, matter) -> bool:
    """Add a survey's published results or a case to the timeline: the community's admins
    and workers."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return scope.is_superuser or matter.community_id in scope.ids(*LINKERS)


def can_open_linked_cases(user, community) -> bool:
    """Follow every case link of a timeline: those who see all the community's cases (its
    staff and its subdistrict's officials, as cases.permissions.works_on_case). Cases stay
    private, so others follow only the links to cases they reported (selectors.timeline)."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    if scope.is_superuser or community.pk in scope.ids(*STAFF_COMMUNITY_ROLES):
        return True
    return community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL)

"""Who may do what on the 共谋 board: one predicate per action, agreeing with visible_to().

Viewing follows the community: its residents, its staff, officials of its subdistrict, its
grid workers and the owners' committees and property managers of its compounds. Acting
needs more: supporting needs the resident's own record, triage needs a community admin or
worker, and raising a need for someone else (代办) needs the right to edit their record.
"""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import COMPOUND_ROLES, STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.moderation.models import ModerationStatus
from gongzhi.registry.models import Community
from gongzhi.registry.permissions import can_edit_resident

from .querysets import resident_of
from .transitions import OPEN_STATUSES

TRIAGE_ROLES = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def can_view_board(user, community: Community) -> bool:
    """Open the community's 共谋 board and its matters."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if community.pk in scope.ids(Role.RESIDENT, *STAFF_COMMUNITY_ROLES):
        return True
    if community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL):
        return True
    if (
        scope.has(Role.GRID_WORKER)
        and community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists()
    ):
        return True
    if (
        scope.has(*COMPOUND_ROLES)
        and community.compounds.filter(id__in=scope.ids(*COMPOUND_ROLES)).exists()
    ):
        return True
    resident = resident_of(user)
    return resident is not None and resident.community_id == community.pk


def is_own_need(user, need) -> bool:
    """The user wrote the need, or it was raised on their behalf."""
    if user is None or not user.is_authenticated:
        return False
    if need.author_id == user.pk:
        return True
    resident = resident_of(user)
    return resident is not None and need.resident_id == resident.pk


def can_view_need(user, need) -> bool:
    """Open a need's page: published needs on a board the user sees, and their own."""
    if not can_view_board(user, need.community):
        return False
    return need.moderation_status == ModerationStatus.PUBLISHED or is_own_need(user, need)


def can_raise_need(user, community: Community) -> bool:
    """Raise a need or proposal of one's own: a resident living in the community."""
    resident = resident_of(user)
    return resident is not None and resident.community_id == community.pk


def can_raise_for_others(user, community: Community) -> bool:
    """See the 代办 form: community admins and workers, and the community's grid workers."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    if scope.is_superuser or community.pk in scope.ids(*TRIAGE_ROLES):
        return True
    return (
        scope.has(Role.GRID_WORKER)
        and community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists()
    )


def can_raise_on_behalf_of(user, resident) -> bool:
    """Raise a need for this resident (代办): those who may edit the resident's record."""
    return (
        user is not None
        and user.is_authenticated
        and resident.status == resident.Status.ACTIVE
        and can_edit_resident(user, resident)
    )


def can_edit_need(user, need) -> bool:
    """Change a need's wording and place: its author, until it has had a public response."""
    return (
        user is not None
        and user.is_authenticated
        and need.author_id == user.pk
        and need.status == need.Status.SUBMITTED
        and need.first_response_at is None
        and need.moderation_status != ModerationStatus.REMOVED
    )


def can_support(user, need) -> bool:
    """Support (附议) a need: a resident of its community, not the one who raised it,
    while the need is published and open."""
    if need.status not in OPEN_STATUSES or not need.is_published:
        return False
    resident = resident_of(user)
    if resident is None or resident.community_id != need.community_id:
        return False
    return need.resident_id != resident.pk and need.author_id != user.pk


def can_withdraw_support(user, need) -> bool:
    """Withdraw one's support while the need is still open."""
    resident = resident_of(user)
    return (
        resident is not None
        and resident.community_id == need.community_id
        and need.status in OPEN_STATUSES
    )


def can_follow(user, need) -> bool:
    """Follow or unfollow a need to hear of its status changes and replies."""
    return can_view_need(user, need)


def can_comment(user, need) -> bool:
    """Comment on a published need: whoever may see it (residents, staff, compound roles)."""
    return need.is_published and can_view_need(user, need)


def can_triage(user, need) -> bool:
    """Accept, merge, decline, answer, adopt or reply: the community's admins and workers."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return scope.is_superuser or need.community_id in scope.ids(*TRIAGE_ROLES)


def can_reply(user, need) -> bool:
    """Post a public reply without changing the status: the same people as triage."""
    return can_triage(user, need)


def can_view_overdue(user, community: Community) -> bool:
    """See the needs past their response time: the community admin."""
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(Role.COMMUNITY_ADMIN)


def can_manage_settings(user, community: Community) -> bool:
    """Set the support threshold, the response time and the categories: the community admin."""
    return can_view_overdue(user, community)


def can_see_on_behalf_details(user, need) -> bool:
    """See who asked for a 代办 need and how consent was given: triage staff, the author and
    the resident it was raised for."""
    return can_triage(user, need) or is_own_need(user, need)

"""Who may do what with cases: one predicate per action, agreeing with CaseQuerySet.visible_to.

- residents see the cases they reported or follow (merged duplicates); cases stay private;
- grid workers see their grids' cases and the cases of the units they belong to;
- unit members see the cases their unit handles or owns, and act on them;
- community admins and workers see and manage all the community's cases;
- the party secretary sees them; subdistrict officials read their communities' cases.
Pages answer 404 for a case the user may not see, so nothing reveals that it exists.
"""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.registry.models import Community

from .models import Action, Case, HandlingUnit

MANAGER_ROLES = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)
# Actions the handling unit takes; community managers may take them for a unit.
UNIT_ACTIONS = frozenset({Action.ACCEPT, Action.RETURN, Action.START, Action.REPLY, Action.NOTE})
# Actions only community managers take (the call-back by phone or SMS among them).
MANAGER_ACTIONS = frozenset(
    {
        Action.DISPATCH,
        Action.CALLBACK,
        Action.CLOSE,
        Action.REOPEN,
        Action.MERGE,
        Action.REDIRECT,
    }
)


def unit_ids_of(user) -> frozenset[int]:
    """Ids of the handling units the user is a member of, cached on the user for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_gongzhi_case_units", None)
    if cached is None:
        cached = frozenset(
            HandlingUnit.members.through.objects.filter(user_id=user.pk).values_list(
                "handlingunit_id", flat=True
            )
        )
        user._gongzhi_case_units = cached
    return cached


def works_on_case(user, case: Case) -> bool:
    """The case is in the user's work: by community, subdistrict, grid or unit."""
    scope = scope_of(user)
    if scope.is_superuser or case.community_id in scope.ids(*STAFF_COMMUNITY_ROLES):
        return True
    if case.grid_id is not None and case.grid_id in scope.ids(Role.GRID_WORKER):
        return True
    units = unit_ids_of(user)
    if case.current_unit_id in units or case.owner_unit_id in units:
        return True
    subdistricts = scope.ids(Role.SUBDISTRICT_OFFICIAL)
    return bool(subdistricts) and case.community.subdistrict_id in subdistricts


def is_reporter(user, case: Case) -> bool:
    """The user reported the case, entered it, or follows it as a merged duplicate's reporter."""
    if not user.is_authenticated:
        return False
    if user.pk in (case.reporter_id, case.created_by_id):
        return True
    return case.followers.filter(pk=user.pk).exists()


def can_view_case(user, case: Case) -> bool:
    """Open the case page with its timeline."""
    return user.is_authenticated and (works_on_case(user, case) or is_reporter(user, case))


def can_manage_cases(user, community) -> bool:
    """Dispatch, call back, close, reopen, merge, redirect; enter cases; run campaigns."""
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(*MANAGER_ROLES)


def can_handle_case(user, case: Case) -> bool:
    """Accept, return, start and reply: the current unit's members, or a community manager."""
    return (
        case.current_unit_id is not None and case.current_unit_id in unit_ids_of(user)
    ) or can_manage_cases(user, case.community)


def can_unmask_contact(user, case: Case) -> bool:
    """See the reporter's full name and phone (audited): those who must call them."""
    return can_handle_case(user, case)


def can_answer_callback(user, case: Case) -> bool:
    """Answer the call-back online: the reporter."""
    return user.is_authenticated and case.reporter_id == user.pk


def can_take(user, case: Case, action: str) -> bool:
    """May the user take this action on the case (whatever its status)?"""
    if action in UNIT_ACTIONS:
        return can_handle_case(user, case)
    if action in MANAGER_ACTIONS:
        return can_manage_cases(user, case.community)
    return False


def can_report(user, community) -> bool:
    """Report a problem on the web as a resident of the community."""
    return community.pk in scope_of(user).ids(Role.RESIDENT) or scope_of(user).is_superuser


def patrol_grids(user, community) -> list:
    """The community's grids the user patrols as grid worker."""
    ids = scope_of(user).ids(Role.GRID_WORKER)
    return [g for g in community.grids.all() if g.pk in ids]


def can_patrol(user, community) -> bool:
    """Report what a grid worker finds on patrol."""
    ids = scope_of(user).ids(Role.GRID_WORKER)
    return bool(ids) and community.grids.filter(pk__in=ids).exists()


def can_enter_case(user, community) -> bool:
    """Enter a phone call or a walk-in: community managers and the community's grid workers."""
    return can_manage_cases(user, community) or can_patrol(user, community)


def can_admin_categories(user, community) -> bool:
    """Edit time limits, criteria and default units; add minor classes."""
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(Role.COMMUNITY_ADMIN)


def can_admin_units(user, community) -> bool:
    """Create and edit handling units and their members."""
    return can_admin_categories(user, community)


def can_view_community_cases(user, community) -> bool:
    """See the community's cases, campaigns, categories and units (read-only for officials)."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or community.pk in scope.ids(*STAFF_COMMUNITY_ROLES)
        or community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL)
        or community.grids.filter(pk__in=scope.ids(Role.GRID_WORKER)).exists()
    )


def can_view_campaign(user, campaign) -> bool:
    """Open a campaign's page with its progress."""
    return can_view_community_cases(user, campaign.community)


def can_manage_campaigns(user, community) -> bool:
    """Create and edit campaigns, put cases in them."""
    return can_manage_cases(user, community)


def has_case_work(user) -> bool:
    """Has a case list to work from (any staff role or a handling unit)."""
    scope = scope_of(user)
    return scope.is_staff_anywhere or bool(unit_ids_of(user))


def report_community_ids(user) -> set[int]:
    """Communities where the user may report as a resident."""
    return set(scope_of(user).ids(Role.RESIDENT))


def patrol_community_ids(user) -> set[int]:
    """Communities with a grid the user patrols."""
    grids = scope_of(user).ids(Role.GRID_WORKER)
    return set(
        Community.objects.filter(grids__id__in=grids).values_list("pk", flat=True).distinct()
    )


def manager_community_ids(user) -> set[int]:
    """Communities whose cases the user manages."""
    return set(scope_of(user).ids(*MANAGER_ROLES))


# The actions of the case page and the API, with the state-machine action each one takes.
PAGE_ACTIONS: dict[str, str | None] = {
    "dispatch": Action.DISPATCH,
    "accept": Action.ACCEPT,
    "return": Action.RETURN,
    "start": Action.START,
    "reply": Action.REPLY,
    "callback": Action.CALLBACK,
    "answer": Action.CALLBACK,
    "close": Action.CLOSE,
    "reopen": Action.REOPEN,
    "merge": Action.MERGE,
    "redirect": Action.REDIRECT,
    "note": None,
    "campaign": None,
}


def may_take(user, case: Case, name: str) -> bool:
    """May the user use this action on the case at all (whatever its status)?"""
    if name == "answer":
        return can_answer_callback(user, case)
    if name == "campaign":
        return can_manage_campaigns(user, case.community)
    if name == "note":
        return can_handle_case(user, case)
    action = PAGE_ACTIONS[name]
    return action is not None and can_take(user, case, action)


def is_offered(user, case: Case, name: str) -> bool:
    """Offer the action: the user may take it and the case's status allows it now."""
    if not may_take(user, case, name):
        return False
    state_action = PAGE_ACTIONS[name]
    if state_action is not None:
        return state_action in case.allowed_actions()
    if name == "campaign":
        return case.is_open
    return True


def available_actions(user, case: Case) -> list[str]:
    """The actions the user may take on the case now, in the page's order."""
    return [name for name in PAGE_ACTIONS if is_offered(user, case, name)]

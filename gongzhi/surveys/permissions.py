"""Who may do what with surveys: one predicate per action, agreeing with visible_to()."""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import scope_of
from gongzhi.registry.models import Community, Household

from .models import Survey

MANAGERS = (Role.COMMUNITY_ADMIN, Role.COMMUNITY_WORKER)


def can_manage_surveys(user, community: Community) -> bool:
    """Create, edit, open, close, duplicate and publish the community's surveys."""
    scope = scope_of(user)
    return scope.is_superuser or community.pk in scope.ids(*MANAGERS)


def can_view_results(user, survey: Survey) -> bool:
    """See live results and coverage: managers, the party secretary, subdistrict officials,
    grid workers of the community; residents once the results are published."""
    scope = scope_of(user)
    if scope.is_superuser or survey.community_id in scope.ids(*MANAGERS, Role.PARTY_SECRETARY):
        return True
    if survey.community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL):
        return True
    if survey.community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists():
        return True
    return survey.results_published_at is not None and survey.community_id in scope.ids(
        Role.RESIDENT
    )


def can_visit(user, survey: Survey, household: Household) -> bool:
    """Record a door-to-door visit or a paper questionnaire for this household."""
    if household.community_id != survey.community_id:
        return False
    scope = scope_of(user)
    if scope.is_superuser or survey.community_id in scope.ids(*MANAGERS):
        return True
    dwelling = household.dwelling
    return dwelling is not None and dwelling.building.grid_id in scope.ids(Role.GRID_WORKER)


def can_enter_paper(user, survey: Survey) -> bool:
    """Type in paper questionnaires (any household of the community)."""
    return can_manage_surveys(user, survey.community)

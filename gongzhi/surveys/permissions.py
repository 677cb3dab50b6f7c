"""Who may do what with surveys: one predicate per action, agreeing with visible_to()."""

from gongzhi.accounts.models import Role
from gongzhi.accounts.scope import STAFF_COMMUNITY_ROLES, scope_of
from gongzhi.registry.models import Community, Household

from .audience import is_in_audience
from .models import Survey
from .querysets import resident_of

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


def can_view_survey(user, survey: Survey) -> bool:
    """See a survey: its community's staff always; a resident while it is open or once its
    results are published, if they are in its audience. Agrees with visible_to()."""
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    if survey.community_id in scope.ids(*STAFF_COMMUNITY_ROLES):
        return True
    if survey.community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL):
        return True
    if survey.community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists():
        return True
    if survey.status != Survey.Status.OPEN and survey.results_published_at is None:
        return False
    resident = resident_of(user)
    if resident is None or resident.community_id != survey.community_id:
        return False
    return is_in_audience(survey, resident)


# ---------- answering channels: visits, posters, coverage (respond part) ----------


def can_visit_building(user, survey: Survey, building) -> bool:
    """Open a building's visit list, poster and household slips: agrees with can_visit()."""
    if building.community_id != survey.community_id:
        return False
    scope = scope_of(user)
    if scope.is_superuser or survey.community_id in scope.ids(*MANAGERS):
        return True
    return building.grid_id is not None and building.grid_id in scope.ids(Role.GRID_WORKER)


def visitable_buildings(user, survey: Survey):
    """The community's buildings whose households the user may visit (visit list filter)."""
    from gongzhi.registry.models import Building

    buildings = Building.objects.filter(community_id=survey.community_id)
    scope = scope_of(user)
    if scope.is_superuser or survey.community_id in scope.ids(*MANAGERS):
        return buildings
    return buildings.filter(grid_id__in=scope.ids(Role.GRID_WORKER))


def can_view_coverage(user, survey: Survey) -> bool:
    """See coverage (who has been reached): the staff who see live results, not residents."""
    scope = scope_of(user)
    if scope.is_superuser or survey.community_id in scope.ids(*MANAGERS, Role.PARTY_SECRETARY):
        return True
    if survey.community.subdistrict_id in scope.ids(Role.SUBDISTRICT_OFFICIAL):
        return True
    return survey.community.grids.filter(id__in=scope.ids(Role.GRID_WORKER)).exists()


# ---------- results (results part) ----------


def can_view_result_details(user, survey: Survey) -> bool:
    """See breakdowns, cross-tabulations and text answers: the staff who see live results.

    Residents who see published results get the aggregates and frequent terms only.
    """
    return can_view_coverage(user, survey)


def can_export_results(user, survey: Survey) -> bool:
    """Download every response (Excel, CSV): the survey's managers."""
    return can_manage_surveys(user, survey.community)


def can_publish_results(user, survey: Survey) -> bool:
    """Publish the results to residents, or withdraw them: the survey's managers."""
    return can_manage_surveys(user, survey.community)

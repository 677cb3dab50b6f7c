"""Who may visit, print posters and see coverage: every role, and predicates agree with lists."""

import pytest

from gongzhi.registry.models import Building
from gongzhi.surveys import permissions as perms
from gongzhi.surveys.tests.respond_helpers import open_survey

pytestmark = pytest.mark.django_db

ROLES = [
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
    "owners_committee",
    "property_manager",
    "resident",
    "outsider",
    "far_admin",
]
# Which of the community's buildings each role may visit for a survey of that community.
VISITS = {
    "community_admin": {"building", "other_building"},
    "community_worker": {"building", "other_building"},
    "grid_worker": {"building"},
}
COVERAGE = {
    "subdistrict_official",
    "community_admin",
    "community_worker",
    "grid_worker",
    "party_secretary",
}


@pytest.mark.parametrize("role", ROLES)
def test_visitable_buildings_agree_with_can_visit_building(world, role):
    survey = open_survey(world.community)
    user = world.users[role]
    buildings = {
        "building": world.building,
        "other_building": world.other_building,
        "far_building": world.far_building,
    }

    allowed = {name for name, b in buildings.items() if perms.can_visit_building(user, survey, b)}
    listed = set(perms.visitable_buildings(user, survey).values_list("pk", flat=True))

    assert allowed == VISITS.get(role, set())
    assert listed == {buildings[name].pk for name in allowed}


@pytest.mark.parametrize("role", ROLES)
def test_can_visit_a_household_agrees_with_the_buildings(world, role):
    survey = open_survey(world.community)
    user = world.users[role]
    listed = set(perms.visitable_buildings(user, survey).values_list("pk", flat=True))

    for resident in (world.resident, world.neighbour, world.far_resident):
        household = resident.household
        building = Building.objects.get(dwellings__households=household)
        assert perms.can_visit(user, survey, household) == (building.pk in listed), resident


@pytest.mark.parametrize("role", ROLES)
def test_coverage_is_for_the_staff_who_see_results(world, role):
    survey = open_survey(world.community)

    assert perms.can_view_coverage(world.users[role], survey) == (role in COVERAGE)

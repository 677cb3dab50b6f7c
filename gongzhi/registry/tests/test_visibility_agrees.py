"""Each permission predicate agrees with its queryset's visible_to(), for every (user, object).

Pages fetch one object through a predicate, lists filter through visible_to(); if the two
disagreed, a row could be listed but not opened, or opened but never listed.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.registry import permissions as perms
from gongzhi.registry.models import Building, Community, Household, Resident


@pytest.fixture
def wider_world(world):
    """The world plus the awkward rows: no grid, no dwelling, no household, moved out."""
    gridless = f.BuildingFactory(compound=world.compound, grid=None, name="3栋")
    f.ResidentFactory(household__dwelling__building=gridless, name="赵六")
    f.ResidentFactory(household__dwelling__building=world.building, name="钱七", status="moved_out")
    unplaced = Household.objects.create(community=world.community, dwelling=None)
    Resident.objects.create(community=world.community, household=unplaced, name="孙八")
    Resident.objects.create(community=world.other_community, household=None, name="周九")
    f.ResidentFactory(household__dwelling__building=world.far_building, name="吴十")

    users = dict(world.users)
    users["superuser"] = f.UserFactory(name="superuser", is_superuser=True)
    mixed = f.UserFactory(name="mixed")
    f.give_role(mixed, Role.GRID_WORKER, world.other_grid)
    f.give_role(mixed, Role.OWNERS_COMMITTEE, world.compound)
    users["mixed"] = mixed
    users["anonymous"] = AnonymousUser()
    return users


def _users(wider_world):
    return sorted(wider_world.items())


def test_can_view_community_agrees_with_visible_to(wider_world):
    disagreements = []
    for name, user in _users(wider_world):
        visible = set(Community.objects.visible_to(user).values_list("pk", flat=True))
        for community in Community.objects.select_related("subdistrict"):
            if perms.can_view_community(user, community) != (community.pk in visible):
                disagreements.append((name, community.name))

    assert disagreements == []


def test_can_view_building_agrees_with_visible_to(wider_world):
    disagreements = []
    for name, user in _users(wider_world):
        visible = set(Building.objects.visible_to(user).values_list("pk", flat=True))
        for building in Building.objects.select_related("community"):
            if perms.can_view_building(user, building) != (building.pk in visible):
                disagreements.append((name, building.name))

    assert disagreements == []


def test_can_view_resident_agrees_with_visible_to(wider_world):
    disagreements = []
    residents = Resident.objects.select_related("community", "household__dwelling__building")
    for name, user in _users(wider_world):
        visible = set(Resident.objects.visible_to(user).values_list("pk", flat=True))
        for resident in residents:
            if perms.can_view_resident(user, resident) != (resident.pk in visible):
                disagreements.append((name, resident.name))

    assert disagreements == []


def test_the_comparison_sees_both_answers(wider_world):
    """Guard against a vacuous agreement: some pairs are allowed and some refused."""
    answers = {
        perms.can_view_resident(user, resident)
        for _name, user in _users(wider_world)
        for resident in Resident.objects.select_related(
            "community", "household__dwelling__building"
        )
    }

    assert answers == {True, False}

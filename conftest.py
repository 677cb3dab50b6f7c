"""Shared fixtures: a small world with one user for every role."""

from dataclasses import dataclass

import pytest

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.registry import models as reg


@dataclass
class World:
    subdistrict: reg.Subdistrict
    community: reg.Community
    other_community: reg.Community
    far_community: reg.Community
    compound: reg.Compound
    other_compound: reg.Compound
    grid: reg.Grid
    other_grid: reg.Grid
    building: reg.Building
    other_building: reg.Building
    far_building: reg.Building
    resident: reg.Resident
    neighbour: reg.Resident
    far_resident: reg.Resident
    users: dict


def pytest_configure(config):
    """Hash test passwords fast: argon2 is deliberately slow, and worlds make many users."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_asked(settings):
    """Unit tests read pages in English unless a request asks for Chinese.

    Production defaults to zh-hans (test_settings checks it); browser tests send zh-CN, and
    the translation tests check the Chinese catalogue is complete.
    """
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: ids are reused after rollbacks."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    """Zhouji-like subdistrict with two communities, plus a community in another subdistrict.

    `resident` lives in `building` (compound, grid); `neighbour` in `other_building`
    (other compound, other grid) of the same community; `far_resident` in the far community.
    users: one per role, named by role, plus "outsider" (no role) and "far_admin".
    """
    subdistrict = f.SubdistrictFactory(name="周矶街道", code="429005100")
    community = f.CommunityFactory(subdistrict=subdistrict, name="机械社区", code="001")
    other_community = f.CommunityFactory(subdistrict=subdistrict, name="爱民社区", code="002")
    far_community = f.CommunityFactory(name="远方社区", code="001")
    compound = f.CompoundFactory(community=community, name="机械小区")
    other_compound = f.CompoundFactory(community=community, name="兴隆小区")
    grid = f.GridFactory(community=community, code="001", name="第一网格")
    other_grid = f.GridFactory(community=community, code="002", name="第二网格")
    building = f.BuildingFactory(compound=compound, grid=grid, name="1栋")
    other_building = f.BuildingFactory(compound=other_compound, grid=other_grid, name="2栋")
    far_building = f.BuildingFactory(
        compound=f.CompoundFactory(community=far_community), name="9栋"
    )
    resident = f.ResidentFactory(
        household__dwelling__building=building, name="张三", phone="13812341234"
    )
    neighbour = f.ResidentFactory(household__dwelling__building=other_building, name="李四")
    far_resident = f.ResidentFactory(household__dwelling__building=far_building, name="王五")

    users = {}
    places = {
        Role.SUBDISTRICT_OFFICIAL: subdistrict,
        Role.COMMUNITY_ADMIN: community,
        Role.COMMUNITY_WORKER: community,
        Role.GRID_WORKER: grid,
        Role.PARTY_SECRETARY: community,
        Role.OWNERS_COMMITTEE: compound,
        Role.PROPERTY_MANAGER: compound,
        Role.RESIDENT: community,
    }
    for role, place in places.items():
        user = f.UserFactory(name=str(role))
        f.give_role(user, role, place)
        users[str(role)] = user
    resident.user = users[Role.RESIDENT]
    resident.save()
    grid.worker = users[Role.GRID_WORKER]
    grid.save()
    users["outsider"] = f.UserFactory(name="outsider")
    users["far_admin"] = f.UserFactory(name="far_admin")
    f.give_role(users["far_admin"], Role.COMMUNITY_ADMIN, far_community)
    return World(
        subdistrict=subdistrict,
        community=community,
        other_community=other_community,
        far_community=far_community,
        compound=compound,
        other_compound=other_compound,
        grid=grid,
        other_grid=other_grid,
        building=building,
        other_building=other_building,
        far_building=far_building,
        resident=resident,
        neighbour=neighbour,
        far_resident=far_resident,
        users=users,
    )

"""The Zhouji demo (`manage.py demo`): SCENARIO.md's places and people, one login per role."""

import hashlib
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q

from gongzhi.accounts.models import Role, RoleAssignment, User
from gongzhi.core.demo import DEMO_PASSWORD, SUBDISTRICT_CODE, load_demo
from gongzhi.registry import models as reg
from gongzhi.registry.querysets import elderly_cutoff

DEMO_MODELS = (
    reg.Subdistrict,
    reg.Community,
    reg.Compound,
    reg.Grid,
    reg.Building,
    reg.Dwelling,
    reg.Household,
    reg.Resident,
    reg.Ownership,
    User,
    RoleAssignment,
)


class _Rollback(Exception):
    pass


def _fingerprint() -> str:
    """Hash every demo resident's name and birth date, in the order they were created."""
    digest = hashlib.sha256()
    rows = (
        reg.Resident.objects.filter(community__subdistrict__code=SUBDISTRICT_CODE)
        .order_by("id")
        .values_list("name", "birth_date")
    )
    for name, birth_date in rows.iterator(chunk_size=2000):
        digest.update(f"{name}|{birth_date}\n".encode())
    return digest.hexdigest()


def _fresh_load_fingerprint() -> str:
    """Load the demo in a savepoint, fingerprint it, and roll it back."""
    try:
        with transaction.atomic():
            load_demo()
            found = _fingerprint()
            raise _Rollback
    except _Rollback:
        return found


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


# This test loads the demo itself, so it runs before the module's shared demo is loaded.
def test_two_fresh_loads_give_the_same_people_in_the_same_order(db):
    assert not reg.Subdistrict.objects.filter(code=SUBDISTRICT_CODE).exists()

    first = _fresh_load_fingerprint()
    second = _fresh_load_fingerprint()

    assert first == second
    assert not reg.Resident.objects.exists()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def jixie(demo, db):
    return reg.Community.objects.get(subdistrict__code=SUBDISTRICT_CODE, code="001")


def test_it_builds_zhouji_with_jixie_aimin_and_leitan(demo, db):
    communities = reg.Community.objects.filter(subdistrict__code=SUBDISTRICT_CODE).order_by("code")

    assert demo["created"] is True
    assert reg.Subdistrict.objects.get(code=SUBDISTRICT_CODE).name == "周矶街道"
    assert list(communities.values_list("code", "name", "kind")) == [
        ("001", "机械社区", "urban"),
        ("002", "爱民社区", "urban"),
        ("003", "雷潭村", "village"),
    ]


def test_jixie_has_about_4800_residents_more_than_half_aged_60_or_over(jixie):
    totals = reg.Resident.objects.filter(community=jixie, status="active").aggregate(
        active=Count("id"), elderly=Count("id", filter=Q(birth_date__lte=elderly_cutoff()))
    )

    assert 4500 <= totals["active"] <= 5100
    assert totals["elderly"] / totals["active"] >= 0.51


def test_jixie_has_several_compounds_and_some_residents_moved_out(jixie):
    residents = reg.Resident.objects.filter(community=jixie)

    assert 4 <= jixie.compounds.count() <= 5
    assert residents.filter(status="moved_out").exists()
    assert (
        residents.filter(
            status="active", lives_alone=True, birth_date__lte=elderly_cutoff()
        ).count()
        > 100
    )
    assert residents.filter(has_disability=True).exists()
    assert residents.filter(low_income=True).exists()
    assert 20 <= residents.filter(is_party_member=True).count() <= 150


def test_about_three_percent_of_residents_have_no_phone(jixie):
    totals = reg.Resident.objects.filter(community=jixie).aggregate(
        all=Count("id"), no_phone=Count("id", filter=Q(phone=""))
    )

    assert 0.01 <= totals["no_phone"] / totals["all"] <= 0.05


def test_households_hold_one_to_four_people(jixie):
    sizes = (
        reg.Household.objects.filter(community=jixie)
        .annotate(size=Count("residents", filter=Q(residents__status="active")))
        .aggregate(smallest=Min("size"), largest=Max("size"))
    )

    assert sizes == {"smallest": 1, "largest": 4}


def test_flats_have_realistic_areas_and_their_source(jixie):
    dwellings = reg.Dwelling.objects.filter(community=jixie)
    areas = dwellings.aggregate(low=Min("floor_area"), high=Max("floor_area"))
    sources = dict(dwellings.values_list("area_source").annotate(n=Count("id")))

    assert Decimal("55") <= areas["low"] and areas["high"] <= Decimal("140")
    assert sources["registered"] > sources["surveyed"] > 0
    assert sources["contract"] > 0
    assert dwellings.filter(number="1-201").exists()
    assert not reg.Building.objects.filter(community=jixie).exclude(floors__in=[5, 6]).exists()


def test_leitan_is_a_village_of_villager_groups_with_some_households_unattached(demo, db):
    leitan = reg.Community.objects.get(subdistrict__code=SUBDISTRICT_CODE, code="003")
    groups = leitan.compounds.order_by("id")

    assert leitan.kind == reg.Community.Kind.VILLAGE
    assert list(groups.values_list("name", flat=True)) == [
        "一组",
        "二组",
        "三组",
        "四组",
        "五组",
        "六组",
    ]
    assert set(groups.values_list("kind", flat=True)) == {reg.Compound.Kind.VILLAGER_GROUP}
    assert reg.Household.objects.filter(community=leitan, dwelling__isnull=True).exists()
    assert reg.Household.objects.filter(community=leitan, dwelling__isnull=False).exists()


def test_owners_include_a_developer_block_and_a_buyer_of_several_units(jixie):
    ownerships = reg.Ownership.objects.filter(community=jixie)
    developer_buildings = (
        ownerships.filter(held_by_developer=True).values("dwelling__building").distinct()
    )
    multi_owners = (
        ownerships.filter(resident__isnull=False)
        .values("resident")
        .annotate(units=Count("dwelling", distinct=True))
        .filter(units__gte=2)
    )

    assert ownerships.filter(held_by_developer=True).count() >= 5
    assert developer_buildings.count() == 1
    assert multi_owners.count() == 1
    assert ownerships.exclude(outside_owner_name="").exists()
    # Most occupied flats are owned by someone who lives in them.
    own_home = ownerships.filter(resident__household__dwelling=F("dwelling")).count()
    assert own_home > ownerships.count() / 2


def test_every_grid_has_a_worker_and_buildings(demo, db):
    grids = reg.Grid.objects.filter(community__subdistrict__code=SUBDISTRICT_CODE).annotate(
        buildings_count=Count("buildings")
    )

    assert grids.count() >= 3
    assert not grids.filter(worker__isnull=True).exists()
    assert not grids.filter(buildings_count=0).exists()
    assert not reg.Building.objects.filter(
        community__subdistrict__code=SUBDISTRICT_CODE, grid__isnull=True
    ).exists()
    for grid in grids:
        assert RoleAssignment.objects.filter(
            user=grid.worker, role=Role.GRID_WORKER, grid=grid
        ).exists()


def test_every_role_has_a_demo_login_that_can_authenticate(demo, db):
    logins = {login["role"]: login for login in reversed(demo["logins"])}

    assert set(logins) == {*Role.values, "superuser"}
    for role, login in logins.items():
        user = authenticate(None, phone=login["phone"], password=DEMO_PASSWORD)
        assert user is not None, role
        if role == "superuser":
            assert user.is_superuser
        else:
            assert RoleAssignment.objects.filter(user=user, role=role).exists()


def test_the_resident_login_is_an_elderly_jixie_resident(demo, jixie):
    phone = next(x["phone"] for x in demo["logins"] if x["role"] == Role.RESIDENT)
    resident = reg.Resident.objects.get(user__phone=phone)

    assert resident.community == jixie
    assert resident.status == "active"
    assert resident.age_on(date.today()) >= 60


def test_residents_have_search_keys_filled(demo, db):
    residents = reg.Resident.objects.filter(community__subdistrict__code=SUBDISTRICT_CODE)

    assert not residents.filter(Q(name_pinyin="") | Q(name_initials="")).exists()
    assert not residents.exclude(phone="").filter(phone_tail="").exists()


def test_running_it_again_changes_nothing(demo, db):
    before = _counts()

    again = load_demo()

    assert again["created"] is False
    assert _counts() == before
    assert [x["phone"] for x in again["logins"]] == [x["phone"] for x in demo["logins"]]


def test_running_it_again_restores_a_missing_login(demo, db):
    worker_phone = next(x["phone"] for x in demo["logins"] if x["role"] == Role.COMMUNITY_WORKER)
    User.objects.filter(phone=worker_phone).delete()
    residents = reg.Resident.objects.count()

    load_demo()

    user = User.objects.get(phone=worker_phone)
    assert RoleAssignment.objects.filter(user=user, role=Role.COMMUNITY_WORKER).exists()
    assert user.check_password(DEMO_PASSWORD)
    assert reg.Resident.objects.count() == residents


def test_the_command_prints_every_login_with_its_password(demo, db):
    out = StringIO()

    call_command("demo", stdout=out)

    text = out.getvalue()
    for login in demo["logins"]:
        assert login["phone"] in text
    assert DEMO_PASSWORD in text
    assert "机械社区" in text

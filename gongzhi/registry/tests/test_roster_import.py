"""Roster import service: row checks, dry run, import, only-valid import, re-import."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.registry.models import Dwelling, Household, Resident
from gongzhi.registry.roster import (
    RosterFileError,
    RosterHasErrors,
    import_roster,
    parse_roster,
)

from .roster_workbook import person, roster_file


def registry_counts(community) -> tuple[int, int, int]:
    return (
        Resident.objects.filter(community=community).count(),
        Dwelling.objects.filter(community=community).count(),
        Household.objects.filter(community=community).count(),
    )


def errors_of(check) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.code) for e in check.errors()]


def run_import(world, file, only_valid=False):
    return import_roster(
        community=world.community,
        actor=world.users["community_admin"],
        file=file,
        only_valid=only_valid,
    )


# Row errors (each class named in the issue, plus the other cell checks).


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"phone": "1381234"}, (2, "手机号", "bad_phone")),
        ({"phone": "23812341234"}, (2, "手机号", "bad_phone")),
        ({"building": "99栋"}, (2, "楼栋", "unknown_building")),
        ({"compound": "不存在小区"}, (2, "小区", "unknown_compound")),
        ({"birth_date": "1990-02-30"}, (2, "出生日期", "impossible_date")),
        ({"birth_date": date.today() + timedelta(days=1)}, (2, "出生日期", "future_date")),
        ({"birth_date": "1850-01-01"}, (2, "出生日期", "impossible_date")),
        ({"birth_date": "last spring"}, (2, "出生日期", "not_a_date")),
        ({"birth_date": None}, (2, "出生日期", "required")),
        ({"name": None}, (2, "姓名", "required")),
        ({"gender": "M"}, (2, "性别", "bad_gender")),
        ({"floor_area": "-3"}, (2, "面积(m²)", "bad_area")),
        ({"tags": "独居老人、富裕"}, (2, "标签", "bad_tag")),
        ({"moved_in_on": "1940-01-01"}, (2, "迁入日期", "before_birth")),
    ],
)
def test_it_reports_a_bad_cell_with_its_row_and_column(world, cells, expected):
    check = parse_roster(roster_file(person(**cells)), world.community)

    assert errors_of(check) == [expected]
    assert check.invalid_count == 1
    assert check.to_create == 0


def test_error_messages_name_the_row_the_column_and_the_problem(world):
    file = roster_file(person(name="赵一"), person(name="钱二", phone="12345"))

    with translation.override("en"):
        check = parse_roster(file, world.community)
        messages = [str(error) for error in check.errors()]

    assert messages == ["Row 3, 手机号: “12345” is not a valid 11-digit mobile number"]


def test_a_building_of_another_community_is_unknown(world):
    far_compound = world.far_building.compound.name
    file = roster_file(person(compound=far_compound, building=world.far_building.name))

    check = parse_roster(file, world.community)

    assert errors_of(check) == [(2, "小区", "unknown_compound")]


def test_the_second_row_for_the_same_person_is_a_duplicate(world):
    file = roster_file(
        person(name="孙三", birth_date=date(1960, 1, 2)),
        person(name="李四海", birth_date=date(1960, 1, 2)),
        person(name="孙三", birth_date="1960-01-02", number="102"),
    )

    check = parse_roster(file, world.community)

    assert errors_of(check) == [(4, "姓名", "duplicate_person")]
    assert check.valid_count == 2


def test_two_floor_areas_for_one_dwelling_conflict(world):
    file = roster_file(person(name="甲", floor_area=80), person(name="乙", floor_area=90))

    check = parse_roster(file, world.community)

    assert errors_of(check) == [(3, "面积(m²)", "area_conflict")]


def test_it_accepts_the_ways_people_type_cells(world):
    file = roster_file(
        person(name="甲", phone=13900000001, birth_date="1950/5/1", floor_area="85.5㎡"),
        person(name="乙", phone="139 0000 0002", birth_date="1951年5月1日", floor_area=None),
        person(name="丙", phone=None, birth_date="19520501", gender="女", tags="残疾, 低保"),
    )

    check = parse_roster(file, world.community)

    assert errors_of(check) == []
    assert [row.phone for row in check.rows] == ["13900000001", "13900000002", ""]
    assert [row.birth_date for row in check.rows] == [
        date(1950, 5, 1),
        date(1951, 5, 1),
        date(1952, 5, 1),
    ]
    assert check.rows[0].floor_area == Decimal("85.50")
    assert check.rows[2].tags == {"has_disability", "low_income"}


def test_it_finds_the_header_under_a_title_row_and_in_any_order(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["机械社区居民花名册"])
    sheet.append(["姓名", "性别", "出生日期", "小区", "楼栋", "房号"])
    sheet.append(["赵一", "男", date(1950, 5, 1), "机械小区", "1栋", "101"])
    out = BytesIO()
    workbook.save(out)
    out.seek(0)

    check = parse_roster(out, world.community)

    assert errors_of(check) == []
    assert check.rows[0].line == 3
    assert check.to_create == 1


@pytest.mark.parametrize(
    "content",
    [b"not an excel file", b"PK\x03\x04 a damaged zip archive", b""],
)
def test_a_broken_file_is_a_file_error(world, content):
    with pytest.raises(RosterFileError):
        parse_roster(BytesIO(content), world.community)


def test_a_sheet_without_the_required_headers_is_a_file_error(world):
    file = roster_file(person(), headers=["小区", "房号", "姓名", "性别", "出生日期"])

    with translation.override("en"), pytest.raises(RosterFileError) as raised:
        parse_roster(file, world.community)

    assert "楼栋" in raised.value.message


def test_a_sheet_with_only_headers_is_a_file_error(world):
    with pytest.raises(RosterFileError):
        parse_roster(roster_file(), world.community)


# Dry run and import.


def test_dry_run_counts_and_writes_nothing(world):
    before = registry_counts(world.community)
    file = roster_file(person(name="甲"), person(name="乙"), person(name="丙", number="102"))

    check = parse_roster(file, world.community)

    assert (check.to_create, check.to_update, check.unchanged) == (3, 0, 0)
    assert (check.dwellings_to_create, check.households_to_create) == (2, 2)
    assert registry_counts(world.community) == before
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_clean_import_creates_residents_dwellings_and_households(world):
    before = registry_counts(world.community)
    file = roster_file(
        person(name="甲", number="301", floor_area=90, tags="独居老人", phone="13900000009"),
        person(name="乙", number="301", birth_date=date(1955, 3, 3), gender="女", floor_area=None),
        person(name="丙", compound="兴隆小区", building="2栋", number="501", floor_area=None),
    )

    result = run_import(world, file)

    assert (result.created, result.updated, result.skipped) == (3, 0, 0)
    assert (result.dwellings_created, result.households_created) == (2, 2)
    assert registry_counts(world.community) == (before[0] + 3, before[1] + 2, before[2] + 2)
    first = Resident.objects.get(community=world.community, name="甲")
    second = Resident.objects.get(community=world.community, name="乙")
    assert first.household_id == second.household_id
    assert first.household.dwelling.building == world.building
    assert first.household.dwelling.floor_area == Decimal("90.00")
    assert first.household.dwelling.area_source == Dwelling.AreaSource.REGISTERED
    assert (first.lives_alone, first.has_disability, first.low_income) == (True, False, False)
    # Search keys are filled although bulk_create skips save().
    assert (first.name_pinyin, first.name_initials, first.phone_tail) == ("jia", "j", "0009")
    assert second.gender == Resident.Gender.FEMALE
    # Model defaults and timestamps hold for rows written in bulk.
    assert (first.status, first.is_party_member) == (Resident.Status.ACTIVE, False)
    assert first.created_at is not None and first.updated_at is not None
    third = Resident.objects.get(community=world.community, name="丙")
    assert third.household.dwelling.building == world.other_building
    assert third.household.dwelling.floor_area is None


def test_a_new_person_in_a_known_dwelling_joins_its_household(world):
    dwelling = world.resident.household.dwelling
    before = registry_counts(world.community)

    result = run_import(world, roster_file(person(name="新人", number=dwelling.number)))

    assert (result.created, result.dwellings_created, result.households_created) == (1, 0, 0)
    assert registry_counts(world.community) == (before[0] + 1, before[1], before[2])
    newcomer = Resident.objects.get(community=world.community, name="新人")
    assert newcomer.household_id == world.resident.household_id


def test_import_with_errors_is_refused_and_writes_nothing(world):
    before = registry_counts(world.community)
    file = roster_file(person(name="甲"), person(name="乙", building="99栋"))

    with pytest.raises(RosterHasErrors) as raised:
        run_import(world, file)

    assert raised.value.check.invalid_count == 1
    assert registry_counts(world.community) == before
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_only_valid_import_skips_the_rows_with_errors(world):
    before = registry_counts(world.community)
    file = roster_file(
        person(name="甲"),
        person(name="乙", phone="12"),
        person(name="丙", number="102"),
        person(name="甲"),  # duplicate of row 2
    )

    result = run_import(world, file, only_valid=True)

    assert (result.created, result.skipped) == (2, 2)
    assert registry_counts(world.community)[0] == before[0] + 2
    names = set(Resident.objects.filter(community=world.community).values_list("name", flat=True))
    assert {"甲", "丙"} <= names
    assert "乙" not in names


def test_reimporting_the_same_file_changes_nothing(world):
    file = roster_file(person(name="甲"), person(name="乙", number="102"))
    run_import(world, file)
    after_first = registry_counts(world.community)
    file.seek(0)

    result = run_import(world, file)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert (result.dwellings_created, result.households_created) == (0, 0)
    assert registry_counts(world.community) == after_first


def test_reimport_updates_the_person_instead_of_duplicating(world):
    run_import(world, roster_file(person(name="甲", phone="13900000001")))
    before = registry_counts(world.community)
    first_written = Resident.objects.get(community=world.community, name="甲").updated_at

    result = run_import(
        world, roster_file(person(name="甲", phone="13700000077", tags="低保", gender="女"))
    )

    assert (result.created, result.updated) == (0, 1)
    assert registry_counts(world.community) == before
    updated = Resident.objects.get(community=world.community, name="甲")
    assert (updated.phone, updated.phone_tail) == ("13700000077", "0077")
    assert (updated.low_income, updated.gender) == (True, Resident.Gender.FEMALE)
    assert updated.updated_at > first_written


def test_an_existing_resident_is_matched_by_name_and_birth_date(world):
    resident = world.resident  # 张三, born 1950-05-01, in 1栋
    before = registry_counts(world.community)
    file = roster_file(
        person(name="张三", birth_date=resident.birth_date, number="808", phone=None)
    )

    result = run_import(world, file)

    assert (result.created, result.updated, result.households_created) == (0, 1, 1)
    assert registry_counts(world.community) == (before[0], before[1] + 1, before[2] + 1)
    resident.refresh_from_db()
    assert resident.household.dwelling.number == "808"
    # An empty optional cell keeps the stored value.
    assert resident.phone == "13812341234"


def test_residents_of_other_communities_are_never_matched(world):
    far = world.far_resident
    file = roster_file(person(name=far.name, birth_date=far.birth_date))

    result = run_import(world, file)

    assert result.created == 1
    far.refresh_from_db()
    assert far.community == world.far_community
    assert Resident.objects.filter(name=far.name, birth_date=far.birth_date).count() == 2


def test_two_stored_residents_with_the_same_identity_block_the_row(world):
    f.ResidentFactory(
        household__dwelling__building=world.building, name="重名", birth_date=date(1970, 1, 1)
    )
    f.ResidentFactory(
        household__dwelling__building=world.building, name="重名", birth_date=date(1970, 1, 1)
    )

    check = parse_roster(roster_file(person(name="重名", birth_date="1970-01-01")), world.community)

    assert errors_of(check) == [(2, "姓名", "ambiguous_person")]


def test_a_new_floor_area_updates_the_dwelling(world):
    dwelling = world.resident.household.dwelling
    file = roster_file(person(name="张三", number=dwelling.number, floor_area="120.25"))

    result = run_import(world, file)

    assert result.dwellings_updated == 1
    dwelling.refresh_from_db()
    assert dwelling.floor_area == Decimal("120.25")
    assert dwelling.area_source == Dwelling.AreaSource.REGISTERED


def test_import_writes_one_summary_audit_entry(world):
    file = roster_file(person(name="甲"), person(name="乙", phone="1"))

    run_import(world, file, only_valid=True)

    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor == world.users["community_admin"]
    assert entry.community_id == world.community.pk
    assert entry.data["rows"] == 2
    assert entry.data["created"] == 1
    assert entry.data["skipped"] == 1
    assert entry.data["only_valid"] is True


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    def queries_for(count: int) -> int:
        rows = [person(name=f"人{i}", number=str(200 + i % 7)) for i in range(count)]
        with CaptureQueriesContext(connection) as captured:
            parse_roster(roster_file(*rows), world.community)
        return len(captured)

    assert queries_for(3) == queries_for(60)


def test_living_in_a_second_household_of_the_same_dwelling_is_no_change(world):
    dwelling = world.resident.household.dwelling
    second = f.HouseholdFactory(dwelling=dwelling)
    lodger = f.ResidentFactory(household=second, name="房客", birth_date=date(1980, 1, 1))
    file = roster_file(
        person(
            name="房客",
            birth_date="1980-01-01",
            number=dwelling.number,
            phone=lodger.phone,
            floor_area=None,
        )
    )

    result = run_import(world, file)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    lodger.refresh_from_db()
    assert lodger.household_id == second.pk


def test_import_refreshes_the_overview_figures(world, django_capture_on_commit_callbacks):
    from gongzhi.registry.overview import community_overview

    before = community_overview(world.community)["total"]
    workbook = roster_file(person(name="新来的", phone="13900009999"))
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(
            community=world.community,
            actor=world.users["community_admin"],
            file=workbook,
            only_valid=False,
        )
    assert community_overview(world.community)["total"] == before + 1

"""Roster export and template: the community's residents only, in the template's format."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.core.testing import factories as f
from gongzhi.registry.models import Resident
from gongzhi.registry.roster import COLUMNS, export_roster, import_roster, write_template

HEADERS = [column.header for column in COLUMNS]


def sheet_rows(file) -> list[tuple]:
    workbook = load_workbook(file, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def test_template_opens_in_openpyxl_with_the_headers():
    content = write_template()

    rows = sheet_rows(BytesIO(content))

    assert rows[0] == tuple(HEADERS)
    assert len(rows) == 1


def test_export_holds_the_residents_of_that_community_only(world):
    f.ResidentFactory(
        household__dwelling__building=world.other_building,
        name="王老太",
        gender=Resident.Gender.FEMALE,
        birth_date=date(1940, 2, 3),
        phone="13955556666",
        lives_alone=True,
        low_income=True,
        is_party_member=True,
    )

    with export_roster(community=world.community, actor=world.users["community_admin"]) as out:
        rows = sheet_rows(out)

    assert rows[0] == tuple(HEADERS)
    names = sorted(row[4] for row in rows[1:])
    assert names == sorted(["张三", "李四", "王老太"])
    assert world.far_resident.name not in names
    elder = next(dict(zip(HEADERS, row, strict=False)) for row in rows if row[4] == "王老太")
    assert elder["小区"] == "兴隆小区"
    assert elder["楼栋"] == "2栋"
    assert elder["性别"] == "女"
    assert elder["出生日期"].date() == date(1940, 2, 3)
    # Names and phones in full; party membership is not a column at all.
    assert elder["手机号"] == "13955556666"
    assert elder["标签"] == "独居老人、低保"
    assert not any("党" in str(cell) for row in rows for cell in row if cell)


def test_export_leaves_out_residents_who_moved_out(world):
    world.neighbour.status = Resident.Status.MOVED_OUT
    world.neighbour.save()

    with export_roster(community=world.community, actor=world.users["community_admin"]) as out:
        rows = sheet_rows(out)

    assert [row[4] for row in rows[1:]] == ["张三"]


def test_export_is_audited(world):
    admin = world.users["community_admin"]

    export_roster(community=world.community, actor=admin).close()

    entry = AuditEntry.objects.get(action="roster.export")
    assert entry.actor == admin
    assert entry.community_id == world.community.pk
    assert entry.data == {"rows": 2}


def test_an_exported_roster_imports_back_unchanged(world):
    admin = world.users["community_admin"]
    before = Resident.objects.filter(community=world.community).count()

    with export_roster(community=world.community, actor=admin) as out:
        result = import_roster(community=world.community, actor=admin, file=out, only_valid=False)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Resident.objects.filter(community=world.community).count() == before


@pytest.mark.parametrize("role", ["community_admin", "community_worker"])
def test_editors_download_the_export(client, world, role):
    client.force_login(world.users[role])

    response = client.get(reverse("registry:roster-export", args=[world.community.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(BytesIO(b"".join(response.streaming_content)))
    assert sorted(row[4] for row in rows[1:]) == ["张三", "李四"]
    assert AuditEntry.objects.filter(action="roster.export", actor=world.users[role]).count() == 1


@pytest.mark.parametrize(
    "role",
    [
        "subdistrict_official",
        "grid_worker",
        "party_secretary",
        "owners_committee",
        "property_manager",
        "resident",
        "outsider",
        "far_admin",
    ],
)
def test_others_get_404_for_the_export_and_nothing_is_audited(client, world, role):
    client.force_login(world.users[role])

    response = client.get(reverse("registry:roster-export", args=[world.community.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="roster.export").exists()


def test_the_export_runs_the_same_queries_for_any_number_of_residents(world):
    admin = world.users["community_admin"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_roster(community=world.community, actor=admin).close()
        return len(captured)

    few = queries()
    for index in range(15):
        f.ResidentFactory(household__dwelling__building=world.building, name=f"居民{index}")

    assert queries() == few

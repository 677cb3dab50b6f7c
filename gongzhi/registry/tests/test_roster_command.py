"""manage.py import_roster: dry run, import, only-valid, exit status on errors."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident

from .roster_workbook import person, roster_file


def write_roster(tmp_path, *rows):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_file(*rows).getvalue())
    return path


def run(path, community, *flags) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(
            "import_roster", str(path), "--community", str(community.pk), *flags, stdout=out
        )
    return out.getvalue()


def resident_count(world) -> int:
    return Resident.objects.filter(community=world.community).count()


def test_dry_run_prints_the_summary_and_writes_nothing(world, tmp_path):
    before = resident_count(world)
    path = write_roster(tmp_path, person(name="甲"), person(name="乙"))

    output = run(path, world.community, "--dry-run")

    assert "would create 2" in output
    assert resident_count(world) == before
    assert not AuditEntry.objects.filter(action="roster.import").exists()


def test_it_imports_a_clean_file(world, tmp_path):
    before = resident_count(world)
    path = write_roster(tmp_path, person(name="甲"), person(name="乙"))

    output = run(path, world.community)

    assert "2 created" in output
    assert resident_count(world) == before + 2
    entry = AuditEntry.objects.get(action="roster.import")
    assert entry.actor is None
    assert entry.data["via"] == "command"


def test_errors_are_printed_and_the_exit_status_is_not_zero(world, tmp_path):
    before = resident_count(world)
    path = write_roster(tmp_path, person(name="甲"), person(name="乙", phone="123"))
    out = StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_roster", str(path), "--community", str(world.community.pk), stdout=out)

    assert "Row 3, 手机号" in out.getvalue()
    assert resident_count(world) == before


def test_a_dry_run_with_errors_also_fails(world, tmp_path):
    path = write_roster(tmp_path, person(name="甲", building="99栋"))

    with pytest.raises(CommandError):
        run(path, world.community, "--dry-run")


def test_only_valid_imports_the_valid_rows(world, tmp_path):
    before = resident_count(world)
    path = write_roster(tmp_path, person(name="甲"), person(name="乙", birth_date="1990-02-30"))

    output = run(path, world.community, "--only-valid")

    assert "1 created" in output
    assert "1 rows skipped" in output
    assert resident_count(world) == before + 1


def test_an_unknown_community_or_file_is_an_error(world, tmp_path):
    path = write_roster(tmp_path, person())

    with pytest.raises(CommandError):
        run(path, SimpleNamespace(pk=999_999))
    with pytest.raises(CommandError):
        run(tmp_path / "missing.xlsx", world.community)


def test_a_broken_file_is_an_error(world, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")

    with pytest.raises(CommandError):
        run(path, world.community)

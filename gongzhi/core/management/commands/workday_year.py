"""`manage.py workday_year YEAR FILE`: load a year's holidays and adjusted working days."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongzhi.core.audit import record
from gongzhi.core.workdays import DayOverride, parse_schedule


class Command(BaseCommand):
    help = (
        "Replace one year's calendar overrides from a schedule file (or - for stdin), one "
        "'DATE[..DATE] off|work NAME' a line, as in the State Council's yearly notice."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", help="schedule file, or - to read standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the days, change nothing"
        )

    def handle(self, *args, year, file, dry_run, **options):
        lines = self._read(file)
        try:
            days = parse_schedule(lines)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        outside = [day for day, _w, _n in days if day.year != year]
        if outside:
            raise CommandError(f"{outside[0]} is not in {year}")
        if len({day for day, _w, _n in days}) != len(days):
            raise CommandError("a date is listed twice")
        for day, is_workday, name in days:
            self.stdout.write(f"{day:%Y-%m-%d %a} {'work' if is_workday else 'off '} {name}")
        if dry_run:
            self.stdout.write(f"{len(days)} days checked; nothing changed (--dry-run).")
            return
        with transaction.atomic():
            removed, _by_model = DayOverride.objects.filter(date__year=year).delete()
            DayOverride.objects.bulk_create(
                DayOverride(date=day, is_workday=is_workday, name=name)
                for day, is_workday, name in days
            )
            record(
                actor=None,
                action="workdays.year_loaded",
                target_type="core.dayoverride",
                target_id=year,
                data={"year": year, "days": len(days), "replaced": removed},
            )
        self.stdout.write(f"{year}: {len(days)} days loaded, {removed} replaced.")

    def _read(self, file):
        if file == "-":
            return sys.stdin.read().splitlines()
        try:
            with open(file, encoding="utf-8") as handle:
                return handle.read().splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc

"""Import an Excel roster from the command line, with a progress bar, for large files."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gongzhi.core.db import analyze
from gongzhi.registry.models import Community
from gongzhi.registry.roster import RosterFileError, RosterHasErrors, import_roster, parse_roster


class Command(BaseCommand):
    help = "Check and import a roster .xlsx into one community (--dry-run only checks)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .xlsx roster")
        parser.add_argument("--community", type=int, required=True, help="the community id")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, write nothing"
        )
        parser.add_argument(
            "--only-valid", action="store_true", help="import the valid rows, skip the others"
        )

    def handle(self, *args, file: Path, community: int, dry_run: bool, only_valid: bool, **opts):
        target = Community.objects.filter(pk=community).first()
        if target is None:
            raise CommandError(f"No community with id {community}.")
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        bar = tqdm(desc="rows", unit=" rows", file=sys.stderr, disable=opts["verbosity"] < 1)

        def progress(done: int, total: int | None) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            if dry_run:
                check = parse_roster(file, target, progress=progress)
            else:
                result = import_roster(
                    community=target,
                    actor=None,
                    file=file,
                    only_valid=only_valid,
                    progress=progress,
                    via="command",
                )
                analyze()  # a large import changes the data the planner's statistics describe
        except RosterFileError as exc:
            raise CommandError(exc.message) from exc
        except RosterHasErrors as exc:
            check = exc.check
            self._print_errors(check)
            raise CommandError(exc.message) from exc
        finally:
            bar.close()

        if dry_run:
            self._print_errors(check)
            self._print_check(check)
            if not check.is_clean and not only_valid:
                raise CommandError(f"{check.invalid_count} rows have errors.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.skipped} rows skipped; "
                f"{result.dwellings_created} dwellings and {result.households_created} "
                f"households created, {result.dwellings_updated} floor areas updated."
            )
        )

    def _print_errors(self, check) -> None:
        for error in check.errors():
            self.stdout.write(str(error))

    def _print_check(self, check) -> None:
        self.stdout.write(
            f"Dry run: {check.row_count} rows, {check.valid_count} valid, "
            f"{check.invalid_count} with errors; would create {check.to_create}, "
            f"update {check.to_update}, leave {check.unchanged} unchanged; "
            f"{check.dwellings_to_create} new dwellings, {check.households_to_create} new "
            f"households. Nothing was written."
        )

"""Excel roster (花名册): the template, a row-by-row check, the import and the export.

One file format both ways: the Chinese headers in COLUMNS, one row per resident. A person is
recognised by (community, name, birth date), so importing the same file twice updates the
people it created instead of adding them again. An empty optional cell leaves the stored
value as it is; the file never clears data.
"""

import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from operator import attrgetter
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gongzhi.accounts.models import PHONE_VALIDATOR
from gongzhi.core.audit import record

from .models import Building, Community, Dwelling, Household, Resident
from .overview import touch_community

# A file with more data rows is refused as a whole: split it (or raise this for the command).
MAX_ROWS = 100_000
# Rows written per INSERT/UPDATE and keys per IN (...) lookup; below SQLite's variable limit.
BATCH = 500
# Names per lookup of existing residents: fewer, larger queries cost less than many small.
NAME_BATCH = 1000
# The header row may sit under a title row or two ("机械社区居民花名册").
HEADER_SEARCH_ROWS = 5
PROGRESS_EVERY = 1000

AREA_STEP = Decimal("0.01")
AREA_LIMIT = Decimal("1000000")  # max_digits=8, decimal_places=2
EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    max_length: int = 0


COLUMNS = (
    Column("compound", "小区", True, 16, 100),
    Column("building", "楼栋", True, 10, 50),
    Column("number", "房号", True, 10, 20),
    Column("floor_area", "面积(m²)", False, 10),
    Column("name", "姓名", True, 12, 50),
    Column("gender", "性别", True, 6),
    Column("birth_date", "出生日期", True, 12),
    Column("phone", "手机号", False, 14),
    Column("tags", "标签", False, 20),
    Column("moved_in_on", "迁入日期", False, 12),
)
HEADERS = {column.key: column.header for column in COLUMNS}
COLUMN = {column.key: column for column in COLUMNS}
# Headers people commonly type instead of ours, after _normalise_header().
HEADER_ALIASES = {"面积": "floor_area", "手机": "phone", "手机号码": "phone", "房屋": "number"}

TAG_FLAGS = {"独居老人": "lives_alone", "残疾": "has_disability", "低保": "low_income"}
FLAG_FIELDS = tuple(TAG_FLAGS.values())
GENDERS = {
    "男": Resident.Gender.MALE,
    "男性": Resident.Gender.MALE,
    "女": Resident.Gender.FEMALE,
    "女性": Resident.Gender.FEMALE,
}
GENDER_LABELS = {Resident.Gender.MALE: "男", Resident.Gender.FEMALE: "女"}

DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
TAG_SPLIT_RE = re.compile(r"[、,，;；\s]+")
PHONE_NOISE_RE = re.compile(r"[\s\-()（）]")
AREA_UNIT_RE = re.compile(r"\s*(m²|m2|㎡|平方米|平米)\s*$", re.IGNORECASE)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterError(Exception):
    """A roster that cannot be imported as asked; message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RosterFileError(RosterError):
    """The file as a whole is unusable: not an .xlsx, no header row, too many rows."""


class RosterHasErrors(RosterError):
    """Some rows are wrong and the user did not choose to import only the valid ones."""

    def __init__(self, check: "RosterCheck"):
        count = check.invalid_count
        super().__init__(
            ngettext(
                "%(count)s row has errors; nothing was imported.",
                "%(count)s rows have errors; nothing was imported.",
                count,
            )
            % {"count": count}
        )
        self.check = check


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell (or in the row as a whole when column is empty)."""

    line: int
    column: str
    code: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.line, "message": self.message}
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(slots=True)
class RosterRow:
    """One data row of the sheet, parsed; line is its row number in Excel."""

    line: int
    compound: str = ""
    building: str = ""
    number: str = ""
    floor_area: Decimal | None = None
    name: str = ""
    gender: str = ""
    birth_date: date | None = None
    phone: str = ""
    # None: the cell was empty, keep the stored flags; otherwise the flag fields to set.
    tags: frozenset[str] | None = None
    moved_in_on: date | None = None
    errors: list[RowError] = field(default_factory=list)
    building_id: int | None = None
    resident_id: int | None = None
    action: str = ""  # "create", "update" or "unchanged" once checked against the registry
    changes: dict[str, Any] = field(default_factory=dict)

    def error(self, key: str, code: str, message: str) -> None:
        self.errors.append(RowError(self.line, HEADERS.get(key, ""), code, message))

    @property
    def dwelling_key(self) -> tuple[str, str, str]:
        return (self.compound, self.building, self.number)

    @property
    def place(self) -> tuple[int, str]:
        """(building id, dwelling number), once the building is known."""
        assert self.building_id is not None
        return (self.building_id, self.number)


@dataclass(frozen=True, slots=True)
class ExistingResident:
    """The stored values an import may change, for one matched resident."""

    id: int
    gender: str
    phone: str
    lives_alone: bool
    has_disability: bool
    low_income: bool
    moved_in_on: date | None
    household_id: int | None


EXISTING_FIELDS = (
    "id",
    "gender",
    "phone",
    "lives_alone",
    "has_disability",
    "low_income",
    "moved_in_on",
    "household_id",
)


@dataclass
class RosterCheck:
    """The dry run: every row with its errors, and what importing the valid rows would do."""

    rows: list[RosterRow]
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    dwellings_to_create: int = 0
    dwellings_to_update: int = 0
    households_to_create: int = 0
    # The plan, keyed for the import: (building_id, number) -> (dwelling id, area).
    dwellings: dict[tuple[int, str], tuple[int, Decimal | None]] = field(default_factory=dict)
    households: dict[int, int] = field(default_factory=dict)  # dwelling id -> household id
    # Every household in the file's buildings -> its dwelling, to tell who has moved.
    household_dwellings: dict[int, int] = field(default_factory=dict)
    areas: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def valid_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def invalid_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def valid_count(self) -> int:
        return self.row_count - self.invalid_count

    @property
    def is_clean(self) -> bool:
        return self.invalid_count == 0

    def stored_dwelling(self, row: RosterRow) -> tuple[int | None, Decimal | None]:
        """Return (id, floor area) of the row's dwelling in the registry, or (None, None)."""
        return self.dwellings.get(row.place) or (None, None)

    def errors(self) -> Iterator[RowError]:
        """Yield every row error in sheet order."""
        for row in self.rows:
            yield from row.errors

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    created: int
    updated: int
    unchanged: int
    skipped: int
    dwellings_created: int
    dwellings_updated: int
    households_created: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


Progress = Callable[[int, int | None], None]


# Reading the sheet: no database here, so it can run outside the import's transaction.


def _normalise_header(value: Any) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    text = text.replace("（", "(").replace("）", ")").replace("㎡", "m²").replace("m2", "m²")
    return text.replace("*", "")


HEADER_KEYS = {_normalise_header(column.header): column.key for column in COLUMNS} | HEADER_ALIASES


def _header_map(values: tuple) -> dict[str, int]:
    """Map column keys to their index in a header row."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        key = HEADER_KEYS.get(_normalise_header(value))
        if key and key not in found:
            found[key] = index
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _parse_date(row: RosterRow, key: str, value: Any) -> date | None:
    """Return the cell as a date, or None after recording why it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if match is None:
        row.error(
            key,
            "not_a_date",
            _("“%(value)s” is not a date; write it as YYYY-MM-DD") % {"value": text},
        )
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        row.error(
            key, "impossible_date", _("“%(value)s” is not a real calendar date") % {"value": text}
        )
        return None


def _check_date_range(row: RosterRow, key: str, day: date | None, today: date) -> date | None:
    if day is None:
        return None
    if day > today:
        row.error(key, "future_date", _("%(value)s is in the future") % {"value": day.isoformat()})
        return None
    if day < EARLIEST_BIRTH:
        row.error(
            key, "impossible_date", _("%(value)s is before 1900") % {"value": day.isoformat()}
        )
        return None
    return day


def _parse_area(row: RosterRow, value: Any) -> Decimal | None:
    raw = AREA_UNIT_RE.sub("", value.strip()) if isinstance(value, str) else value
    try:
        area = Decimal(str(raw)).quantize(AREA_STEP)
    except (InvalidOperation, ValueError):
        area = None
    if area is None or not area.is_finite() or area <= 0 or area >= AREA_LIMIT:
        row.error(
            "floor_area",
            "bad_area",
            _("“%(value)s” is not a floor area in m²; write a number above 0, e.g. 85.5")
            % {"value": _text(value)},
        )
        return None
    return area


def _parse_phone(row: RosterRow, value: Any) -> str:
    text = PHONE_NOISE_RE.sub("", _text(value))
    if text.startswith("+86"):
        text = text[3:]
    try:
        PHONE_VALIDATOR(text)
    except ValidationError:
        row.error(
            "phone",
            "bad_phone",
            _("“%(value)s” is not a valid 11-digit mobile number") % {"value": _text(value)},
        )
        return ""
    return text


def _parse_tags(row: RosterRow, value: Any) -> frozenset[str] | None:
    flags = set()
    for tag in TAG_SPLIT_RE.split(_text(value)):
        if not tag:
            continue
        if tag not in TAG_FLAGS:
            row.error(
                "tags",
                "bad_tag",
                _("“%(value)s” is not a known tag; use %(tags)s")
                % {"value": tag, "tags": "、".join(TAG_FLAGS)},
            )
            return None
        flags.add(TAG_FLAGS[tag])
    return frozenset(flags)


def _required_text(row: RosterRow, key: str, value: Any) -> str:
    text = _text(value)
    limit = COLUMN[key].max_length
    if not text:
        row.error(key, "required", _("is empty; this column is required"))
    elif len(text) > limit:
        row.error(key, "too_long", _("is longer than %(max)s characters") % {"max": limit})
        return ""
    return text


def _parse_gender(row: RosterRow, value: Any) -> str:
    if value is None:
        row.error("gender", "required", _("is empty; this column is required"))
        return ""
    gender = GENDERS.get(_text(value), "")
    if not gender:
        row.error(
            "gender", "bad_gender", _("“%(value)s” must be 男 or 女") % {"value": _text(value)}
        )
    return gender


def _parse_birth_date(row: RosterRow, value: Any, today: date) -> date | None:
    if value is None:
        row.error("birth_date", "required", _("is empty; this column is required"))
        return None
    return _check_date_range(row, "birth_date", _parse_date(row, "birth_date", value), today)


def _parse_moved_in(row: RosterRow, value: Any, today: date) -> date | None:
    moved_in_on = _check_date_range(
        row, "moved_in_on", _parse_date(row, "moved_in_on", value), today
    )
    if moved_in_on and row.birth_date and moved_in_on < row.birth_date:
        row.error(
            "moved_in_on",
            "before_birth",
            _("%(value)s is before the birth date %(birth)s")
            % {"value": moved_in_on.isoformat(), "birth": row.birth_date.isoformat()},
        )
        return None
    return moved_in_on


def _parse_row(line: int, values: tuple, index: dict[str, int], today: date) -> RosterRow:
    """Parse one sheet row into a RosterRow, recording an error for each bad cell."""

    def cell(key: str) -> Any:
        position = index.get(key)
        if position is None or position >= len(values):
            return None
        value = values[position]
        return None if isinstance(value, str) and not value.strip() else value

    row = RosterRow(line=line)
    row.compound = _required_text(row, "compound", cell("compound"))
    row.building = _required_text(row, "building", cell("building"))
    row.number = _required_text(row, "number", cell("number"))
    row.name = _required_text(row, "name", cell("name"))
    row.gender = _parse_gender(row, cell("gender"))
    row.birth_date = _parse_birth_date(row, cell("birth_date"), today)
    if (area := cell("floor_area")) is not None:
        row.floor_area = _parse_area(row, area)
    if (phone := cell("phone")) is not None:
        row.phone = _parse_phone(row, phone)
    if (tags := cell("tags")) is not None:
        row.tags = _parse_tags(row, tags)
    if (moved_in := cell("moved_in_on")) is not None:
        row.moved_in_on = _parse_moved_in(row, moved_in, today)
    return row


def _open_rows(file) -> tuple[Any, Iterator[tuple], int | None]:
    """Open the first sheet in read-only mode: (workbook, row iterator, declared row count)."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors for bad files
        raise RosterFileError(
            _("This is not an Excel .xlsx file, or the file is damaged.")
        ) from exc
    if not workbook.worksheets:
        workbook.close()
        raise RosterFileError(_("The file has no worksheet."))
    sheet = workbook.worksheets[0]
    # From the sheet's <dimension>, which some writers leave out: then no progress total.
    return workbook, sheet.iter_rows(values_only=True), sheet.max_row


def _find_header(rows: Iterator[tuple]) -> tuple[int, dict[str, int]]:
    for line in range(1, HEADER_SEARCH_ROWS + 1):
        values = next(rows, None)
        if values is None:
            break
        index = _header_map(values)
        if "name" in index:
            missing = [c.header for c in COLUMNS if c.required and c.key not in index]
            if missing:
                raise RosterFileError(
                    _("The header row lacks these required columns: %(columns)s.")
                    % {"columns": "、".join(missing)}
                )
            return line, index
    raise RosterFileError(
        _(
            "No header row found: the first row must hold the column names %(columns)s. "
            "Start from the template."
        )
        % {"columns": "、".join(HEADERS.values())}
    )


def read_roster(file, progress: Progress | None = None) -> RosterCheck:
    """Read and check every row of the sheet on its own, before looking at the registry."""
    workbook, rows, declared = _open_rows(file)
    total = declared - 1 if declared else None
    today = timezone.localdate()
    parsed: list[RosterRow] = []
    people: dict[tuple[str, date], int] = {}
    areas: dict[tuple[str, str, str], tuple[Decimal, int]] = {}
    try:
        header_line, index = _find_header(rows)
        for line, values in enumerate(rows, start=header_line + 1):
            if not any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                continue
            if len(parsed) >= MAX_ROWS:
                raise RosterFileError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": f"{MAX_ROWS:,}"}
                )
            row = _parse_row(line, values, index, today)
            _check_duplicate(row, people)
            _check_area(row, areas)
            parsed.append(row)
            if progress and len(parsed) % PROGRESS_EVERY == 0:
                progress(len(parsed), total)
    except RosterFileError:
        raise
    except Exception as exc:  # a damaged sheet can fail half-way through the XML
        raise RosterFileError(_("The file is damaged and could not be read to the end.")) from exc
    finally:
        workbook.close()
    if not parsed:
        raise RosterFileError(_("The file has a header row but no residents under it."))
    if progress:
        progress(len(parsed), len(parsed))
    return RosterCheck(rows=parsed, areas={key: area for key, (area, _line) in areas.items()})


def _check_duplicate(row: RosterRow, people: dict[tuple[str, date], int]) -> None:
    """Flag the second row for the same person (same name and birth date) in one file."""
    if not row.name or row.birth_date is None:
        return
    key = (row.name, row.birth_date)
    first = people.setdefault(key, row.line)
    if first != row.line:
        row.error(
            "name",
            "duplicate_person",
            _("%(name)s born %(birth)s is already in row %(row)s")
            % {"name": row.name, "birth": row.birth_date.isoformat(), "row": first},
        )


def _check_area(row: RosterRow, areas: dict[tuple[str, str, str], tuple[Decimal, int]]) -> None:
    """Flag a floor area that contradicts an earlier row for the same dwelling."""
    if row.floor_area is None or not (row.compound and row.building and row.number):
        return
    area, first = areas.setdefault(row.dwelling_key, (row.floor_area, row.line))
    if area != row.floor_area:
        row.error(
            "floor_area",
            "area_conflict",
            _("%(value)s differs from %(other)s given for the same dwelling in row %(row)s")
            % {"value": row.floor_area, "other": area, "row": first},
        )


# Checking against the registry: one community, looked up by the keys the file names.


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _resolve_buildings(check: RosterCheck, community: Community) -> None:
    names = sorted({row.compound for row in check.rows if row.compound})
    buildings: dict[tuple[str, str], int] = {}
    compounds: set[str] = set()
    for chunk in _chunks(names):
        compounds.update(
            community.compounds.filter(name__in=chunk).order_by().values_list("name", flat=True)
        )
        rows = (
            Building.objects.filter(community=community, compound__name__in=chunk)
            .order_by()
            .values_list("id", "compound__name", "name")
        )
        for building_id, compound_name, name in rows:
            buildings[(compound_name, name)] = building_id
    for row in check.rows:
        if not row.compound or not row.building:
            continue
        row.building_id = buildings.get((row.compound, row.building))
        if row.building_id is not None:
            continue
        if row.compound not in compounds:
            row.error(
                "compound",
                "unknown_compound",
                _("there is no compound “%(value)s” in this community") % {"value": row.compound},
            )
        else:
            row.error(
                "building",
                "unknown_building",
                _("there is no building “%(value)s” in compound “%(compound)s”")
                % {"value": row.building, "compound": row.compound},
            )


def _resolve_dwellings(check: RosterCheck, community: Community) -> None:
    building_ids = sorted({row.building_id for row in check.rows if row.building_id})
    for chunk in _chunks(building_ids):
        dwellings = (
            Dwelling.objects.filter(community=community, building_id__in=chunk)
            .order_by()
            .values_list("id", "building_id", "number", "floor_area")
        )
        for dwelling_id, building_id, number, area in dwellings:
            check.dwellings[(building_id, number)] = (dwelling_id, area)
        # The first active household of each dwelling is the one new people join.
        households = (
            Household.objects.filter(community=community, dwelling__building_id__in=chunk)
            .order_by("dwelling_id", "-is_active", "id")
            .values_list("dwelling_id", "id")
        )
        for dwelling_id, household_id in households:
            check.households.setdefault(dwelling_id, household_id)
            check.household_dwellings[household_id] = dwelling_id


def _existing_residents(
    check: RosterCheck, community: Community
) -> dict[tuple[str, date], list[ExistingResident]]:
    names = sorted({row.name for row in check.rows if row.name and row.birth_date})
    found: dict[tuple[str, date], list[ExistingResident]] = defaultdict(list)
    for chunk in _chunks(names, NAME_BATCH):
        # No ORDER BY: the model's default (name_pinyin) would steer the planner away from
        # the (community, name) index and scan the whole community for every chunk.
        rows = (
            Resident.objects.filter(community=community, name__in=chunk)
            .order_by()
            .values_list("name", "birth_date", *EXISTING_FIELDS)
        )
        for name, birth_date, *values in rows:
            if birth_date is not None:
                found[(name, birth_date)].append(ExistingResident(*values))
    return found


def _changes(
    row: RosterRow, old: ExistingResident, dwelling_id: int | None, check: RosterCheck
) -> dict[str, Any]:
    """Return the fields an import would change on a matched resident."""
    new: dict[str, Any] = {"gender": row.gender}
    if row.phone:
        new["phone"] = row.phone
    if row.tags is not None:
        new.update({flag: flag in row.tags for flag in FLAG_FIELDS})
    if row.moved_in_on:
        new["moved_in_on"] = row.moved_in_on
    changes = {name: value for name, value in new.items() if getattr(old, name) != value}
    # Someone listed in another dwelling has moved there; staying in any household of the
    # same dwelling is not a change.
    old_dwelling_id = check.household_dwellings.get(old.household_id or 0)
    if dwelling_id is None or old_dwelling_id != dwelling_id:
        changes["household"] = True
    return changes


def _plan(check: RosterCheck, community: Community) -> None:
    """Decide, for each valid row, whether it creates, updates or leaves a resident."""
    existing = _existing_residents(check, community)
    for row in check.rows:
        if row.errors:
            continue
        assert row.building_id is not None and row.birth_date is not None
        matches = existing.get((row.name, row.birth_date), [])
        if len(matches) > 1:
            row.error(
                "name",
                "ambiguous_person",
                _(
                    "%(count)s residents of this community already have this name and birth "
                    "date; merge them first"
                )
                % {"count": len(matches)},
            )
        elif matches:
            dwelling_id = check.stored_dwelling(row)[0]
            row.resident_id = matches[0].id
            row.changes = _changes(row, matches[0], dwelling_id, check)
            row.action = "update" if row.changes else "unchanged"
        else:
            row.action = "create"
    _count(check)


def _count(check: RosterCheck) -> None:
    """Count what importing the valid rows writes, exactly as _write() will."""
    new_dwellings: set[tuple[int, str]] = set()
    updated_dwellings: set[int] = set()
    need_household: set[tuple[int, str]] = set()
    actions: dict[str, int] = defaultdict(int)
    for row in check.valid_rows:
        actions[row.action] += 1
        key = row.place
        dwelling_id, stored_area = check.stored_dwelling(row)
        area = check.areas.get(row.dwelling_key)
        if dwelling_id is None:
            new_dwellings.add(key)
        elif area is not None and area != stored_area:
            updated_dwellings.add(dwelling_id)
        joins = row.action == "create" or "household" in row.changes
        if joins and (dwelling_id is None or dwelling_id not in check.households):
            need_household.add(key)
    check.to_create = actions["create"]
    check.to_update = actions["update"]
    check.unchanged = actions["unchanged"]
    check.dwellings_to_create = len(new_dwellings)
    check.dwellings_to_update = len(updated_dwellings)
    check.households_to_create = len(need_household)


def check_roster(check: RosterCheck, community: Community) -> RosterCheck:
    """Check the read rows against the community's registry and plan the import."""
    _resolve_buildings(check, community)
    _resolve_dwellings(check, community)
    _plan(check, community)
    return check


def parse_roster(file, community: Community, progress: Progress | None = None) -> RosterCheck:
    """Dry run: read the sheet, check every row, count what an import would do. Writes nothing."""
    return check_roster(read_roster(file, progress), community)


# Writing. Both helpers take model instances, so defaults and fill_search_keys() work as
# usual; they read no ids back (the callers reload the few they need by key). CPU seconds
# measured on the bench database: inserting 50,000 residents on SQLite took 3.5 s with
# bulk_create(), which Django caps at 999 parameters (47 residents per INSERT), and 1.1 s
# with executemany() of a plain INSERT; on PostgreSQL bulk_create()'s UNNEST insert is the
# fastest. bulk_update() builds a CASE WHEN branch per row and field, so its cost grows with
# the square of the batch: 10,000 changed phones took 2.6 s (SQLite) and 2.5 s (PostgreSQL)
# against 0.1 s and 0.2 s with executemany() of a plain UPDATE.

# Strings, booleans, integers and foreign-key ids go to the database driver as they are.
PLAIN_FIELDS = (models.CharField, models.BooleanField, models.IntegerField, models.ForeignKey)


def _db_value(field, now) -> Callable[[Any], Any]:
    """Return obj -> the value of field to send, as save() would prepare it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = field.get_db_prep_save(now, connection)
        return lambda obj: value
    if isinstance(field, PLAIN_FIELDS):
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)


def _insert_in_bulk(model, objects: list) -> None:
    """Insert new rows in batches."""
    if connection.vendor != "sqlite":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    values = [_db_value(field, now) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, never from the file.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in _chunks(objects):
            cursor.executemany(sql, [[value(obj) for value in values] for obj in chunk])


def _update_in_bulk(model, objects: list, names: list[str]) -> None:
    """Write the named fields (and updated_at) of existing rows, one UPDATE per row."""
    meta = model._meta
    fields = [meta.get_field(name) for name in [*names, "updated_at"]]
    now = timezone.now()
    values = [_db_value(field, now) for field in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in _chunks(objects):
            cursor.executemany(sql, [[value(obj) for value in values] + [obj.pk] for obj in chunk])


def _apply_dwellings(
    check: RosterCheck, rows: list[RosterRow], community: Community
) -> tuple[int, int]:
    """Add the new dwellings, record new floor areas, then reload the dwellings' ids."""
    created: dict[tuple[int, str], Dwelling] = {}
    updated: dict[int, Dwelling] = {}
    for row in rows:
        key = row.place
        area = check.areas.get(row.dwelling_key)
        dwelling_id, stored_area = check.stored_dwelling(row)
        if dwelling_id is None and key not in created:
            created[key] = Dwelling(
                community=community,
                building_id=key[0],
                number=row.number,
                floor_area=area,
                area_source=Dwelling.AreaSource.REGISTERED if area is not None else "",
            )
        elif dwelling_id is not None and area is not None and area != stored_area:
            updated[dwelling_id] = Dwelling(
                id=dwelling_id, floor_area=area, area_source=Dwelling.AreaSource.REGISTERED
            )
    _insert_in_bulk(Dwelling, list(created.values()))
    _update_in_bulk(Dwelling, list(updated.values()), ["floor_area", "area_source"])
    if created:
        _resolve_dwellings(check, community)
    return len(created), len(updated)


def _apply_households(check: RosterCheck, rows: list[RosterRow], community: Community) -> int:
    """Give each dwelling that someone joins a household, then reload the households' ids."""
    needed = {
        check.dwellings[row.place][0]
        for row in rows
        if row.action == "create" or "household" in row.changes
    }
    created = [
        Household(community=community, dwelling_id=dwelling_id)
        for dwelling_id in sorted(needed - check.households.keys())
    ]
    _insert_in_bulk(Household, created)
    if created:
        _resolve_dwellings(check, community)
    return len(created)


def _household_of(check: RosterCheck, row: RosterRow) -> int:
    return check.households[check.dwellings[row.place][0]]


def _create_residents(check: RosterCheck, rows: list[RosterRow], community: Community) -> int:
    residents = []
    for row in rows:
        if row.action != "create":
            continue
        tags = row.tags or frozenset()
        resident = Resident(
            community=community,
            household_id=_household_of(check, row),
            name=row.name,
            gender=row.gender,
            birth_date=row.birth_date,
            phone=row.phone,
            moved_in_on=row.moved_in_on,
            **{flag: flag in tags for flag in FLAG_FIELDS},
        )
        resident.fill_search_keys()  # a bulk insert skips save(), which fills them
        residents.append(resident)
    _insert_in_bulk(Resident, residents)
    return len(residents)


# The columns Resident.fill_search_keys() derives from name and phone: its non-editable fields.
SEARCH_KEY_FIELDS = tuple(
    field.name
    for field in Resident._meta.concrete_fields
    if not field.editable
    and not field.primary_key
    and field.name not in ("created_at", "updated_at")
)


def _update_residents(check: RosterCheck, rows: list[RosterRow]) -> int:
    """Update matched residents, grouped by the fields that changed so each UPDATE stays narrow."""
    groups: dict[tuple[str, ...], list[Resident]] = defaultdict(list)
    for row in rows:
        if row.action != "update":
            continue
        values = {name: value for name, value in row.changes.items() if name != "household"}
        if "household" in row.changes:
            values["household_id"] = _household_of(check, row)
        resident = Resident(id=row.resident_id, name=row.name, **values)
        fields = tuple(sorted(name.removesuffix("_id") for name in values))
        if "phone" in values:
            resident.fill_search_keys()  # a bulk update skips save(), which fills them
            fields += SEARCH_KEY_FIELDS
        groups[fields].append(resident)
    for fields, residents in groups.items():
        _update_in_bulk(Resident, residents, list(fields))
    return sum(len(residents) for residents in groups.values())


def _write(check: RosterCheck, community: Community) -> ImportResult:
    rows = check.valid_rows
    dwellings_created, dwellings_updated = _apply_dwellings(check, rows, community)
    households_created = _apply_households(check, rows, community)
    created = _create_residents(check, rows, community)
    updated = _update_residents(check, rows)
    return ImportResult(
        created=created,
        updated=updated,
        unchanged=check.unchanged,
        skipped=check.invalid_count,
        dwellings_created=dwellings_created,
        dwellings_updated=dwellings_updated,
        households_created=households_created,
    )


def import_roster(
    *,
    community: Community,
    actor,
    file,
    only_valid: bool,
    progress: Progress | None = None,
    via: str = "web",
) -> ImportResult:
    """Import the roster file into the community; refuse, writing nothing, if rows are wrong.

    With only_valid the wrong rows are skipped and the rest imported. Raises RosterFileError
    for an unusable file and RosterHasErrors when rows are wrong and only_valid is False.
    """
    # Reading the sheet is the slow part and touches no table: keep it out of the transaction
    # so SQLite's write lock is held only for the writes.
    check = read_roster(file, progress)
    with transaction.atomic():
        # One import per community at a time, so two uploads cannot both add the same dwelling.
        list(Community.objects.select_for_update().filter(pk=community.pk).values_list("pk"))
        check_roster(check, community)
        if not check.is_clean and not only_valid:
            raise RosterHasErrors(check)
        result = _write(check, community)
        record(
            actor=actor,
            action="roster.import",
            target=community,
            community_id=community.pk,
            data={
                "rows": check.row_count,
                "only_valid": only_valid,
                "via": via,
                **result.as_dict(),
            },
        )
        # The overview's cached figures are out of date once the import commits.
        transaction.on_commit(lambda: touch_community(community.pk))
    return result


# Template and export.


def _header_row(sheet) -> None:
    sheet.append([column.header for column in COLUMNS])


def write_template() -> bytes:
    """Return an empty roster workbook: the header row, column formats and a notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Roster")
    _header_row(sheet)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = column.width
        if column.key in ("number", "phone", "building"):
            # Text, so Excel keeps 0101 and does not turn a phone number into 1.38E+10.
            sheet.column_dimensions[letter].number_format = "@"
        if column.key in ("birth_date", "moved_in_on"):
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
    gender_letter = get_column_letter([c.key for c in COLUMNS].index("gender") + 1)
    genders = DataValidation(type="list", formula1='"男,女"', allow_blank=True)
    genders.add(f"{gender_letter}2:{gender_letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(genders)

    notes = workbook.create_sheet(_("Notes"))
    notes.column_dimensions["A"].width = 100
    required = "、".join(c.header for c in COLUMNS if c.required)
    optional = "、".join(c.header for c in COLUMNS if not c.required)
    for line in (
        _("Fill in one row per resident on the first sheet and keep the column names in row 1."),
        _("Required columns: %(columns)s.") % {"columns": required},
        _("Optional columns: %(columns)s.") % {"columns": optional},
        _(
            "The compound and the building must already exist in the community; "
            "a new dwelling number is added to its building."
        ),
        _("Gender: 男 or 女. Dates: YYYY-MM-DD, for example 1950-05-01."),
        _("Mobile number: 11 digits. Tags: %(tags)s, separated by 、 or a comma.")
        % {"tags": "、".join(TAG_FLAGS)},
        _(
            "A person is recognised by name and birth date: importing the same person again "
            "updates the record instead of adding a second one."
        ),
        _("An empty optional cell leaves the stored value unchanged."),
        _("Do not add ID card numbers or party membership: they are never imported or exported."),
    ):
        notes.append([line])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _export_rows(community: Community) -> Iterator[list]:
    """Yield the export's rows: active residents of the community, home by home."""
    residents = (
        Resident.objects.filter(community=community, status=Resident.Status.ACTIVE)
        .order_by(
            "household__dwelling__building__compound__name",
            "household__dwelling__building__name",
            "household__dwelling__number",
            "name_pinyin",
            "id",
        )
        .values_list(
            "household__dwelling__building__compound__name",
            "household__dwelling__building__name",
            "household__dwelling__number",
            "household__dwelling__floor_area",
            "name",
            "gender",
            "birth_date",
            "phone",
            *FLAG_FIELDS,
            "moved_in_on",
        )
    )
    tag_names = {flag: tag for tag, flag in TAG_FLAGS.items()}
    for values in residents.iterator(chunk_size=2000):
        compound, building, number, area, name, gender, birth, phone, *flags, moved_in = values
        tags = "、".join(tag_names[f] for f, on in zip(FLAG_FIELDS, flags, strict=True) if on)
        yield [
            compound,
            building,
            number,
            area,
            name,
            GENDER_LABELS.get(gender, ""),
            birth,
            phone or None,
            tags or None,
            moved_in,
        ]


def export_roster(*, community: Community, actor) -> IO[bytes]:
    """Write the community's roster to a temporary .xlsx file, audit it, return it rewound.

    Names and phones are in full (only editors may export); party membership never is.
    The write-only workbook keeps memory flat whatever the number of residents.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Roster"))
    _header_row(sheet)
    count = 0
    for values in _export_rows(community):
        sheet.append(values)
        count += 1
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller streams and closes it
    workbook.save(out)
    out.seek(0)
    record(
        actor=actor,
        action="roster.export",
        target=community,
        community_id=community.pk,
        data={"rows": count},
    )
    return out

"""Build roster workbooks in memory for the roster tests."""

from datetime import date
from io import BytesIO

from openpyxl import Workbook

from gongzhi.registry.roster import COLUMNS

DEFAULTS = {
    "compound": "机械小区",
    "building": "1栋",
    "number": "101",
    "floor_area": 85.5,
    "name": "赵一",
    "gender": "男",
    "birth_date": date(1950, 5, 1),
    "phone": "13900000001",
    "tags": None,
    "moved_in_on": None,
}


def person(**values) -> dict:
    """Return one roster row: the defaults with the given cells replaced."""
    return DEFAULTS | values


def roster_file(*rows: dict, headers: list[str] | None = None) -> BytesIO:
    """Return an .xlsx file holding the template's header row and the given rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or [column.header for column in COLUMNS])
    for row in rows:
        sheet.append([row.get(column.key) for column in COLUMNS])
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out

"""Benchmark the Excel roster import: 50,000 rows into one community of a city-size registry.

    .venv/bin/python bench/bench_import.py [--rows 50000] [--residents 200000] [--communities 20]

Uses a throwaway SQLite file under bench/results/ (recreated each run), or DATABASE_URL when
set (name a throwaway database: the bench adds two communities to it on every run). It makes
a background city of --residents residents in --communities communities, then new communities
with 10 compounds of 20 buildings, and a roster of --rows rows (about 2.5 people per
dwelling) written twice: as Excel and WPS save it (shared strings), and as openpyxl's
write-only mode does (inline strings, no <dimension>: twice as slow to read). It times:

- the baselines: reading each file alone with openpyxl, and bulk_create of as many plain
  Resident rows into the same table (rolled back);
- the dry run (parse_roster) and the first import (parse + write) against the target of
  15 s per 50,000 rows, PASS or FAIL; the exit status follows the Excel file's import;
- a re-import of the same file (nothing changes) and of one where every phone changed.
Wall-clock and CPU seconds are both printed: on a busy machine the CPU column is steadier.
"""

import argparse
import os
import random
import sys
import time
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_SECONDS = 15.0

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文红梅玉珍春凤云莲志永海林波辉鹏飞宇浩然"
    "子涵欣怡雨泽梓萱俊杰嘉琪思远晨阳佳慧德福寿昌荣贵祥瑞安宁秋菊冬梅金银宝成功利民新生长青松柏"
)
TAGS = (("独居老人", 0.08), ("残疾", 0.03), ("低保", 0.02))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="rows in the Excel file")
    parser.add_argument("--residents", type=int, default=200_000, help="background city size")
    parser.add_argument("--communities", type=int, default=20, help="background communities")
    parser.add_argument("--seed", type=int, default=7)
    # run_all.py passes its options to every bench; ignore the ones this bench has no use for.
    args, _unknown = parser.parse_known_args()
    return args


def setup_django() -> str:
    """Point Django at the throwaway database, migrate it, and describe it."""
    sys.path.insert(0, str(ROOT))
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    # DEBUG off, as in production: with DEBUG on Django keeps every query in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-outside-bench-results")
    if not os.environ.get("DATABASE_URL"):
        path = RESULTS / "bench_import.sqlite3"
        for stale in RESULTS.glob("bench_import.sqlite3*"):
            stale.unlink()
        os.environ["SQLITE_PATH"] = str(path)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def timed(label: str, fn):
    """Run fn, print its wall-clock and CPU seconds, return (value, wall seconds)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<50} {seconds:7.2f} s  (cpu {cpu_seconds:6.2f} s)", flush=True)
    return value, seconds


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def random_birth(rng: random.Random) -> date:
    return date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 90))


def random_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def bench_subdistrict():
    from gongzhi.registry.models import Subdistrict

    subdistrict, _created = Subdistrict.objects.get_or_create(
        code="429005990", defaults={"name": "导入压测街道"}
    )
    return subdistrict


def next_community(subdistrict, name: str):
    from gongzhi.registry.models import Community

    used = set(Community.objects.filter(subdistrict=subdistrict).values_list("code", flat=True))
    code = next(f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in used)
    return Community.objects.create(subdistrict=subdistrict, name=f"{name}{code}", code=code)


def make_background_city(args, rng: random.Random) -> int:
    """Fill other communities with residents, so lookups run against a city-size table."""
    from gongzhi.registry.models import Building, Compound, Dwelling, Household, Resident

    subdistrict = bench_subdistrict()
    if Resident.objects.exclude(community__name__startswith="导入目标").exists():
        return Resident.objects.count()
    per_community = max(1, args.residents // max(1, args.communities))
    for _ in range(args.communities):
        community = next_community(subdistrict, "背景社区")
        compound = Compound.objects.create(community=community, name="背景小区")
        buildings = Building.objects.bulk_create(
            Building(community=community, compound=compound, name=f"{b}栋") for b in range(1, 21)
        )
        dwellings = Dwelling.objects.bulk_create(
            (
                Dwelling(community=community, building=buildings[d % 20], number=str(100 + d))
                for d in range(per_community // 2 + 1)
            ),
            batch_size=1000,
        )
        households = Household.objects.bulk_create(
            (Household(community=community, dwelling=dwelling) for dwelling in dwellings),
            batch_size=1000,
        )
        # Search keys left empty: these rows only make the table city-sized.
        Resident.objects.bulk_create(
            (
                Resident(
                    community=community,
                    household=households[i // 2],
                    name=random_name(rng),
                    birth_date=random_birth(rng),
                    phone=random_phone(rng),
                )
                for i in range(per_community)
            ),
            batch_size=1000,
        )
    return Resident.objects.count()


def make_target_community(rng: random.Random):
    """A new community with 10 compounds of 20 buildings each, and no dwellings yet."""
    from gongzhi.registry.models import Building, Compound

    community = next_community(bench_subdistrict(), "导入目标社区")
    compounds = Compound.objects.bulk_create(
        Compound(community=community, name=f"第{c}小区") for c in range(1, 11)
    )
    Building.objects.bulk_create(
        Building(community=community, compound=compound, name=f"{b}栋")
        for compound in compounds
        for b in range(1, 21)
    )
    return community


def roster_rows(count: int, rng: random.Random) -> list[list]:
    """Rows for the Excel file: about 2.5 people per dwelling, one floor area per dwelling."""
    people: set[tuple[str, date]] = set()
    rows: list[list] = []
    dwelling_areas: dict[tuple[int, int, str], Decimal] = {}
    while len(rows) < count:
        name, birth = random_name(rng), random_birth(rng)
        if (name, birth) in people:
            continue
        people.add((name, birth))
        dwelling_index = len(rows) * 2 // 5
        compound = 1 + dwelling_index % 10
        building = 1 + (dwelling_index // 10) % 20
        number = f"{1 + (dwelling_index // 200) % 18}{1 + (dwelling_index // 3600):02d}"
        key = (compound, building, number)
        if key not in dwelling_areas:
            dwelling_areas[key] = Decimal(rng.randrange(4500, 15000)) / 100
        tags = "、".join(tag for tag, share in TAGS if rng.random() < share)
        moved_in = (
            birth + timedelta(days=rng.randrange(0, 365 * 20)) if rng.random() < 0.5 else None
        )
        rows.append(
            [
                f"第{compound}小区",
                f"{building}栋",
                number,
                float(dwelling_areas[key]),
                name,
                rng.choice("男女"),
                birth,
                random_phone(rng) if rng.random() < 0.9 else None,
                tags or None,
                moved_in if moved_in and moved_in <= date.today() else None,
            ]
        )
    return rows


def write_openpyxl(path: Path, rows: list[list]) -> None:
    """Write the file as openpyxl's write-only mode does: inline strings, no <dimension>."""
    from openpyxl import Workbook

    from gongzhi.registry.roster import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
        '<sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<styleSheet xmlns="{ns}">'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}
XLSX_NAMES = {
    "ct": "application/vnd.openxmlformats-officedocument.spreadsheetml",
    "ns": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
EXCEL_EPOCH = date(1899, 12, 30)


def write_excel_like(path: Path, rows: list[list]) -> None:
    """Write the file as Excel and WPS save it: shared strings, a <dimension>, date serials.

    openpyxl cannot write shared strings, and reading inline strings costs it twice as
    much, so the bench makes this file itself to time what users actually upload.
    """
    from openpyxl.utils import get_column_letter

    from gongzhi.registry.roster import COLUMNS

    strings: dict[str, int] = {}
    lines = []
    for number, values in enumerate([[c.header for c in COLUMNS], *rows], start=1):
        cells = []
        for column, value in enumerate(values, start=1):
            ref = f"{get_column_letter(column)}{number}"
            if value is None:
                continue
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    last = f"{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    parts = {name: text.format(**XLSX_NAMES) for name, text in XLSX_PARTS.items()}
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{XLSX_NAMES["ns"]}"><dimension ref="A1:{last}"/>'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{XLSX_NAMES["ns"]}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        + "</sst>"
    )
    header = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, header + text)


def read_xlsx_alone(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count - 1


def bulk_create_plain(community, count: int, rng: random.Random) -> int:
    """Insert as many bare Resident rows into the same table, then roll them back."""
    from django.db import transaction

    from gongzhi.registry.models import Resident

    names = [(random_name(rng), random_birth(rng)) for _ in range(count)]
    with transaction.atomic():
        Resident.objects.bulk_create(
            (Resident(community=community, name=n, birth_date=b) for n, b in names),
            batch_size=500,
        )
        transaction.set_rollback(True)
    return count


def verdict(label: str, rows: int, seconds: float) -> bool:
    target = TARGET_SECONDS * rows / 50_000
    passed = seconds <= target
    print(
        f"  target {rows:,} rows in <= {target:.1f} s, {label}: {seconds:.2f} s  "
        f"{'PASS' if passed else 'FAIL'}"
    )
    return passed


def main() -> int:
    args = parse_args()
    rng = random.Random(args.seed)
    database = setup_django()

    from gongzhi.registry.models import Resident
    from gongzhi.registry.roster import import_roster, parse_roster

    print(f"Roster import bench: {args.rows:,} rows; database {database}")
    total, _ = timed(
        f"background city ({args.residents:,} residents)", lambda: make_background_city(args, rng)
    )
    print(f"  residents in the table before the import: {total:,}")
    community = make_target_community(rng)
    other = make_target_community(rng)
    rows, _ = timed("generate rows", lambda: roster_rows(args.rows, rng))
    excel = RESULTS / f"roster-{args.rows}-excel.xlsx"
    written = RESULTS / f"roster-{args.rows}-openpyxl.xlsx"
    changed = RESULTS / f"roster-{args.rows}-excel-new-phones.xlsx"
    timed("write the file as Excel saves it", lambda: write_excel_like(excel, rows))
    timed("write the file with openpyxl (write-only)", lambda: write_openpyxl(written, rows))
    for row in rows:
        row[7] = random_phone(rng)
    timed("write the file with every phone changed", lambda: write_excel_like(changed, rows))

    print("Baselines")
    read_count, read_s = timed(
        "read the Excel file alone (openpyxl)", lambda: read_xlsx_alone(excel)
    )
    _, read_written_s = timed(
        "read the openpyxl file alone (openpyxl)", lambda: read_xlsx_alone(written)
    )
    _, plain_s = timed(
        f"bulk_create {args.rows:,} plain residents (rolled back)",
        lambda: bulk_create_plain(community, args.rows, rng),
    )

    print("Roster")
    check, dry_s = timed(
        "dry run: parse_roster (Excel file)", lambda: parse_roster(excel, community)
    )
    assert check.is_clean and check.to_create == args.rows == read_count, "bad generated file"

    def run(path, target=community):
        return import_roster(community=target, actor=None, file=path, only_valid=False)

    result, import_s = timed("import the Excel file (parse + write)", lambda: run(excel))
    again, again_s = timed("re-import the same file (nothing changes)", lambda: run(excel))
    update, update_s = timed("re-import with every phone changed", lambda: run(changed))
    result_w, import_w_s = timed(
        "import the openpyxl file, another community", lambda: run(written, other)
    )

    stored = Resident.objects.filter(community=community).count()
    assert result.created == args.rows == stored == result_w.created, (result, stored)
    assert (again.created, again.updated, again.unchanged) == (0, 0, args.rows), again
    assert update.created == 0 and update.updated >= args.rows * 0.99, update
    print(
        f"  created {result.created:,} residents, {result.dwellings_created:,} dwellings, "
        f"{result.households_created:,} households; re-imports: {again.unchanged:,} unchanged, "
        f"then {update.updated:,} updated; residents in the community: {stored:,}"
    )

    print("Result")
    print(f"  import / reading the file alone:        {import_s / read_s:5.2f}x")
    print(f"  import / bulk_create of plain rows:     {import_s / plain_s:5.2f}x")
    print(f"  dry run / reading the file alone:       {dry_s / read_s:5.2f}x")
    print(f"  openpyxl file / Excel file, import:     {import_w_s / import_s:5.2f}x")
    print(f"  openpyxl file / Excel file, read alone: {read_written_s / read_s:5.2f}x")
    print(f"  rows per second (first import):         {args.rows / import_s:,.0f}")
    print(f"  re-import, nothing changes:             {again_s:.2f} s (no target)")
    print(f"  re-import, every phone changed:         {update_s:.2f} s (no target)")
    # The target is for a file saved by Excel; the openpyxl-written one is the
    # worst case (inline strings, no <dimension>), shown for comparison.
    verdict("openpyxl-written file", args.rows, import_w_s)
    return 0 if verdict("Excel file", args.rows, import_s) else 1


if __name__ == "__main__":
    sys.exit(main())

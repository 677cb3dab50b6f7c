"""`manage.py demo`: load the Zhouji demo (SCENARIO.md) and print the demo logins."""

from django.core.management.base import BaseCommand

from gongzhi.core.db import analyze
from gongzhi.core.demo import load_demo

HEADINGS = ("角色 Role", "姓名 Name", "手机 Phone", "密码 Password", "地点 Place")


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Lay rows out in aligned columns, headings first."""
    table = [HEADINGS, *rows]
    widths = [max(_width(row[i]) for row in table) for i in range(len(HEADINGS))]
    lines = [
        "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the Zhouji demo (deterministic, safe to run again) and print the demo logins."

    def handle(self, *args, **options):
        result = load_demo(stdout=self.stdout)
        analyze()
        verb = "Loaded" if result["created"] else "Already loaded:"
        self.stdout.write(f"{verb} {result['subdistrict']} ({result['subdistrict_code']})")
        for c in result["communities"]:
            share = c["elderly"] / c["active"] if c["active"] else 0
            self.stdout.write(
                f"  {c['code']} {c['name']}: {c['active']} residents, "
                f"{c['elderly']} aged 60+ ({share:.1%})"
            )
        rows = [
            (x["role_label"], x["name"], x["phone"], x["password"], x["place"])
            for x in result["logins"]
        ]
        self.stdout.write("")
        self.stdout.write(format_table(rows))

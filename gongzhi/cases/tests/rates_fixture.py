"""The hand-computed rates fixture shared by the rates tests (see build_rated's table)."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gongzhi.cases.models import CallBack, Case, Category, HandlingUnit, Status
from gongzhi.cases.rates import Window

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Window.parse("2025-03")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class Rated:
    world: object
    cases: dict
    units: dict
    categories: dict

    @property
    def subdistrict_ids(self):
        return (self.world.community.pk, self.world.other_community.pk)


def category(kind: str, code: str) -> Category:
    return Category.objects.get(
        community__isnull=True, kind=kind, major_code=code[:2], minor_code=code[2:]
    )


def make_case(community, cat, *, grid=None, unit=None, n: int, status=Status.CALLBACK_DONE):
    return Case.objects.create(
        community=community,
        category=cat,
        title=f"case {n}",
        text="text",
        address="somewhere",
        channel=Case.Channel.WEB,
        grid=grid,
        owner_unit=unit,
        current_unit=unit,
        status=status,
    )


def callback(case, when, answers=None, *, latest=True, round_=1):
    """answers: 'YYN' = contacted in time, solved, satisfied; None = not reached."""
    if answers is None:
        made = CallBack(case=case, round=round_, at=when, method="phone", answered=False)
    else:
        contacted, solved, satisfied = (a == "Y" for a in answers)
        made = CallBack(
            case=case, round=round_, at=when, method="phone", answered=True,
            contacted_in_time=contacted, solved=solved, satisfied=satisfied, is_latest=latest,
        )  # fmt: skip
    made.copy_case(case)
    made.save()
    return made


def close(case, closed, due, status=Status.CLOSED):
    Case.objects.filter(pk=case.pk).update(closed_at=closed, due_at=due, status=status)


def build_rated(world) -> Rated:
    """The fixture. A = world.community (grids g1, g2), B = world.other_community.

    | #  | comm | grid | unit | category | latest answered call-back   | closed         |
    |----|------|------|------|----------|------------------------------|----------------|
    | 1  | A    | g1   | U1   | E0102    | 03-05 YYY                    | 03-10, on time |
    | 2  | A    | g1   | U1   | E0102    | 03-06 YYN                    | 03-20, late    |
    | 3  | A    | g1   | U1   | E0102    | 03-07 YNN                    | -              |
    | 4  | A    | g2   | U2   | E0101    | 03-08 NYY                    | 03-09, on time |
    | 5  | A    | g2   | U2   | E0101    | 03-09 YYY                    | 04-01 00:10    |
    | 6  | A    | g2   | U1   | E0501    | 03-10 NNN                    | -              |
    | 7  | B    | -    | U3   | E0102    | 03-11 YYY                    | 03-12, on time |
    | 8  | B    | -    | U3   | E0501    | 03-31 23:30 YNY              | -              |
    | 9  | A    | g1   | U1   | E0102    | 03-02 NNN (old), 03-20 YYY   | 03-25, on time |
    | 10 | A    | g1   | U1   | E0102    | 03-03 YYY (old), 04-01 00:10 | -              |
    | 11 | A    | g1   | U1   | E0102    | 03-15 not reached            | -              |
    | 12 | far  | -    | -    | E0102    | 03-15 YYY                    | 03-16, on time |
    | 13 | A    | g1   | U1   | E0102    | 02-20 YYY                    | 02-21, on time |
    | 14 | B    | -    | U3   | E0102    | -                            | 03-18, no due  |
    | 15 | A    | g1   | U1   | E0102    | -                            | 03-19 reopened |
    """
    w = world
    a, b = w.community, w.other_community
    u1 = HandlingUnit.objects.create(community=a, kind="grid", name="第一网格组")
    u2 = HandlingUnit.objects.create(community=a, kind="property_company", name="物业公司")
    u3 = HandlingUnit.objects.create(community=b, kind="department", name="城管中队")
    e0102, e0101, e0501 = (
        category("event", "0102"),
        category("event", "0101"),
        category("event", "0501"),
    )
    g1, g2 = w.grid, w.other_grid
    spec = {
        1: (a, g1, u1, e0102),
        2: (a, g1, u1, e0102),
        3: (a, g1, u1, e0102),
        4: (a, g2, u2, e0101),
        5: (a, g2, u2, e0101),
        6: (a, g2, u1, e0501),
        7: (b, None, u3, e0102),
        8: (b, None, u3, e0501),
        9: (a, g1, u1, e0102),
        10: (a, g1, u1, e0102),
        11: (a, g1, u1, e0102),
        12: (w.far_community, None, None, e0102),
        13: (a, g1, u1, e0102),
        14: (b, None, u3, e0102),
        15: (a, g1, u1, e0102),
    }
    cases = {
        n: make_case(comm, cat, grid=grid, unit=unit, n=n)
        for n, (comm, grid, unit, cat) in spec.items()
    }
    c = cases
    callback(c[1], at("2025-03-05 10:00"), "YYY")
    callback(c[2], at("2025-03-06 10:00"), "YYN")
    callback(c[3], at("2025-03-07 10:00"), "YNN")
    callback(c[4], at("2025-03-08 10:00"), "NYY")
    callback(c[5], at("2025-03-09 10:00"), "YYY")
    callback(c[6], at("2025-03-10 10:00"), "NNN")
    callback(c[7], at("2025-03-11 10:00"), "YYY")
    callback(c[8], at("2025-03-31 23:30"), "YNY")
    callback(c[9], at("2025-03-02 10:00"), "NNN", latest=False)
    callback(c[9], at("2025-03-20 10:00"), "YYY", round_=2)
    callback(c[10], at("2025-03-03 10:00"), "YYY", latest=False)
    callback(c[10], at("2025-04-01 00:10"), "YYY", round_=2)
    callback(c[11], at("2025-03-15 10:00"), None)
    callback(c[12], at("2025-03-15 10:00"), "YYY")
    callback(c[13], at("2025-02-20 10:00"), "YYY")
    close(c[1], at("2025-03-10 10:00"), at("2025-03-12 10:00"))
    close(c[2], at("2025-03-20 10:00"), at("2025-03-15 10:00"))
    close(c[4], at("2025-03-09 10:00"), at("2025-03-09 10:00"))  # exactly at the deadline
    close(c[5], at("2025-04-01 00:10"), at("2025-04-10 10:00"))
    close(c[7], at("2025-03-12 10:00"), at("2025-03-13 10:00"))
    close(c[9], at("2025-03-25 10:00"), at("2025-03-30 10:00"))
    close(c[12], at("2025-03-16 10:00"), at("2025-03-20 10:00"))
    close(c[13], at("2025-02-21 10:00"), at("2025-02-25 10:00"))
    close(c[14], at("2025-03-18 10:00"), None)
    close(c[15], at("2025-03-19 10:00"), at("2025-03-30 10:00"), status=Status.REOPENED)
    units = {"U1": u1, "U2": u2, "U3": u3}
    return Rated(world=w, cases=cases, units=units, categories={"0102": e0102})

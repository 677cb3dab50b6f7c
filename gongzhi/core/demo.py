"""The Zhouji demo (SCENARIO.md): the subdistrict, its three places, and one login per role.

Everything comes from one seeded random.Random, so two fresh loads give the same people in
the same order. Ages are computed against today's date, so Jixie's share of residents aged
60 or over stays above 51% whenever the demo is loaded. Names are made up from lists of
common surnames and given names; they are not real people.

The building blocks (FictionalPeople, CommunityPlan, build_community) are reused by the
benchmark data generator in bench/generate.py.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q

from gongzhi.accounts.models import Role, RoleAssignment, User
from gongzhi.registry.models import (
    Building,
    Community,
    Compound,
    Dwelling,
    Grid,
    Household,
    Ownership,
    Resident,
    Subdistrict,
)
from gongzhi.registry.querysets import elderly_cutoff

from .audit import record

DEMO_PASSWORD = "gongzhi-demo-2026"  # noqa: S105 (published on purpose: it is the demo's)
SEED = 20260401
BATCH = 1000

SUBDISTRICT_NAME = "周矶街道"
# Qianjiang county code (GB/T 2260) 429005 + street 100 (DOMAIN.md §4).
SUBDISTRICT_CODE = "429005100"
JIXIE, AIMIN, LEITAN = "001", "002", "003"

# --- Fictional names -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)

# Given names by generation and gender: (two-character names, one-character names).
GIVEN_NAMES = {
    ("old", "M"): (
        "建国 建华 国强 志强 德明 文华 明华 振华 国华 长青 桂林 洪涛 卫东 红军 立新 永强 福生 "
        "金生 德胜 家和 树林 春生 国庆 建军 保国 胜利 水生 根生 顺发 志明 玉山 来福 庆华 光明 "
        "万春 学文 世荣 汉生 家贵 友良",
        "强 军 华 明 勇 林 斌 刚 平 辉 忠 海 松 伟 杰",
    ),
    ("old", "F"): (
        "秀英 桂英 秀兰 桂兰 玉兰 淑珍 凤英 玉珍 翠兰 玉梅 秀珍 桂芳 淑英 兰英 春兰 秀云 凤兰 "
        "冬梅 金凤 素珍 月英 美华 菊英 爱华 丽华 玉芳 淑芬 桂香 秀梅 金花",
        "英 兰 珍 芳 梅 华 霞 琴 云 凤 萍 莲 娟 菊 红",
    ),
    ("mid", "M"): (
        "志刚 海涛 建平 晓东 伟民 文斌 俊杰 国栋 晓军 永红 宏伟 剑锋 学军 卫国 新民 立军 鹏飞 "
        "东升 振宇 志勇 海波 建新 晓峰 春雷 文涛",
        "伟 军 勇 涛 斌 峰 磊 鹏 亮 波 刚 超 辉 兵 杰",
    ),
    ("mid", "F"): (
        "丽娟 晓燕 春燕 海燕 丽华 红梅 小红 丽萍 雪梅 秀芳 晓红 彩霞 艳红 美玲 玉洁 慧敏 春梅 "
        "丽君 晓丽 燕玲",
        "丽 燕 霞 静 敏 艳 娟 红 玲 芳 萍 颖 洁 慧 琳",
    ),
    ("young", "M"): (
        "浩然 子轩 宇航 俊熙 梓豪 一鸣 浩宇 子墨 思远 天佑 博文 皓轩 嘉懿 睿泽 明轩 俊豪 文博 "
        "泽宇 宇轩 志豪 家豪 鑫磊 旭东 晨阳 昊天",
        "浩 宇 轩 博 航 睿 晨 阳 鑫 昊 凯 彬 帅 哲 毅",
    ),
    ("young", "F"): (
        "欣怡 梓涵 诗琪 雨涵 思雨 可欣 子涵 梦瑶 佳怡 雨欣 一诺 紫萱 语桐 欣妍 若曦 梦琪 思涵 "
        "佳琪 雨桐 静怡 心怡 晓雯 婉婷 嘉欣 悦然",
        "婷 琪 涵 萱 悦 瑶 妍 怡 雯 彤 倩 璐 晶 蕾 岚",
    ),
}
_GIVEN = {key: (_words(two), _words(one)) for key, (two, one) in GIVEN_NAMES.items()}

# 139 is left out: demo logins use 139xxxxxxxx, so no resident shares their number.
PHONE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 150 151 152 155 156 158 159 166 177 180 181 182 183 185 "
    "186 187 188 189 199"
)

# Household kinds: (kind, weight). The elderly kinds hold only people aged 60 or over, or
# nearly so; the generator picks from them while the share of elderly is below target.
ELDERLY_KINDS = (
    ("elder_alone", 3),
    ("elder_couple", 5),
    ("elder_couple_child", 2),
    ("elder_with_carer", 1),
)
OTHER_KINDS = (("three_generations", 2), ("family", 4), ("young_couple", 2), ("single", 2))


def _cumulative(pairs):
    names = [name for name, _ in pairs]
    return names, list(accumulate(weight for _, weight in pairs))


def years_before(day: date, years: int) -> date:
    """Return the same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class FictionalPeople:
    """Make up names, birth dates, phones and household compositions from one seeded Random."""

    def __init__(self, rng: random.Random, today: date, favourite_surnames: str = ""):
        self.rng = rng
        self.today = today
        # Common surnames first: weight falls with rank, as in real frequency tables.
        weights = [1 / (rank + 6) for rank in range(len(SURNAMES))]
        self.surnames = list(SURNAMES)
        for name in favourite_surnames:  # a village's clans: a few surnames dominate
            self.surnames.append(name)
            weights.append(0.6)
        self.surname_cum = list(accumulate(weights))
        self.elderly_kinds = _cumulative(ELDERLY_KINDS)
        self.other_kinds = _cumulative(OTHER_KINDS)

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]

    def given_name(self, gender: str, birth_year: int) -> str:
        era = "old" if birth_year < 1966 else "mid" if birth_year < 1991 else "young"
        two, one = _GIVEN[(era, gender)]
        return self.rng.choice(two) if self.rng.random() < 0.7 else self.rng.choice(one)

    def birth_date(self, age: int) -> date:
        """A birth date at which the person is exactly `age` today (and for a few days more).

        The two days' margin keeps ages right when the checker's "today" is a day behind
        (server and database in different time zones).
        """
        latest = years_before(self.today, age) - timedelta(days=2)
        earliest = years_before(self.today, age + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def household(self, want_elderly: bool) -> tuple[str, list[tuple[int, str]]]:
        """Return (kind, [(age, gender), ...]) for one household of 1 to 4 people, head first."""
        names, cum = self.elderly_kinds if want_elderly else self.other_kinds
        kind = self.rng.choices(names, cum_weights=cum)[0]
        r = self.rng
        g = r.choice("MF")
        if kind == "elder_alone":
            return kind, [(r.randint(62, 94), r.choice("FFM"))]  # more widows than widowers
        if kind == "elder_couple":
            age = r.randint(60, 88)
            return kind, [(age, "M"), (max(60, age - r.randint(0, 5)), "F")]
        if kind == "elder_couple_child":
            age = r.randint(62, 86)
            return kind, [
                (age, "M"),
                (max(60, age - r.randint(0, 4)), "F"),
                (age - r.randint(24, 32), g),
            ]
        if kind == "elder_with_carer":
            age = r.randint(75, 95)
            return kind, [(age, g), (age - r.randint(22, 32), r.choice("MF"))]
        if kind == "three_generations":
            parent = r.randint(30, 42)
            members = [
                (parent, "M"),
                (parent - r.randint(0, 3), "F"),
                (parent + r.randint(24, 32), g),
            ]
            if r.random() < 0.6:
                members.append((r.randint(1, min(15, parent - 22)), r.choice("MF")))
            else:
                members.append((members[2][0] - r.randint(-2, 4), "F" if g == "M" else "M"))
            return kind, members
        if kind == "family":
            parent = r.randint(28, 55)
            members = [(parent, "M"), (parent - r.randint(0, 4), "F")]
            for _ in range(r.choice((1, 1, 2))):
                members.append((max(0, parent - r.randint(22, 32)), r.choice("MF")))
            return kind, members
        if kind == "young_couple":
            age = r.randint(23, 40)
            return kind, [(age, "M"), (age - r.randint(0, 3), "F")]
        return kind, [(r.randint(20, 59), g)]

    def households(
        self, active: int, elderly_share: float
    ) -> list[tuple[str, list[tuple[int, str]]]]:
        """Households until `active` people live in them, the share aged 60+ held at target."""
        out = []
        people = elderly = 0
        while people < active:
            want_elderly = people == 0 or elderly / people < elderly_share
            kind, members = self.household(want_elderly)
            out.append((kind, members))
            people += len(members)
            elderly += sum(1 for age, _ in members if age >= settings.ELDERLY_AGE)
        return out


# --- Plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompoundPlan:
    name: str
    weight: float  # share of the community's households living here
    area: tuple[int, int] = (60, 100)  # floor area range of a dwelling, m²
    floors: tuple[int, ...] = (5, 6)
    kind: str = Compound.Kind.COMPOUND


@dataclass(frozen=True)
class CommunityPlan:
    code: str
    name: str
    kind: str
    active: int  # residents living here
    elderly_share: float
    grids: int
    compounds: tuple[CompoundPlan, ...]
    favourite_surnames: str = ""
    unsold_block_in: str = ""  # compound with a building whose upper floors are unsold
    multi_owner_in: str = ""  # compound where one buyer owns several units
    resident_login_in: str = ""  # compound where the demo resident login lives


CN_NUMBERS = "一二三四五六七八九十"


def grid_name(index: int) -> str:
    """第一网格, 第二网格 … for grids 1 to 10, then 第11网格."""
    return f"第{CN_NUMBERS[index - 1]}网格" if index <= 10 else f"第{index}网格"


JIXIE_PLAN = CommunityPlan(
    code=JIXIE,
    name="机械社区",
    kind=Community.Kind.URBAN,
    active=4800,
    # SCENARIO.md: 2,452 aged 60+, more than 51%; a little above so it holds after rounding.
    elderly_share=0.512,
    grids=6,
    compounds=(
        CompoundPlan("机械厂小区", 0.32, area=(55, 85), floors=(5,)),
        CompoundPlan("江钻小区", 0.24, area=(60, 95), floors=(5, 6)),
        CompoundPlan("兴隆小区", 0.18, area=(65, 110), floors=(5, 6)),
        CompoundPlan("园林新村", 0.14, area=(70, 120), floors=(6,)),
        CompoundPlan("周矶花园", 0.12, area=(85, 140), floors=(6,)),
    ),
    unsold_block_in="周矶花园",
    multi_owner_in="江钻小区",
    resident_login_in="机械厂小区",
)
AIMIN_PLAN = CommunityPlan(
    code=AIMIN,
    name="爱民社区",
    kind=Community.Kind.URBAN,
    active=420,
    elderly_share=0.30,
    grids=2,
    compounds=(
        CompoundPlan("爱民小区", 0.5, area=(60, 100)),
        CompoundPlan("爱民路东苑", 0.3, area=(75, 125), floors=(6,)),
        CompoundPlan("爱民路商住楼", 0.2, area=(55, 90), floors=(5,)),
    ),
)
LEITAN_PLAN = CommunityPlan(
    code=LEITAN,
    name="雷潭村",
    kind=Community.Kind.VILLAGE,
    active=760,
    elderly_share=0.38,
    grids=3,
    # Self-built village houses of two or three storeys are larger than flats.
    compounds=tuple(
        CompoundPlan(
            f"{CN_NUMBERS[i]}组",
            1 / 6,
            area=(110, 220),
            floors=(2, 3),
            kind=Compound.Kind.VILLAGER_GROUP,
        )
        for i in range(6)
    ),
    favourite_surnames="雷谭周",
)
PLANS = (JIXIE_PLAN, AIMIN_PLAN, LEITAN_PLAN)


# --- Logins ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    role: str  # a Role value, or "superuser"
    name: str
    phone: str
    # Where the role is held: ("subdistrict",), ("community", code), ("grid", community, grid),
    # ("compound", community, compound name); () for the superuser.
    place: tuple[str, ...] = ()


SUPERUSER = "superuser"
RESIDENT_PHONE = "13900000008"
GRID_WORKER_NAMES = _words(
    "李海涛 张丽萍 赵志刚 孙春燕 黄伟民 吴彩霞 郑晓东 何雪梅 徐鹏飞 罗美玲 梁文斌 宋秀芳"
)


def grid_worker_phone(community_code: str, grid_code: str) -> str:
    return f"13900{community_code}{grid_code}"


def demo_logins() -> list[DemoLogin]:
    """The demo's logins, one per role, then the other grids' workers (fixed, not random)."""
    jixie_compound = JIXIE_PLAN.compounds[0].name
    logins = [
        DemoLogin(SUPERUSER, "系统管理员", "13900000000"),
        DemoLogin(Role.SUBDISTRICT_OFFICIAL, "高明远", "13900000001", ("subdistrict",)),
        DemoLogin(Role.COMMUNITY_ADMIN, "陈慧敏", "13900000002", ("community", JIXIE)),
        DemoLogin(Role.COMMUNITY_WORKER, "刘晓燕", "13900000003", ("community", JIXIE)),
        DemoLogin(Role.PARTY_SECRETARY, "王建华", "13900000004", ("community", JIXIE)),
        DemoLogin(
            Role.OWNERS_COMMITTEE, "杨国栋", "13900000006", ("compound", JIXIE, jixie_compound)
        ),
        DemoLogin(
            Role.PROPERTY_MANAGER, "胡俊杰", "13900000007", ("compound", JIXIE, jixie_compound)
        ),
        # The name is the linked resident's, filled in when the login is made.
        DemoLogin(Role.RESIDENT, "", RESIDENT_PHONE, ("community", JIXIE)),
        DemoLogin(Role.COMMUNITY_ADMIN, "雷志勇", "13900000010", ("community", LEITAN)),
    ]
    names = iter(GRID_WORKER_NAMES)
    for plan in PLANS:
        for index in range(1, plan.grids + 1):
            code = f"{index:03d}"
            phone = grid_worker_phone(plan.code, code)
            logins.append(
                DemoLogin(Role.GRID_WORKER, next(names), phone, ("grid", plan.code, code))
            )
    # Jixie grid 001's worker comes right after the community roles, as the brief lists them.
    grid_one = next(x for x in logins if x.place == ("grid", JIXIE, "001"))
    logins.remove(grid_one)
    logins.insert(5, grid_one)
    return logins


# --- Building a community --------------------------------------------------------------------


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _area(rng: random.Random, low: int, high: int, base: float) -> Decimal:
    # Flats in one stack share a layout: vary a little around the stack's size.
    value = min(high, max(low, base + rng.uniform(-1.5, 1.5)))
    return Decimal(f"{value:.2f}")


def _area_source(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return Dwelling.AreaSource.REGISTERED
    return Dwelling.AreaSource.SURVEYED if roll < 0.95 else Dwelling.AreaSource.CONTRACT


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """Split total into parts proportional to weights, summing exactly to total."""
    scale = sum(weights)
    bounds = [round(total * w / scale) for w in accumulate(weights)]
    return [b - a for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]


@dataclass
class _Home:
    dwelling: Dwelling
    unsold: bool = False
    household: Household | None = None
    members: list[Resident] = field(default_factory=list)


def _flats(rng, community, compound, plan: CompoundPlan, needed: int, unsold_block: bool):
    """Buildings of flats (numbered unit-floor-room, e.g. 1-201) with room for `needed` homes."""
    buildings: list[Building] = []
    homes: list[_Home] = []
    capacity = 0
    while capacity < needed or unsold_block:
        floors = rng.choice(plan.floors)
        units = rng.choice((2, 3))
        last = capacity >= needed  # the extra building whose upper floors are still unsold
        building = Building(
            community=community, compound=compound, name=f"{len(buildings) + 1}栋", floors=floors
        )
        buildings.append(building)
        stacks = {room: rng.uniform(*plan.area) for room in (1, 2)}
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for room in (1, 2):
                    dwelling = Dwelling(
                        community=community,
                        building=building,
                        number=f"{unit}-{floor}{room:02d}",
                        floor_area=_area(rng, *plan.area, stacks[room]),
                        area_source=_area_source(rng),
                    )
                    homes.append(_Home(dwelling, unsold=last and floor >= 3))
                    capacity += not homes[-1].unsold
        if last:
            break
    return buildings, homes


def _houses(rng, community, compound, plan: CompoundPlan, needed: int):
    """Village houses, one building and one dwelling each."""
    buildings: list[Building] = []
    homes: list[_Home] = []
    for number in range(1, needed + 1):
        building = Building(
            community=community,
            compound=compound,
            name=f"{number}号",
            floors=rng.choice(plan.floors),
        )
        buildings.append(building)
        dwelling = Dwelling(
            community=community,
            building=building,
            number=f"{number}号",
            floor_area=_area(rng, *plan.area, rng.uniform(*plan.area)),
            area_source=Dwelling.AreaSource.SURVEYED,
        )
        homes.append(_Home(dwelling))
    return buildings, homes


def _bulk(model, rows: list) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)


def build_community(
    *,
    subdistrict: Subdistrict,
    plan: CommunityPlan,
    rng: random.Random,
    today: date,
    say: Callable[[str], None] = lambda message: None,
) -> Community:
    """Create one community with its compounds, grids, buildings, homes, people and owners."""
    people = FictionalPeople(rng, today, plan.favourite_surnames)
    village = plan.kind == Community.Kind.VILLAGE
    community = Community.objects.create(
        subdistrict=subdistrict, name=plan.name, kind=plan.kind, code=plan.code
    )
    compounds = [Compound(community=community, name=c.name, kind=c.kind) for c in plan.compounds]
    _bulk(Compound, compounds)
    grids = [
        Grid(community=community, code=f"{i:03d}", name=grid_name(i))
        for i in range(1, plan.grids + 1)
    ]

    plans = people.households(plan.active, plan.elderly_share)
    shares = _split(len(plans), [c.weight for c in plan.compounds])
    buildings: list[Building] = []
    homes_by_compound: list[list[_Home]] = []
    unattached: list[tuple[Compound, tuple[str, list]]] = []
    start = 0
    placed: list[tuple[Compound, _Home | None, tuple[str, list]]] = []
    for compound, compound_plan, count in zip(compounds, plan.compounds, shares, strict=True):
        mine = plans[start : start + count]
        start += count
        if village:
            # A few village households have no house of their own (they lodge with relatives).
            lodging = [rng.random() < 0.05 for _ in mine]
            housed = [p for p, lodges in zip(mine, lodging, strict=True) if not lodges]
            unattached.extend(
                (compound, p) for p, lodges in zip(mine, lodging, strict=True) if lodges
            )
            empty = max(1, len(housed) // 30)  # families gone to the city keep their house
            new_buildings, homes = _houses(
                rng, community, compound, compound_plan, len(housed) + empty
            )
        else:
            housed = mine
            needed = int(len(housed) / 0.93) + 1  # about 7% of flats stand empty
            new_buildings, homes = _flats(
                rng,
                community,
                compound,
                compound_plan,
                needed,
                unsold_block=compound.name == plan.unsold_block_in,
            )
        buildings.extend(new_buildings)
        homes_by_compound.append(homes)
        free = [home for home in homes if not home.unsold]
        rng.shuffle(free)
        for home, household_plan in zip(free, housed, strict=False):
            placed.append((compound, home, household_plan))
    placed.extend((compound, None, p) for compound, p in unattached)

    all_homes = [home for homes in homes_by_compound for home in homes]
    _assign_grids(buildings, grids, compounds, all_homes, by_compound=village)
    for grid in grids:
        grid.extent = _extent([b for b in buildings if b.grid is grid])
    _bulk(Grid, grids)
    _bulk(Building, buildings)
    _bulk(Dwelling, [home.dwelling for home in all_homes])

    households, residents = [], []
    for compound, home, (kind, members) in placed:
        dwelling = home.dwelling if home else None
        label = (
            f"{compound.name} {dwelling.building.name} {dwelling.number}"
            if dwelling
            else (f"{compound.name} 散居户")
        )
        household = Household(community=community, dwelling=dwelling, label=label)
        households.append(household)
        people_here = _residents(people, community, household, kind, members)
        residents.extend(people_here)
        if home:
            home.household = household
            home.members = [r for r in people_here if r.status == Resident.Status.ACTIVE]
    if plan.resident_login_in:
        _mark_resident_login(placed, plan.resident_login_in)
    for resident in residents:
        resident.fill_search_keys()
    # bulk_create fills each household's id, which Django copies onto its residents' rows.
    _bulk(Household, households)
    _bulk(Resident, residents)
    _bulk(Ownership, _ownerships(rng, people, community, all_homes, plan))
    say(
        f"{plan.name}: {len(compounds)} compounds, {len(buildings)} buildings, "
        f"{len(all_homes)} dwellings, {len(households)} households, {len(residents)} residents"
    )
    return community


def _assign_grids(buildings, grids, compounds, all_homes, by_compound: bool) -> None:
    """Give each grid consecutive buildings: whole villager groups, or about equal homes."""
    if by_compound:
        index_of = {id(c): i for i, c in enumerate(compounds)}
        for building in buildings:
            building.grid = grids[index_of[id(building.compound)] * len(grids) // len(compounds)]
        return
    homes_in: dict[int, int] = {}
    for home in all_homes:
        homes_in[id(home.dwelling.building)] = homes_in.get(id(home.dwelling.building), 0) + 1
    before = 0
    for building in buildings:
        building.grid = grids[before * len(grids) // len(all_homes)]
        before += homes_in[id(building)]


def _extent(buildings: list[Building]) -> str:
    """Describe a grid's buildings: 机械厂小区1–12栋、江钻小区1–3栋."""
    parts: dict[str, list[str]] = {}
    for building in buildings:
        parts.setdefault(building.compound.name, []).append(building.name)
    out = []
    for compound, names in parts.items():
        out.append(
            f"{compound}{names[0]}" if len(names) == 1 else f"{compound}{names[0]}–{names[-1]}"
        )
    return "、".join(out)[:300]


def _residents(people: FictionalPeople, community, household, kind, members) -> list[Resident]:
    """The people of one household: the head's surname passes to children."""
    rng, today = people.rng, people.today
    family_name = people.surname()
    moved_in = date(rng.randint(1985, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
    out = []
    guardian_phone = ""
    for index, (age, gender) in enumerate(members):
        spouse = index == 1 and kind in {
            "elder_couple",
            "elder_couple_child",
            "three_generations",
            "family",
            "young_couple",
        }
        birth = people.birth_date(age)
        if age < 16:
            phone = guardian_phone  # a child is reached through a parent's number
        else:
            phone = "" if rng.random() < 0.03 else people.phone()
            guardian_phone = guardian_phone or phone
        elderly = age >= settings.ELDERLY_AGE
        surname = people.surname() if spouse else family_name
        out.append(
            Resident(
                community=community,
                household=household,
                name=surname + people.given_name(gender, birth.year),
                gender=gender,
                birth_date=birth,
                phone=phone,
                lives_alone=kind == "elder_alone",
                has_disability=rng.random() < (0.04 if elderly else 0.012),
                low_income=rng.random() < 0.025,
                is_party_member=age >= 18 and rng.random() < (0.016 if elderly else 0.012),
                moved_in_on=max(moved_in, birth),
            )
        )
    if len(members) < 4 and kind != "elder_alone" and rng.random() < 0.03:
        # A grown-up child who has moved away stays on the roster, marked as moved out.
        birth = people.birth_date(rng.randint(20, 45))
        out.append(
            Resident(
                community=community,
                household=household,
                name=family_name + people.given_name(rng.choice("MF"), birth.year),
                gender=rng.choice("MF"),
                birth_date=birth,
                phone=people.phone(),
                status=Resident.Status.MOVED_OUT,
                moved_in_on=max(moved_in, birth),
                moved_out_on=today - timedelta(days=rng.randint(30, 1500)),
            )
        )
    return out


def _mark_resident_login(placed, compound_name: str) -> None:
    """Give the first elderly person living alone in the compound the resident login's phone."""
    for compound, home, _ in placed:
        if compound.name == compound_name and home and home.members and home.members[0].lives_alone:
            home.members[0].phone = RESIDENT_PHONE
            return


def _ownerships(rng, people: FictionalPeople, community, homes: list[_Home], plan):
    """Who owns each dwelling (DOMAIN.md §1: the developer's unsold units; a multi-unit buyer)."""
    owners: dict[int, list[tuple[Resident | None, str, Decimal]]] = {}
    for index, home in enumerate(homes):
        if home.unsold:
            continue
        adults = [r for r in home.members if (r.age_on(people.today) or 0) >= 22]
        if not adults or rng.random() < 0.12:
            # Empty, or let to tenants: the owner lives elsewhere.
            owners[index] = [
                (None, people.surname() + people.given_name(rng.choice("MF"), 1965), Decimal("1"))
            ]
        elif len(adults) >= 2 and adults[1].gender != adults[0].gender and rng.random() < 0.2:
            owners[index] = [(adults[0], "", Decimal("0.5")), (adults[1], "", Decimal("0.5"))]
        else:
            owners[index] = [(adults[0], "", Decimal("1"))]
    if plan.multi_owner_in:
        _give_several_units(owners, homes, plan.multi_owner_in)

    rows = []
    for index, home in enumerate(homes):
        if home.unsold:
            rows.append(
                Ownership(community=community, dwelling=home.dwelling, held_by_developer=True)
            )
            continue
        for resident, outside_name, share in owners[index]:
            rows.append(
                Ownership(
                    community=community,
                    dwelling=home.dwelling,
                    resident=resident,
                    outside_owner_name=outside_name,
                    share=share,
                )
            )
    return rows


def _give_several_units(owners, homes: list[_Home], compound_name: str, units: int = 3) -> None:
    """One resident of the compound also owns two flats let to others (or empty)."""
    in_compound = [
        i for i, home in enumerate(homes) if home.dwelling.building.compound.name == compound_name
    ]
    buyers = [i for i in in_compound if len(owners.get(i, ())) == 1 and owners[i][0][0]]
    if not buyers:
        return
    buyer = owners[buyers[0]][0][0]
    others = [i for i in in_compound if i in owners and owners[i][0][0] is None][: units - 1]
    for i in others:
        owners[i] = [(buyer, "", Decimal("1"))]


# --- Logins ----------------------------------------------------------------------------------


def _place(subdistrict: Subdistrict, place: tuple[str, ...]):
    kind = place[0] if place else ""
    if kind == "subdistrict":
        return "subdistrict", subdistrict
    community = Community.objects.filter(subdistrict=subdistrict, code=place[1]).first()
    if kind == "community" or community is None:
        return "community", community
    if kind == "grid":
        return "grid", Grid.objects.filter(community=community, code=place[2]).first()
    return "compound", Compound.objects.filter(community=community, name=place[2]).first()


def _place_label(place) -> str:
    """周矶街道, 机械社区, or 机械社区 第一网格 for a grid or compound."""
    if place is None:
        return ""
    if isinstance(place, Grid | Compound):
        return f"{place.community.name} {place.name}"
    return place.name


def ensure_logins(subdistrict: Subdistrict, stdout=None) -> list[dict]:
    """Make sure every demo login exists with its role; never reset a changed password."""
    password_hash = None
    out = []
    for login in demo_logins():
        field_name, place = _place(subdistrict, login.place) if login.place else ("", None)
        if login.place and place is None:
            _say(stdout, f"skipped {login.role} {login.phone}: its place {login.place} is missing")
            continue
        user = User.objects.filter(phone=login.phone).first()
        resident = None
        if login.role == Role.RESIDENT:
            resident = (
                Resident.objects.filter(community=place, phone=login.phone).order_by("id").first()
            )
        if user is None:
            if password_hash is None:
                # Hashed once for all logins: Argon2 is slow on purpose.
                password_hash = make_password(DEMO_PASSWORD)
            name = resident.name if resident else login.name
            user = User.objects.create(phone=login.phone, name=name, password=password_hash)
        if login.role == SUPERUSER:
            if not (user.is_superuser and user.is_staff):
                User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
        else:
            RoleAssignment.objects.get_or_create(user=user, role=login.role, **{field_name: place})
        if resident is not None and resident.user_id is None and not hasattr(user, "resident"):
            Resident.objects.filter(pk=resident.pk).update(user=user)
        if login.role == Role.GRID_WORKER and place is not None and place.worker_id is None:
            Grid.objects.filter(pk=place.pk).update(worker=user)
        label = "Superuser" if login.role == SUPERUSER else str(Role(login.role).label)
        out.append(
            {
                "role": str(login.role),
                "role_label": label,
                "name": user.name,
                "phone": login.phone,
                "password": DEMO_PASSWORD,
                "place": _place_label(place),
            }
        )
    return out


# --- Entry point -----------------------------------------------------------------------------


def community_counts(subdistrict: Subdistrict, today: date | None = None) -> list[dict]:
    """Active residents and those aged 60+, per community, counted by the database."""
    cutoff = elderly_cutoff(today)
    rows = (
        Community.objects.filter(subdistrict=subdistrict)
        .annotate(
            active=Count("residents", filter=Q(residents__status=Resident.Status.ACTIVE)),
            elderly=Count(
                "residents",
                filter=Q(
                    residents__status=Resident.Status.ACTIVE, residents__birth_date__lte=cutoff
                ),
            ),
        )
        .order_by("code")
        .values("code", "name", "kind", "active", "elderly")
    )
    return [dict(row) for row in rows]


def _build(today: date, stdout) -> Subdistrict:
    """Create the subdistrict and its three places from the seeded Random."""
    rng = random.Random(SEED)
    subdistrict = Subdistrict.objects.create(name=SUBDISTRICT_NAME, code=SUBDISTRICT_CODE)
    for plan in PLANS:
        build_community(
            subdistrict=subdistrict,
            plan=plan,
            rng=rng,
            today=today,
            say=lambda message: _say(stdout, message),
        )
    return subdistrict


def load_stories(stdout=None) -> None:
    """Load SCENARIO.md's stories, each app its own; every loader is idempotent."""
    # Imported here: the apps' demo modules import this one.
    from gongzhi.cases.demo import load_cases_demo
    from gongzhi.needs.demo import load_needs_demo
    from gongzhi.surveys.demo import link_results_to_matter, load_survey_demo

    load_survey_demo(stdout)
    load_needs_demo(stdout=stdout)  # opens the arts-stage matter, with the questionnaire on it
    link_results_to_matter(stdout)  # then its published results join the timeline
    load_cases_demo(stdout=stdout)


def load_demo(stdout=None) -> dict:
    """Load the Zhouji demo once; on later runs only make sure the demo logins exist."""
    today = date.today()
    existing = Subdistrict.objects.filter(code=SUBDISTRICT_CODE).first()
    created = existing is None
    with transaction.atomic():
        if existing is None:
            subdistrict = _build(today, stdout)
        else:
            subdistrict = existing
            _say(stdout, f"{subdistrict.name} ({subdistrict.code}) is loaded; checking the logins.")
        logins = ensure_logins(subdistrict, stdout)
        load_stories(stdout)
        counts = community_counts(subdistrict, today)
        if created:
            record(
                actor=None,
                action="demo.loaded",
                target=subdistrict,
                data={
                    "communities": [
                        {k: c[k] for k in ("code", "active", "elderly")} for c in counts
                    ]
                },
            )
    return {
        "created": created,
        "subdistrict": subdistrict.name,
        "subdistrict_code": subdistrict.code,
        "password": DEMO_PASSWORD,
        "communities": counts,
        "logins": logins,
    }

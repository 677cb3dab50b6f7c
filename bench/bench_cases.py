"""Cases at city scale: the worker's list, the case page, the three rates and Open311.

Data (made once, then reused): the benchmark city (bench/generate.py, --communities 20)
and --cases (1,000,000) cases spread over the last three years in proportion to each
community's residents, written with bulk inserts: handling units (one per grid, one property
company per compound, two departments), cases whose timelines are cut at "now" (so recent
cases are still open and older ones closed; 3% merged, 1% redirected to 110/119/120, some
returned), their timeline events, and call-backs (some unanswered, a dissatisfied share that
reopened the case for a second round). Deadlines come from gongzhi.core.workdays.

It prints, each against a baseline measured in the same run (a Case fetched by primary key
in-process; the hello-world page under gunicorn):
1. The worker's case list (cases:list) and the case page (cases:detail) through the test
   client: query counts for the smallest and the largest community (must be equal) and for
   a case with a short and a long timeline; p50/p95, target p95 <= 50 ms.
2. The three rates and on-time closure for the whole subdistrict over a year
   (gongzhi.cases.rates.rate_table), by community and by the other groupings, and the rates
   page; target <= 1 s. Both queries read an index alone: Case(community, status,
   closed_at, due_at) and CallBack's rates index, which covers the groupings because each
   call-back carries its case's grid, unit and category.
3. Open311 GET requests (jurisdiction = the largest community; the spec's default of the
   last 90 days and at most 1000 results), filtered lists and one request: p50/p95 in-process,
   target p95 <= 100 ms, with the answer cache off; then throughput under gunicorn against
   hello world (target >= 40%), with the cache off and on (OPEN311_CACHE_SECONDS).

    .venv/bin/python bench/bench_cases.py                          # 1,000,000 cases
    .venv/bin/python bench/bench_cases.py --cases 100000 --residents 20000 --seconds 3
    .venv/bin/python bench/bench_cases.py --only pages             # or rates, open311

SQLite: bench/results/cases-<communities>x<residents>-seed<seed>-<cases>.sqlite3 (its own
file). PostgreSQL: DATABASE_URL (a throwaway database whose name contains "bench").
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    RESULTS,
    SETTINGS,
    Server,
    add_city_arguments,
    db_label,
    fetch,
    throughput,
    time_interleaved,
)

TARGET_PAGE_P95 = 0.050
TARGET_RATES = 1.0
TARGET_OPEN311_P95 = 0.100
TARGET_RATIO = 0.40
BATCH = 2000
SPAN_DAYS = 3 * 365
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国华红梅玉兰志强"
PROBLEMS = (
    "楼下垃圾堆了好几天没人清运，气味很大。",
    "路灯坏了，晚上出行不安全。",
    "小区门口有人占道摆摊，车辆进出困难。",
    "楼道里堆满杂物，堵住了消防通道。",
    "下水道堵塞，雨后积水严重。",
    "绿化带里有人种菜，还堆了建筑垃圾。",
    "有人在楼顶私搭乱建，存在安全隐患。",
    "夜间施工噪音太大，影响休息。",
)
REPLIES = (
    "已安排人员清运完毕，现场已恢复整洁。",
    "已联系维修人员更换灯具，恢复照明。",
    "已劝离占道摊点，并加强巡查。",
    "已清理楼道杂物，消防通道畅通。",
    "已疏通管道，积水已排除。",
)


def setup(args) -> str:
    """Point Django at this bench's own database, migrate it, describe it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        name = f"cases-{db_label(args).removeprefix('city-')}-{args.cases}.sqlite3"
        os.environ["SQLITE_PATH"] = str(RESULTS / name)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


# --- generating cases -----------------------------------------------------------------------


def _units(community):
    """The community's handling units: one per grid, one per compound, two departments."""
    from gongzhi.cases.models import HandlingUnit
    from gongzhi.registry.models import Compound, Grid

    existing = {u.name: u for u in HandlingUnit.objects.filter(community=community)}
    wanted = []
    for grid in Grid.objects.filter(community=community).order_by("code"):
        wanted.append((f"{grid.name}工作组", HandlingUnit.Kind.GRID, grid, None))
    for compound in Compound.objects.filter(community=community).order_by("id"):
        wanted.append((f"{compound.name}物业", HandlingUnit.Kind.PROPERTY_COMPANY, None, compound))
    wanted.append(("城管中队", HandlingUnit.Kind.DEPARTMENT, None, None))
    wanted.append(("市政维修所", HandlingUnit.Kind.DEPARTMENT, None, None))
    out = []
    for name, kind, grid, compound in wanted:
        unit = existing.get(name) or HandlingUnit.objects.create(
            community=community, name=name, kind=kind, grid=grid, compound=compound
        )
        out.append(unit)
    return out


class CaseMaker:
    """Make one community's cases: rows for Case, CaseEvent and CallBack, timelines cut at now."""

    def __init__(self, community, rng: random.Random, now: dt.datetime, categories, calendar):
        from gongzhi.registry.models import Building

        self.community = community
        self.rng = rng
        self.now = now
        self.categories = categories
        self.calendar = calendar
        self.buildings = list(
            Building.objects.filter(community=community).values_list(
                "id", "grid_id", "compound_id", "name", "compound__name"
            )
        )
        units = _units(community)
        self.grid_units = {u.grid_id: u.pk for u in units if u.grid_id}
        self.compound_units = {u.compound_id: u.pk for u in units if u.compound_id}
        self.departments = [u.pk for u in units if u.kind == "department"]
        self.recent: list[int] = []

    def _unit(self, grid_id, compound_id) -> int:
        roll = self.rng.random()
        if roll < 0.6 and grid_id in self.grid_units:
            return self.grid_units[grid_id]
        if roll < 0.85 and compound_id in self.compound_units:
            return self.compound_units[compound_id]
        return self.rng.choice(self.departments)

    def batch(self, size: int):
        """Return (cases, plans): unsaved Case rows and what their timelines hold."""
        from gongzhi.cases.models import Case, Status

        rng, now = self.rng, self.now
        start = now - dt.timedelta(days=SPAN_DAYS)
        cases, plans = [], []
        for _ in range(size):
            created = start + dt.timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))
            category_id, name, limit, unit_kind = rng.choice(self.categories)
            building_id, grid_id, compound_id, building_name, compound_name = rng.choice(
                self.buildings
            )
            due = self.calendar.deadline(created, limit, unit_kind)
            span = due - created
            unit = self._unit(grid_id, compound_id)
            case = Case(
                community_id=self.community.pk,
                category_id=category_id,
                title=f"{name} · {compound_name}",
                text=rng.choice(PROBLEMS),
                address=f"{compound_name}{building_name}",
                compound_id=compound_id,
                building_id=building_id,
                grid_id=grid_id,
                channel=rng.choice(("web", "web", "patrol", "phone", "phone", "walk_in")),
                reporter_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                reporter_phone=f"13{rng.randint(0, 999999999):09d}",
                status=Status.RECEIVED,
                due_at=due,
                warn_at=due - span * 0.2,
                escalate_at=self.calendar.add_working_days(due, 2),
                callback_round=1,
                created_at=created,
                updated_at=created,
            )
            steps = self._timeline(case, created, span, unit)
            cases.append(case)
            plans.append(steps)
        return cases, plans

    def _timeline(self, case, created, span, unit):
        """Plan the case's steps, apply those that happened before now, return them."""
        from gongzhi.cases.models import Status

        rng = self.rng
        hours = dt.timedelta(hours=1)
        steps = [("receive", created, "", Status.RECEIVED, None, {})]
        roll = rng.random()
        if roll < 0.01:
            at = created + hours * rng.uniform(0.1, 1)
            number = rng.choice(("110", "119", "120"))
            steps.append(("redirect", at, "received", Status.REDIRECTED_EMERGENCY, None, {}))
            case.emergency_number = number
            return self._apply(case, steps, unit)
        if roll < 0.04 and self.recent:
            at = created + hours * rng.uniform(1, 24)
            case.merged_into_id = rng.choice(self.recent)
            steps.append(("merge", at, "received", Status.MERGED, None, {}))
            return self._apply(case, steps, unit)
        at = created + hours * rng.uniform(0.2, 4)
        steps.append(("dispatch", at, "received", Status.DISPATCHED, unit, {}))
        if rng.random() < 0.02:
            at += hours * rng.uniform(0.5, 8)
            steps.append(("return", at, "dispatched", Status.RETURNED, unit, {}))
            unit = self._unit(case.grid_id, case.compound_id)
            at += hours * rng.uniform(0.5, 8)
            steps.append(("dispatch", at, "returned", Status.DISPATCHED, unit, {}))
        rounds = 1
        while True:
            if rounds == 1:
                at += hours * rng.uniform(0.2, 6)
                steps.append(("accept", at, "dispatched", Status.ACCEPTED, unit, {}))
                at += hours * rng.uniform(0, 4)
                steps.append(("start", at, "accepted", Status.IN_PROGRESS, unit, {}))
            else:
                at += hours * rng.uniform(1, 24)
                steps.append(("start", at, "reopened", Status.IN_PROGRESS, unit, {}))
            at = max(at, created + span * rng.uniform(0.3, 1.3))
            steps.append(("reply", at, "in_progress", Status.REPLIED, unit, {}))
            if rng.random() < 0.05:
                at += hours * rng.uniform(2, 48)
                steps.append(("callback", at, "replied", Status.REPLIED, None, {"answered": False}))
            at += hours * rng.uniform(2, 72)
            if rng.random() < 0.03:  # never reached: closed without an answer
                at += hours * rng.uniform(2, 48)
                steps.append(("close", at, "replied", Status.CLOSED, unit, {}))
                break
            contacted = rng.random() < 0.93
            solved = rng.random() < (0.86 if rounds == 1 else 0.95)
            satisfied = rng.random() < (0.9 if solved else 0.3)
            answers = {
                "answered": True,
                "contacted_in_time": contacted,
                "solved": solved,
                "satisfied": satisfied,
                "round": rounds,
            }
            if solved and satisfied or rounds == 2:
                steps.append(("callback", at, "replied", Status.CALLBACK_DONE, None, answers))
                at += hours * rng.uniform(0.5, 24)
                steps.append(("close", at, "callback_done", Status.CLOSED, unit, {}))
                break
            steps.append(("callback", at, "replied", Status.REOPENED, None, answers))
            rounds += 1
        return self._apply(case, steps, unit)

    def _apply(self, case, steps, unit):
        """Keep the steps up to now and set the case's fields from them."""
        done = [s for s in steps if s[1] <= self.now]
        rounds = 1
        for action, at, _from, to, step_unit, _data in done:
            case.status = to
            case.updated_at = at
            if action == "dispatch":
                case.dispatched_at = case.dispatched_at or at
                case.owner_unit_id = case.owner_unit_id or step_unit
                if _from == "returned":
                    case.owner_unit_id = step_unit
                case.current_unit_id = step_unit
            elif action == "accept":
                case.accepted_at = at
            elif action == "reply":
                case.replied_at = at
                case.reply_text = self.rng.choice(REPLIES)
            elif action == "close":
                case.closed_at = at
            elif action == "callback" and to == "reopened":
                rounds += 1
            elif action in {"merge", "redirect"}:
                case.closed_at = None
        case.callback_round = rounds
        if case.status != "merged":
            case.merged_into_id = None
        if case.status != "redirected_emergency":
            case.emergency_number = ""
        return done

    def rows_for(self, case, steps, adapt):
        """The events and call-backs of one saved case, as rows for a raw insert."""
        events, callbacks = [], []
        answered = [i for i, s in enumerate(steps) if s[0] == "callback" and s[5].get("answered")]
        latest = answered[-1] if answered else None
        for index, (action, at, from_status, to_status, unit, data) in enumerate(steps):
            text = (
                case.reply_text if action == "reply" else case.text if action == "receive" else ""
            )
            when = adapt.moment(at)
            events.append(
                (case.pk, when, action, from_status, to_status, unit, text, adapt.json(data))
            )
            if action == "callback":
                answers = data.get("answered")
                callbacks.append(
                    (
                        case.pk,
                        case.community_id,
                        data.get("round", case.callback_round),
                        when,
                        self.rng.choice(("phone", "phone", "sms", "online")),
                        bool(answers),
                        data.get("contacted_in_time"),
                        data.get("solved"),
                        data.get("satisfied"),
                        "",
                        index == latest,
                        case.grid_id,
                        case.owner_unit_id,
                        case.category_id,
                    )
                )
        return events, callbacks


class Adapt:
    """Turn Python values into what this database's driver takes, as the ORM would."""

    def __init__(self, connection):
        from django.core.serializers.json import DjangoJSONEncoder

        self.ops = connection.ops
        self.encoder = DjangoJSONEncoder

    def moment(self, value):
        return self.ops.adapt_datetimefield_value(value)

    def json(self, value):
        return self.ops.adapt_json_value(value, None)


EVENT_SQL = (
    "INSERT INTO cases_caseevent "
    "(case_id, at, action, from_status, to_status, unit_id, text, data) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
CALLBACK_SQL = (
    "INSERT INTO cases_callback (case_id, community_id, round, at, method, answered, "
    "contacted_in_time, solved, satisfied, comment, is_latest, grid_id, owner_unit_id, "
    "category_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _plain_timestamps(model):
    """Let bulk inserts keep the generated created_at/updated_at (auto_now would replace them)."""
    from contextlib import contextmanager

    @contextmanager
    def patched():
        fields = [f for f in model._meta.concrete_fields if f.name in {"created_at", "updated_at"}]
        saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
        for f in fields:
            f.auto_now = f.auto_now_add = False
        try:
            yield
        finally:
            for f, auto_now, auto_now_add in saved:
                f.auto_now, f.auto_now_add = auto_now, auto_now_add

    return patched()


def ensure_cases(city, total: int, seed: int) -> None:
    """Give each community of the city its share of `total` cases (resumable by community)."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from gongzhi.cases.models import CallBack, Case, CaseEvent, Category
    from gongzhi.core.db import analyze
    from gongzhi.core.workdays import WorkCalendar
    from gongzhi.registry.models import Community

    communities = list(
        Community.objects.filter(subdistrict=city).annotate(n=Count("residents")).order_by("code")
    )
    people = sum(c.n for c in communities) or 1
    shares = [round(total * c.n / people) for c in communities]
    shares[-1] += total - sum(shares)
    have = dict(
        Case.objects.filter(community__subdistrict=city)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    missing = [(c, s) for c, s in zip(communities, shares, strict=True) if have.get(c.pk) != s]
    if not missing:
        print(f"Reusing the generated cases: {total:,}")
        return
    categories = list(
        Category.objects.filter(community__isnull=True)
        .minors()
        .values_list("id", "name", "time_limit", "time_unit")
    )
    # Exposed rubbish, street order and facilities come up far more often than the rest.
    categories += [
        c for c in categories if c[1] in {"暴露垃圾", "车辆乱停放", "路灯", "占道经营"}
    ] * 3
    now = timezone.now()
    calendar = WorkCalendar()
    adapt = Adapt(connection)
    started = time.perf_counter()
    for number, (community, share) in enumerate(missing, start=1):
        rng = random.Random(f"{seed}-{community.code}")
        with transaction.atomic():
            CallBack.objects.filter(community=community).delete()
            CaseEvent.objects.filter(case__community=community).delete()
            Case.objects.filter(community=community).update(merged_into=None)
            Case.objects.filter(community=community).delete()
            maker = CaseMaker(community, rng, now, categories, calendar)
            made = 0
            with _plain_timestamps(Case):
                while made < share:
                    cases, plans = maker.batch(min(BATCH, share - made))
                    Case.objects.bulk_create(cases, batch_size=BATCH)
                    events, callbacks = [], []
                    for case, steps in zip(cases, plans, strict=True):
                        more_events, more_callbacks = maker.rows_for(case, steps, adapt)
                        events += more_events
                        callbacks += more_callbacks
                    # Raw inserts: millions of events would spend minutes in Model.__init__.
                    with connection.cursor() as cursor:
                        cursor.executemany(EVENT_SQL, events)
                        cursor.executemany(CALLBACK_SQL, callbacks)
                    maker.recent = [c.pk for c in cases[-200:]]
                    made += len(cases)
        print(
            f"[{number}/{len(missing)}] {community.name}: {share:,} cases "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    # Fresh planner statistics, as after any big import (manage.py analyze); on PostgreSQL
    # also the visibility map that index-only scans need, as autovacuum would make soon.
    analyze()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case, cases_callback, cases_caseevent")
    print(f"Statistics refreshed ({time.perf_counter() - started:.0f} s)")


# --- measuring ------------------------------------------------------------------------------


def _worker(community, phone: str):
    from gongzhi.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(phone=phone, defaults={"name": "压测社工"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.COMMUNITY_WORKER, community=community)
    return user


def _official(city, phone: str):
    from gongzhi.accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(phone=phone, defaults={"name": "压测街道"})
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.SUBDISTRICT_OFFICIAL, subdistrict=city
    )
    return user


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries)


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def bench_pages(args, city, small, large, baseline) -> None:
    """The worker's case list and the case page: query counts and timings."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from gongzhi.cases.models import Case

    try:
        list_url = reverse("cases:list")
        reverse("cases:detail", args=[1])
    except NoReverseMatch:
        print("\ncases:list or cases:detail does not exist yet: skipped.")
        return
    print("\n1. The worker's case list and the case page (test client, in-process)")
    clients = {}
    for label, community, phone in (
        ("small", small, "13700000012"),
        ("large", large, "13700000011"),
    ):
        client = Client()
        client.force_login(_worker(community, phone))
        clients[label] = client
    counts = {label: _count_queries(c, list_url) for label, c in clients.items()}
    print(
        f"  list query count: small {counts['small']}, large {counts['large']} "
        f"({'equal: OK' if counts['small'] == counts['large'] else 'DIFFERENT'})"
    )
    by_length = Case.objects.filter(community=large).annotate(n=Count("events"))
    short = by_length.filter(n__lte=2).order_by("-id").values_list("pk", flat=True).first()
    long_ = by_length.filter(n__gte=8).order_by("-id").values_list("pk", flat=True).first()
    detail = {}
    for label, pk in (("short timeline", short), ("long timeline", long_)):
        if pk:
            detail[label] = _count_queries(clients["large"], reverse("cases:detail", args=[pk]))
    print(
        "  case page query count: "
        + ", ".join(f"{k} {v}" for k, v in detail.items())
        + (" (equal: OK)" if len(set(detail.values())) == 1 else " (DIFFERENT)")
    )
    ids = list(
        Case.objects.filter(community=large).order_by("-id").values_list("pk", flat=True)[:500]
    )
    open_list = f"{list_url}?status=open"
    overdue_list = f"{list_url}?due=overdue"
    timings = time_interleaved(
        {
            "baseline: Case by pk": baseline,
            "case list, page 1": lambda i: clients["large"].get(list_url),
            "case list, open": lambda i: clients["large"].get(open_list),
            "case list, overdue": lambda i: clients["large"].get(overdue_list),
            "case list, page 20": lambda i: clients["large"].get(f"{list_url}?page=20"),
            "case page": lambda i: clients["large"].get(
                reverse("cases:detail", args=[ids[i % len(ids)]])
            ),
        },
        n=args.iterations,
        warmup=5,
    )
    base = timings[0]
    print("  " + base.line())
    for timing in timings[1:]:
        print(f"  {timing.line(base)}  {_verdict(timing.p95 <= TARGET_PAGE_P95)}")


def bench_rates(args, city, official) -> None:
    """The three rates for the whole subdistrict over a year."""
    from django.test import Client

    from gongzhi.cases.rates import GROUPINGS, Window, closed_cases, percent, rate_table
    from gongzhi.registry.models import Community

    ids = list(Community.objects.filter(subdistrict=city).values_list("pk", flat=True))
    year = Window.parse(str(dt.date.today().year - 1))
    print(f"\n2. The three rates for the subdistrict ({len(ids)} communities) over {year.name}")
    table = rate_table(community_ids=ids, window=year, grouping=GROUPINGS["community"])
    total = table.total
    rates = " / ".join(
        percent(r)
        for r in (
            total.response_rate,
            total.resolution_rate,
            total.satisfaction_rate,
            total.on_time_rate,
        )
    )
    print(
        f"  counted: {total.answered:,} answered call-backs, {total.closed:,} closed cases; "
        f"response / resolution / satisfaction / on-time closure: {rates}"
    )
    client = Client()
    client.force_login(official)
    calls = {"baseline: Case by pk": _baseline_fn()}
    for name in ("community", "unit", "grid", "major", "minor", "month"):
        calls[f"rates by {name}"] = lambda i, g=GROUPINGS[name]: rate_table(
            community_ids=ids, window=year, grouping=g
        )
    calls["closure query alone"] = lambda i: list(
        closed_cases(ids, year).values("community_id").order_by().annotate(n=_count())
    )
    calls["rates page, by community"] = lambda i: client.get(
        "/cases/rates/", {"period": year.name, "group": "community"}
    )
    timings = time_interleaved(calls, n=args.rate_iterations, warmup=1)
    base = timings[0]
    print("  " + base.line())
    for timing in timings[1:]:
        print(f"  {timing.line(base)}  {_verdict(timing.p95 <= TARGET_RATES)}")


def _count():
    from django.db.models import Count

    return Count("id")


def _baseline_fn():
    from gongzhi.cases.models import Case

    first = Case.objects.order_by("id").values_list("pk", flat=True).first()
    last = Case.objects.order_by("-id").values_list("pk", flat=True).first()
    rng = random.Random(1)
    return lambda i: Case.objects.get(pk=rng.randint(first, last))


def bench_open311(args, large) -> None:
    """Open311 GET requests: in-process timings, then throughput against hello world."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from gongzhi.cases.models import Case

    jurisdiction = large.full_code
    client = Client()
    base = f"/open311/v2/requests.json?jurisdiction_id={jurisdiction}"
    recent = list(
        Case.objects.filter(community=large).order_by("-id").values_list("pk", flat=True)[:1000]
    )
    some_ids = ",".join(str(pk) for pk in recent[:20])
    week = (timezone.now() - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    paths = {
        "default list (90 days, <=1000), json": base,
        "default list, xml": base.replace("requests.json", "requests.xml"),
        "open, service 0102": f"{base}&status=open&service_code=0102",
        "last 7 days": f"{base}&start_date={week}",
        "20 ids": f"{base}&service_request_id={some_ids}",
        "one request": f"/open311/v2/requests/{recent[0]}.json",
    }
    print(f"\n3. Open311 GET requests, {large.name} ({jurisdiction}), in-process, cache off")
    with override_settings(OPEN311_CACHE_SECONDS=0):
        for label, path in paths.items():
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
            marker = b"<request>" if "xml" in path else b"service_request_id"
            found = response.content.count(marker)
            print(f"  {label}: {found:,} requests, {len(response.content):,} bytes")
        calls = {"baseline: Case by pk": _baseline_fn()}
        calls |= {label: (lambda i, p=path: client.get(p)) for label, path in paths.items()}
        timings = time_interleaved(calls, n=args.iterations, warmup=5)
    baseline = timings[0]
    print("  " + baseline.line())
    for timing in timings[1:]:
        print(f"  {timing.line(baseline)}  {_verdict(timing.p95 <= TARGET_OPEN311_P95)}")

    connection.close()  # the server's workers open their own connections
    loads = {
        "hello world": "/bench/hello/",
        "Open311 one request": paths["one request"],
        "Open311 20 ids": paths["20 ids"],
        "Open311 last 7 days": paths["last 7 days"],
        "Open311 default list": paths["default list (90 days, <=1000), json"],
    }
    for seconds in ("0", "60"):
        state = "off" if seconds == "0" else f"on ({seconds} s)"
        print(
            f"\n   gunicorn, {args.workers} sync workers; {args.clients} client processes, "
            f"{args.seconds:g} s per run; Open311 answer cache {state}; anonymous, so compared "
            "with hello world directly"
        )
        os.environ["OPEN311_CACHE_SECONDS"] = seconds
        with Server(workers=args.workers) as server:
            for path in loads.values():
                status, _ = fetch(server.port, path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                throughput("warm-up", server.port, path, "", args.clients, 1.0)
            runs = [
                throughput(label, server.port, path, "", args.clients, args.seconds)
                for label, path in loads.items()
            ]
        hello = runs[0]
        for run in runs:
            ratio = run.per_second / hello.per_second if hello.per_second else 0.0
            verdict = (
                ""
                if run is hello
                else f"  {ratio:5.0%} of hello  " + ("OK" if ratio >= TARGET_RATIO else "UNDER")
            )
            print(
                f"  {run.label:<22} {run.per_second:8.1f} requests/s "
                f"({run.requests:,} requests, {run.errors} errors){verdict}"
            )
    os.environ.pop("OPEN311_CACHE_SECONDS", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the city")
    parser.add_argument("--iterations", type=int, default=100, help="timed calls per page")
    parser.add_argument("--rate-iterations", type=int, default=10, help="timed rate tables")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--only", choices=("pages", "rates", "open311"), help="run one part of the bench"
    )
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    print(setup(args))

    from django.db.models import Count

    from bench.generate import ensure_city
    from gongzhi.cases.models import CallBack, Case, CaseEvent
    from gongzhi.registry.models import Community

    city = ensure_city(args.communities, args.residents, args.seed)
    started = time.perf_counter()
    ensure_cases(city, args.cases, args.seed)
    print(f"Cases ready in {time.perf_counter() - started:.0f} s")
    by_size = Community.objects.filter(subdistrict=city).annotate(n=Count("cases"))
    small = by_size.order_by("n", "code")[0]
    large = by_size.order_by("-n", "code")[0]
    print(
        f"City: {Case.objects.count():,} cases, {CaseEvent.objects.count():,} events, "
        f"{CallBack.objects.count():,} call-backs; smallest {small.name} ({small.n:,} cases), "
        f"largest {large.name} ({large.n:,} cases)"
    )
    statuses = Case.objects.values("status").annotate(n=Count("id")).order_by("-n")
    print("Statuses: " + ", ".join(f"{row['status']} {row['n']:,}" for row in statuses))

    baseline = _baseline_fn()
    if args.only in (None, "pages"):
        bench_pages(args, city, small, large, baseline)
    if args.only in (None, "rates"):
        bench_rates(args, city, _official(city, "13700000013"))
    if args.only in (None, "open311"):
        bench_open311(args, large)


if __name__ == "__main__":
    main()

"""The 共谋 board at city scale: the board, a need's page, search and suggestions, and gunicorn.

Data (made once, then reused): the benchmark city (bench/generate.py, --communities 20,
--residents 200,000) and --needs (100,000) needs over its communities in proportion to their
residents, except that the largest community gets at least --open-needs (10,000) open ones,
with --supports (1,000,000) supports spread unevenly (a few needs with hundreds or thousands,
most with a handful; each supporter a distinct resident of the need's community), a history
(replies and moves) for the needs that were answered, 3% merged into an older need, 1% held
by moderation. Needs and supports are written with bulk inserts, then every need is put in
the full-text index with gongzhi.core.search.bulk_index.

It prints, against baselines measured in the same run:
1. Query counts through the test client (CaptureQueriesContext) of the board and of a need
   page, for the smallest and the largest community and for a need with one support and the
   need with the most supports, history and comments: they must be equal.
2. p50/p95 through the test client, in turns with a Need fetched by primary key: the board
   (most supported, newest, recently answered, a status and a category filter, page 50), the
   need page, the board's search (?q=) and the similar-need suggestions (needs:similar, at
   the largest community's open needs); targets: pages and search p95 <= 50 ms, suggestions
   p95 <= 100 ms.
3. Throughput under gunicorn (--workers sync workers, --clients client processes, --seconds
   per run): /bench/hello/, /bench/shell/ (a logged-in empty page, the floor of any page a
   resident sees), the board and the need page; each page as a share of hello world
   (target >= 40%) and of the logged-in empty page.

    .venv/bin/python bench/bench_needs.py
    .venv/bin/python bench/bench_needs.py --needs 20000 --supports 200000 --residents 20000 \\
        --open-needs 2000 --seconds 3 --iterations 50

SQLite: bench/results/needs-<communities>x<residents>-seed<seed>-<needs>.sqlite3 (its own
file). PostgreSQL: DATABASE_URL (a throwaway database whose name contains "bench").
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    RESULTS,
    SETTINGS,
    Server,
    Timing,
    add_city_arguments,
    db_label,
    fetch,
    throughput,
    time_interleaved,
)

TARGET_PAGE_P95 = 0.050
TARGET_SIMILAR_P95 = 0.100
TARGET_RATIO = 0.40
BATCH = 5000
SPAN_DAYS = 2 * 365
MARKER = "bench-needs"


def _words(text: str) -> list[str]:
    return text.split()


PLACES = [f"{n}号楼" for n in range(1, 21)] + _words(
    "东门 西门 南门 北门 中心广场 车棚 花园 活动室 老年学校 幼儿园门口"
)
FACILITIES = _words(
    "路灯 电梯 健身器材 垃圾桶 停车位 充电桩 下水道 快递柜 楼道灯 门禁 座椅 绿化带 "
    "监控 消防通道 自来水管 化粪池 屋顶 外墙 围墙 道路"
)
PROBLEMS = _words("坏了 不亮 故障 堵塞 太少 漏水 有异味 没人管 有安全隐患 需要维修 被占用 太旧了")
WISHES = (
    "希望社区尽快安排维修。",
    "晚上老人出门很不方便。",
    "已经反映过好几次了，一直没有解决。",
    "孩子们放学经过这里，担心出事。",
    "建议物业定期检查。",
    "愿意出一份力，一起想办法。",
    "下雨天更严重，请大家附议。",
)
PROPOSALS = (
    "建议在{place}增设{facility}，方便居民。",
    "提议组织志愿者清理{place}的{facility}。",
    "希望在{place}办一个老年助餐点。",
    "建议成立{place}议事小组，定期商量{facility}的管护。",
)
REPLIES = (
    "已转交物业，三个工作日内处理。",
    "社区已现场查看，正在协调维修单位。",
    "已纳入社区年度计划，资金落实后实施。",
    "经核实已修复，感谢大家的反映。",
    "此事不属于社区职责，已转相关部门。",
)


# --- setup -------------------------------------------------------------------------------------


def setup(args) -> str:
    """Point Django at this bench's own database, migrate it, describe it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        name = f"needs-{db_label(args).removeprefix('city-')}-{args.needs}.sqlite3"
        os.environ["SQLITE_PATH"] = str(RESULTS / name)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


def _allocate(total: int, weights: dict[int, int], largest: int, at_least: int) -> dict[int, int]:
    """Split total over communities by weight, the largest getting at least `at_least`."""
    first = min(total, max(at_least, round(total * weights[largest] / sum(weights.values()))))
    others = {c: w for c, w in weights.items() if c != largest}
    rest = total - first
    share = sum(others.values()) or 1
    out = {c: rest * w // share for c, w in others.items()}
    out[largest] = first
    leftover = total - sum(out.values())
    for c in list(others)[:leftover]:
        out[c] += 1
    return out


def _supports_per_need(rng: random.Random, count: int, total: int, cap: int) -> list[int]:
    """Uneven support counts summing to about total: a few hundreds, most a handful."""
    weights = [rng.paretovariate(1.1) for _ in range(count)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    # Rounding down and the cap lose some: hand them out one by one, most wanted first.
    short = min(total, cap * count) - sum(counts)
    order = sorted(range(count), key=lambda i: -weights[i])
    while short > 0:
        for i in order:
            if short <= 0:
                break
            if counts[i] < cap:
                counts[i] += 1
                short -= 1
    return counts


class NeedMaker:
    """Writes one community's needs, supports and history."""

    def __init__(self, community, rng: random.Random, now, calendar, closed_share: float):
        from gongzhi.needs.categories import ensure_categories
        from gongzhi.registry.models import Building, Resident

        self.community = community
        self.rng = rng
        self.now = now
        self.calendar = calendar
        self.closed_share = closed_share
        self.categories = [c.pk for c in ensure_categories(community)]
        self.buildings = list(
            Building.objects.filter(community=community).values_list("id", "compound_id")
        )
        self.residents = list(
            Resident.objects.filter(community=community, status="active")
            .order_by("id")
            .values_list("id", flat=True)
        )

    def text(self) -> tuple[str, str, str]:
        rng = self.rng
        place, facility = rng.choice(PLACES), rng.choice(FACILITIES)
        if rng.random() < 0.2:
            title = rng.choice(PROPOSALS).format(place=place, facility=facility)[:60]
            return "proposal", title, title + rng.choice(WISHES)
        title = f"{place}{facility}{rng.choice(PROBLEMS)}"
        text = (
            f"{place}的{facility}{rng.choice(PROBLEMS)}，{rng.choice(WISHES)}{rng.choice(WISHES)}"
        )
        return "need", title, text

    def needs(self, count: int, supports: list[int]):
        """Return (Need rows, events, supports) for this community, not yet written."""
        from gongzhi.needs.models import Need

        rows = []
        for index in range(count):
            rng = self.rng
            age = timedelta(days=SPAN_DAYS * (1 - index / max(1, count)) ** 1.5)
            created = self.now - age - timedelta(minutes=rng.randint(0, 600))
            kind, title, text = self.text()
            building, compound = rng.choice(self.buildings) if self.buildings else (None, None)
            status = "submitted"
            if age > timedelta(days=10) and rng.random() < self.closed_share:
                status = rng.choices(
                    ["answered", "accepted", "declined", "adopted"], [45, 30, 15, 10]
                )[0]
            responded = None
            if status != "submitted" or (age > timedelta(days=3) and rng.random() < 0.5):
                responded = created + timedelta(hours=rng.randint(2, 120))
            due = self.calendar.add_working_days(created, 5)
            rows.append(
                Need(
                    community=self.community,
                    kind=kind,
                    title=title,
                    text=text,
                    category_id=rng.choice(self.categories),
                    compound_id=compound if rng.random() < 0.7 else None,
                    building_id=building if rng.random() < 0.4 else None,
                    resident_id=rng.choice(self.residents),
                    status=status,
                    moderation_status="held" if rng.random() < 0.01 else "published",
                    support_count=min(supports[index], len(self.residents) - 1),
                    response_due_at=due,
                    first_response_at=responded,
                    last_response_at=responded,
                    created_at=created,
                    updated_at=responded or created,
                )
            )
        return rows

    def write(self, count: int, supports: list[int]) -> tuple[int, int]:
        """Write the community's needs, their history and supports; return (needs, supports)."""
        from django.db import connection, transaction

        from gongzhi.needs.models import Need, NeedEvent

        fields = [Need._meta.get_field("created_at"), Need._meta.get_field("updated_at")]
        with (
            mock.patch.object(fields[0], "auto_now_add", False),
            mock.patch.object(fields[1], "auto_now", False),
            transaction.atomic(),
        ):
            needs = []
            rows = self.needs(count, supports)
            for start in range(0, len(rows), BATCH):
                needs += Need.objects.bulk_create(rows[start : start + BATCH])
            events = []
            for need in needs:
                events.append(
                    NeedEvent(
                        need=need,
                        community=self.community,
                        kind="created",
                        to_status="submitted",
                        created_at=need.created_at,
                    )
                )
                if need.first_response_at is not None:
                    kind = "replied" if need.status == "submitted" else need.status
                    events.append(
                        NeedEvent(
                            need=need,
                            community=self.community,
                            kind=kind,
                            from_status="submitted" if kind != "replied" else "",
                            to_status=need.status if kind != "replied" else "",
                            text=self.rng.choice(REPLIES),
                            created_at=need.first_response_at,
                        )
                    )
            NeedEvent.objects.bulk_create(events, batch_size=BATCH)
            # 3% of the needs were duplicates of an older one: their supports went to it.
            cap = len(self.residents) - 1
            merged_ids: set[int] = set()
            targets = {}
            for index in range(1, len(needs)):
                duplicate = needs[index]
                if self.rng.random() >= 0.03 or duplicate.status != "submitted":
                    continue
                target = needs[self.rng.randrange(index)]
                if target.pk in merged_ids:
                    continue
                Need.objects.filter(pk=duplicate.pk).update(
                    status="merged", merged_into_id=target.pk, support_count=0
                )
                target.support_count = min(cap, target.support_count + duplicate.support_count)
                duplicate.support_count = 0
                merged_ids.add(duplicate.pk)
                targets[target.pk] = target
            Need.objects.bulk_update(list(targets.values()), ["support_count"], batch_size=BATCH)
            written = 0
            sql = "INSERT INTO needs_support (need_id, resident_id, created_at) VALUES (%s, %s, %s)"
            batch = []
            with connection.cursor() as cursor:
                for need in needs:
                    if need.pk in merged_ids or not need.support_count:
                        continue
                    people = self.rng.sample(self.residents, need.support_count)
                    when = need.created_at + timedelta(hours=1)
                    batch += [(need.pk, person, when) for person in people]
                    if len(batch) >= 50_000:
                        cursor.executemany(sql, batch)
                        written += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    written += len(batch)
        return len(needs), written


def ensure_needs(args, city):
    """Make the needs, supports and index once; reuse them when the counts match."""
    from django.db import transaction
    from django.db.models import Count

    from gongzhi.core.audit import record
    from gongzhi.core.db import analyze
    from gongzhi.core.search import bulk_index
    from gongzhi.core.workdays import WorkCalendar
    from gongzhi.needs.models import Need, NeedEvent, Support
    from gongzhi.registry.models import Community

    communities = list(
        Community.objects.filter(subdistrict=city).annotate(n=Count("residents")).order_by("code")
    )
    have = Need.objects.filter(community__subdistrict=city).count()
    supports = Support.objects.count()
    if have == args.needs and supports == args.supports:
        print(f"Reusing {have:,} needs and {supports:,} supports.")
        return communities
    if have:
        print(f"Deleting {have:,} needs of another size…")
        with transaction.atomic():
            Support.objects.all().delete()
            NeedEvent.objects.all().delete()
            Need.objects.filter(merged_into__isnull=False).update(
                merged_into=None, status="submitted"
            )
            Need.objects.all().delete()
    started = time.perf_counter()
    rng = random.Random(args.seed)
    from django.utils import timezone

    now = timezone.now()
    calendar = WorkCalendar()
    weights = {c.pk: c.n for c in communities}
    largest = max(communities, key=lambda c: (c.n, c.code))
    # The largest community keeps ~90% of its needs open: at least --open-needs of them.
    wanted = int(args.open_needs / 0.85) + 1
    needs_of = _allocate(args.needs, weights, largest.pk, wanted)
    supports_of = _allocate(args.supports, needs_of, largest.pk, 0)
    total_needs = total_supports = 0
    for number, community in enumerate(communities, start=1):
        count = needs_of[community.pk]
        closed = 0.1 if community.pk == largest.pk else 0.6
        maker = NeedMaker(community, rng, now, calendar, closed)
        supports = _supports_per_need(
            rng, count, supports_of[community.pk], cap=len(maker.residents) - 1
        )
        made, written = maker.write(count, supports)
        total_needs += made
        total_supports += written
        print(
            f"  [{number}/{len(communities)}] {community.name}: {made:,} needs, "
            f"{written:,} supports ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    print(f"Indexing {total_needs:,} needs for search…", flush=True)
    from gongzhi.needs.transitions import OPEN_STATUSES

    def documents():
        rows = Need.objects.filter(community__subdistrict=city).values_list(
            "pk", "community_id", "title", "text", "moderation_status", "status"
        )
        for pk, community_id, title, text, moderation, status in rows.iterator(chunk_size=5000):
            yield {
                "kind": "need",
                "object_id": pk,
                "community_id": community_id,
                "title": title,
                "text": text,
                "visible": moderation == "published",
                "is_open": status in OPEN_STATUSES,
            }

    indexed = bulk_index(documents(), batch_size=2000)
    analyze()  # the planner needs statistics to walk the board's indexes
    record(
        actor=None,
        action="bench.needs_generated",
        target=city,
        data={"needs": total_needs, "supports": total_supports, "marker": MARKER},
    )
    print(
        f"Made {total_needs:,} needs, {total_supports:,} supports, indexed {indexed:,} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return communities


# --- measuring ---------------------------------------------------------------------------------


def bench_users(community):
    """A resident (with a home in the community) and a community worker of it."""
    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.registry.models import Resident

    phone = f"1370000{community.pk:04d}"
    resident_user, _ = User.objects.get_or_create(phone=phone, defaults={"name": "压测居民"})
    if not Resident.objects.filter(user=resident_user).exists():
        person = Resident.objects.filter(community=community, user__isnull=True).order_by("id")[0]
        Resident.objects.filter(pk=person.pk).update(user=resident_user)
    RoleAssignment.objects.get_or_create(
        user=resident_user, role=Role.RESIDENT, community=community
    )
    worker, _ = User.objects.get_or_create(
        phone=f"1371000{community.pk:04d}", defaults={"name": "压测社工"}
    )
    RoleAssignment.objects.get_or_create(
        user=worker, role=Role.COMMUNITY_WORKER, community=community
    )
    return resident_user, worker


def busiest_need(community, worker):
    """The community's most supported open need, with 30 comments and 8 replies added."""
    from gongzhi.needs.models import Comment, Need, NeedEvent

    need = (
        Need.objects.filter(community=community, moderation_status="published", status="submitted")
        .order_by("-support_count", "id")
        .first()
    )
    if not Comment.objects.filter(need=need).exists():
        top = Comment.objects.bulk_create(
            [
                Comment(need=need, community=community, author=worker, text=f"评论{i}")
                for i in range(15)
            ]
        )
        Comment.objects.bulk_create(
            [
                Comment(need=need, community=community, author=worker, parent=t, text="回复")
                for t in top
            ]
        )
        NeedEvent.objects.bulk_create(
            [
                NeedEvent(
                    need=need, community=community, kind="replied", actor=worker, text=f"进展{i}"
                )
                for i in range(8)
            ]
        )
    return need


def quietest_need(community, worker):
    """The community's least supported open need, with one comment and one reply to it (so
    that its page runs the same queries as the busiest one's)."""
    from gongzhi.needs.models import Comment, Need

    need = (
        Need.objects.filter(community=community, moderation_status="published", status="submitted")
        .order_by("support_count", "id")
        .first()
    )
    if not Comment.objects.filter(need=need).exists():
        top = Comment.objects.create(need=need, community=community, author=worker, text="评论")
        Comment.objects.create(
            need=need, community=community, author=worker, parent=top, text="回复"
        )
    return need


def query_count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the per-process caches (categories seeded, sessions read)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    parser.add_argument("--needs", type=int, default=100_000, help="needs in the city")
    parser.add_argument("--supports", type=int, default=1_000_000, help="supports in all")
    parser.add_argument(
        "--open-needs", type=int, default=10_000, help="open needs in the largest community"
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per page")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args, _ = parser.parse_known_args()
    print(setup(args))

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.generate import ensure_city
    from gongzhi.needs.categories import ensure_categories
    from gongzhi.needs.models import Need, NeedEvent, Support

    city = ensure_city(args.communities, args.residents, args.seed)
    communities = ensure_needs(args, city)
    small = min(communities, key=lambda c: (c.n, c.code))
    large = max(communities, key=lambda c: (c.n, c.code))
    resident, worker = bench_users(large)
    small_resident, small_worker = bench_users(small)
    busy = busiest_need(large, worker)
    quiet = quietest_need(small, small_worker)
    open_large = Need.objects.filter(
        community=large, status__in=("submitted", "accepted"), moderation_status="published"
    ).count()
    print(
        f"\nCity: {Need.objects.count():,} needs, {Support.objects.count():,} supports, "
        f"{NeedEvent.objects.count():,} history rows. Largest community {large.name}: "
        f"{Need.objects.filter(community=large).count():,} needs ({open_large:,} open); "
        f"smallest {small.name}: {Need.objects.filter(community=small).count():,}."
    )
    print(
        f"Need page: busiest No. {busy.pk} ({busy.support_count:,} supports, "
        f"{NeedEvent.objects.filter(need=busy).count()} history rows, "
        f"{busy.comments.count()} comments); quietest No. {quiet.pk} "
        f"({quiet.support_count} supports)."
    )

    # 1. Query counts.
    print("\nQuery counts (test client)")
    clients = {}
    for label, user in (
        ("resident large", resident),
        ("resident small", small_resident),
        ("worker large", worker),
        ("worker small", small_worker),
    ):
        client = Client()
        client.force_login(user)
        clients[label] = client
    ensure_categories(large)
    rows = []
    for role in ("resident", "worker"):
        board_large = query_count(clients[f"{role} large"], reverse("needs:board", args=[large.pk]))
        board_small = query_count(clients[f"{role} small"], reverse("needs:board", args=[small.pk]))
        page_busy = query_count(clients[f"{role} large"], reverse("needs:detail", args=[busy.pk]))
        page_quiet = query_count(clients[f"{role} small"], reverse("needs:detail", args=[quiet.pk]))
        rows.append((role, board_small, board_large, page_quiet, page_busy))
    for role, b_small, b_large, p_quiet, p_busy in rows:
        print(
            f"  {role:<9} board small {b_small}, large {b_large} "
            f"({'equal: OK' if b_small == b_large else 'DIFFERENT'}); "
            f"need page quiet {p_quiet}, busy {p_busy} "
            f"({'equal: OK' if p_quiet == p_busy else 'DIFFERENT'})"
        )

    # 2. Timings through the test client, in turns with a primary-key fetch.
    client = clients["resident large"]
    board = reverse("needs:board", args=[large.pk])
    category = ensure_categories(large)[1].pk
    page = reverse("needs:detail", args=[busy.pk])
    similar = reverse("needs:similar", args=[large.pk])
    queries = ["路灯", "电梯 故障", "健身器材", "3号楼 漏水", "停车位", "老年助餐点", "充电桩"]
    drafts = [
        {"title": "3号楼的路灯坏了", "text": "晚上出门看不见，希望尽快维修"},
        {"title": "电梯经常故障", "text": "老人上下楼困难，已经反映好几次"},
        {"title": "希望增设健身器材", "text": "中心广场的健身器材太少了"},
        {"title": "下水道堵塞", "text": "东门附近下雨天积水严重"},
    ]
    pks = list(Need.objects.filter(community=large).values_list("pk", flat=True)[:500])

    def get(url, data=None):
        def call(i):
            response = client.get(url, data(i) if callable(data) else data)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        return call

    calls = {
        "Need.objects.get(pk) baseline": lambda i: Need.objects.get(pk=pks[i % len(pks)]),
        "board, most supported": get(board),
        "board, newest": get(board, {"sort": "newest"}),
        "board, recently answered": get(board, {"sort": "answered"}),
        "board, status + category": get(board, {"status": "accepted", "category": category}),
        "board, page 50": get(board, {"page": 50}),
        "need page (busiest)": get(page),
        "board search (?q=)": get(board, lambda i: {"q": queries[i % len(queries)]}),
        "similar suggestions": get(similar, lambda i: drafts[i % len(drafts)]),
    }
    print(
        f"\nTest client, {args.iterations} calls each, in turns "
        "(p95 target 50 ms; 100 ms for suggestions)"
    )
    timings = time_interleaved(calls, n=args.iterations, warmup=5)
    baseline = timings[0]
    worst_page = 0.0
    for timing in timings:
        target = TARGET_SIMILAR_P95 if timing.label.startswith("similar") else TARGET_PAGE_P95
        verdict = ""
        if timing is not baseline:
            verdict = "  OK" if timing.p95 <= target else "  OVER TARGET"
            if not timing.label.startswith("similar"):
                worst_page = max(worst_page, timing.p95)
        print("  " + timing.line(baseline) + verdict)
    print(f"  worst page p95 {worst_page * 1000:.1f} ms (target {TARGET_PAGE_P95 * 1000:.0f} ms)")
    # On a shared machine wall time includes waiting for the CPU; CPU time does not.
    print(f"\nThe same calls, CPU time of this process (load average {os.getloadavg()[0]:.1f})")
    for label, fn in calls.items():
        samples = []
        for i in range(max(10, args.iterations // 2)):
            start = time.process_time()
            fn(i)
            samples.append(time.process_time() - start)
        cpu = Timing(label, samples)
        print(f"  {label:<30} p50 {cpu.p50 * 1000:8.2f} ms  p95 {cpu.p95 * 1000:8.2f} ms")

    # 3. Throughput under gunicorn, logged in as the large community's resident.
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()  # the server's workers open their own connections
    print(
        f"\ngunicorn, {args.workers} sync workers; {args.clients} client processes, "
        f"{args.seconds:g} s per run"
    )
    runs = {}
    with Server(workers=args.workers) as server:
        paths = {
            "hello world": "/bench/hello/",
            "logged-in empty page": "/bench/shell/",
            "board": board,
            "need page": page,
        }
        for path in paths.values():
            status, _body = fetch(server.port, path, cookie)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            throughput("warm-up", server.port, path, cookie, args.clients, 1.0)
        for label, path in paths.items():
            runs[label] = throughput(label, server.port, path, cookie, args.clients, args.seconds)
    for run in runs.values():
        print(
            f"  {run.label:<22} {run.per_second:8.1f} requests/s "
            f"({run.requests:,} requests, {run.errors} errors)"
        )
    hello = runs["hello world"].per_second
    shell = runs["logged-in empty page"].per_second
    print()
    for label in ("board", "need page"):
        rate = runs[label].per_second
        ratio = rate / hello if hello else 0.0
        verdict = "OK" if ratio >= TARGET_RATIO else "UNDER TARGET"
        print(
            f"{label:<10} / hello world: {ratio:.0%} (target >= {TARGET_RATIO:.0%}): {verdict}; "
            f"/ logged-in empty page: {rate / shell if shell else 0:.0%}"
        )
    print(f"Logged-in empty page / hello world: {shell / hello if hello else 0:.0%} (the ceiling)")


if __name__ == "__main__":
    main()

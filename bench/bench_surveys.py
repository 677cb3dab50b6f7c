"""Survey results, exports and coverage at scale, against baselines measured in the same run.

Data (made once, then reused): one community of about 10,000 households built like the demo
(gongzhi.core.demo.build_community) in a subdistrict of its own (code 429005901); an
anonymous survey of 20 questions (6 single choice, 3 multiple, 2 yes/no, 3 ratings, 2
numbers, 4 texts) with 100,000 responses and about 2 million answers, written with bulk
inserts; and a household survey whose coverage has answers, visits, not-at-home and
refusals for most households.

It prints:
1. The full results computation (gongzhi.surveys.results.survey_results) and the results
   page through the test client, p50/p95, cold (every cache cleared: the frequent terms are
   segmented again; the tallies are rows in the database) and warm (no new answers since
   the last view), each against two baselines: COUNT(*) over all answers and fetching one
   response by key. Target: page <= 500 ms. The page's query count at 100,000 responses and
   at 3 must be equal.
2. The Excel export of all responses, streamed through the test client: total time, time to
   the first byte, size, and the growth of resident memory while it runs (sampled from
   /proc every 20 ms) for 10,000 and for 100,000 responses: flat memory means the two are
   about equal. Target: <= 20 s. The CSV export is timed too.
3. The coverage page of the 10,000-household community, p50/p95, viewed again with nothing
   new and cold (every cache cleared, as after a new answer or visit). Target: p95 <= 100 ms.

    .venv/bin/python bench/bench_surveys.py
    .venv/bin/python bench/bench_surveys.py --responses 20000 --iterations 5   # quick

SQLite: bench/results/city-1x<residents>-seed<seed>.sqlite3 (its own file). PostgreSQL:
DATABASE_URL (a throwaway database, e.g. gz_bench); the subdistrict sits beside the city.
"""

import argparse
import random
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django, time_interleaved

TARGET_PAGE = 0.500
TARGET_EXPORT = 20.0
TARGET_COVERAGE_P95 = 0.100
SUBDISTRICT_CODE = "429005901"
KINDS = (
    ["single"] * 6
    + ["multiple"] * 3
    + ["yes_no"] * 2
    + ["rating"] * 3
    + ["number"] * 2
    + ["short_text"] * 2
    + ["long_text"] * 2
)
_PHRASES = (
    "噪音 影响 休息 资金 公开 透明 停车位 紧张 管护 物业 保洁 老年学校 演出 广场舞 "
    "路灯 绿化 排练 座椅 顶棚 安全 电梯 垃圾 分类 快递 健身 器材 儿童 乐园 志愿者"
)
PHRASES = _PHRASES.split()
CHUNK = 5000


# --- Data ------------------------------------------------------------------------------------


def ensure_community(residents: int, seed: int):
    """Return the bench community (about residents / 2.2 households), building it once."""
    from django.db import transaction

    from gongzhi.core.demo import CommunityPlan, CompoundPlan, build_community
    from gongzhi.registry.models import Community, Subdistrict

    name = f"问卷压测街道 {residents} seed {seed}"
    existing = Subdistrict.objects.filter(code=SUBDISTRICT_CODE).first()
    if existing is not None and existing.name == name:
        return Community.objects.get(subdistrict=existing)
    if existing is not None:
        raise SystemExit(
            f"{existing.name!r} holds another size; delete the bench database to rebuild."
        )
    started = time.perf_counter()
    rng = random.Random(seed)
    compounds = tuple(
        CompoundPlan(f"压测{i}小区", rng.uniform(0.5, 1.5), floors=(6, 7)) for i in range(1, 9)
    )
    plan = CommunityPlan(
        code="001",
        name="问卷压测社区",
        kind=Community.Kind.URBAN,
        active=residents,
        elderly_share=0.35,
        grids=max(1, residents // 1500),
        compounds=compounds,
    )
    with transaction.atomic():
        subdistrict = Subdistrict.objects.create(name=name, code=SUBDISTRICT_CODE)
        community = build_community(
            subdistrict=subdistrict, plan=plan, rng=rng, today=time_today(), say=print
        )
    print(f"  built in {time.perf_counter() - started:.0f} s")
    return community


def time_today():
    from datetime import date

    return date.today()


def make_survey(community, title: str, anonymous: bool):
    """A survey of the 20 questions in KINDS, options included."""
    from gongzhi.surveys.models import Option, Question, Survey

    survey = Survey.objects.create(
        community=community,
        title=title,
        status=Survey.Status.OPEN,
        anonymous=anonymous,
        unit=Survey.Unit.HOUSEHOLD,
    )
    questions = Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                position=i,
                kind=kind,
                text=f"第{i + 1}题（{kind}）",
                required=kind not in ("short_text", "long_text"),
                min_value=0 if kind == "number" else None,
                max_value=10000 if kind == "number" else None,
            )
            for i, kind in enumerate(KINDS)
        ]
    )
    options = []
    for question in questions:
        count = {"single": 4, "multiple": 5}.get(question.kind, 0)
        options += [
            Option(question=question, position=j, label=f"选项{j + 1}") for j in range(count)
        ]
    Option.objects.bulk_create(options)
    return survey


def fill_responses(survey, count: int, seed: int) -> None:
    """Write `count` responses with their answers: responses by bulk_create, answers by
    executemany in chunks (2 million Answer objects would only slow the loader)."""
    from django.db import connection, transaction

    from gongzhi.registry.models import Building
    from gongzhi.surveys.models import AgeGroup, Answer, Channel, Response

    rng = random.Random(f"{seed}:{survey.title}")  # distinct keys for each survey
    places = list(
        Building.objects.filter(community=survey.community).values_list("id", "compound_id")
    )
    questions = list(survey.questions.order_by("position").prefetch_related("options"))
    options = {q.pk: [o.pk for o in q.options.all()] for q in questions}
    # The table name comes from the model, not from input.
    table = connection.ops.quote_name(Answer._meta.db_table)
    insert = (
        f"INSERT INTO {table} (id, response_id, question_id, option_id, number, text) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    key = Response._meta.pk
    channels = [Channel.VISIT] * 8 + [Channel.ONLINE, Channel.CODE, Channel.PAPER]
    ages = [AgeGroup.ELDERLY, AgeGroup.UNDER_60, AgeGroup.UNDER_60, AgeGroup.UNKNOWN]
    written = 0
    started = time.perf_counter()
    while written < count:
        size = min(CHUNK, count - written)
        responses, rows = [], []
        for _ in range(size):
            building, compound = rng.choice(places)
            response = Response(
                id=_key(rng),
                survey=survey,
                channel=rng.choice(channels),
                building_id=building,
                compound_id=compound,
                age_group=rng.choice(ages),
            )
            responses.append(response)
            rid = key.get_db_prep_value(response.id, connection)
            for question in questions:
                rows += [
                    (key.get_db_prep_value(_key(rng), connection), *row)
                    for row in _answer_rows(rng, rid, question, options[question.pk])
                ]
        with transaction.atomic():
            Response.objects.bulk_create(responses, batch_size=1000)
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
        written += size
        print(
            f"\r  {written:,} responses ({time.perf_counter() - started:.0f} s)", end="", flush=True
        )
    print()


def _key(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _answer_rows(rng, rid, question, options) -> list[tuple]:
    kind = question.kind
    if kind == "single":
        return [(rid, question.pk, rng.choice(options), None, "")]
    if kind == "multiple":
        return [(rid, question.pk, o, None, "") for o in rng.sample(options, rng.randint(1, 3))]
    if kind == "yes_no":
        return [(rid, question.pk, None, int(rng.random() < 0.7), "")]
    if kind == "rating":
        return [(rid, question.pk, None, rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5)), "")]
    if kind == "number":
        return [(rid, question.pk, None, rng.randint(0, 2000), "")]
    if rng.random() < 0.3:
        text = "，".join(rng.sample(PHRASES, rng.randint(2, 6)))
        return [(rid, question.pk, None, None, text)]
    return []


def ensure_survey(community, title: str, responses: int, seed: int):
    from gongzhi.surveys.models import Survey

    survey = Survey.objects.filter(community=community, title=title).first()
    if survey is not None and survey.responses.count() == responses:
        return survey, False
    if survey is not None:
        survey.delete()
    from gongzhi.surveys.respond_services import rebuild_tallies

    survey = make_survey(community, title, anonymous=True)
    fill_responses(survey, responses, seed)
    # The answers went in by bulk insert, not through submit_response: count them once.
    rebuild_tallies(survey)
    return survey, True


def ensure_coverage_survey(community, seed: int):
    """A household survey: 60% answered (mostly on a visit), 12% not at home, 4% declined."""
    from django.db import transaction

    from gongzhi.accounts.models import User
    from gongzhi.surveys.models import Channel, Participation, Survey, Visit

    title = "入户覆盖压测"
    survey = Survey.objects.filter(community=community, title=title).first()
    if survey is not None:
        return survey
    rng = random.Random(seed)
    worker, _ = User.objects.get_or_create(phone="13700000011", defaults={"name": "压测网格员"})
    with transaction.atomic():
        survey = make_survey(community, title, anonymous=False)
        participations, visits = [], []
        for household_id in community.households.order_by("id").values_list("id", flat=True):
            roll = rng.random()
            if roll < 0.60:
                channel = Channel.VISIT if roll < 0.5 else Channel.ONLINE
                participations.append(
                    Participation(survey=survey, household_id=household_id, channel=channel)
                )
                if channel == Channel.VISIT:
                    visits.append(
                        Visit(
                            survey=survey,
                            household_id=household_id,
                            worker=worker,
                            outcome=Visit.Outcome.ANSWERED,
                        )
                    )
            elif roll < 0.76:
                outcome = Visit.Outcome.NOT_HOME if roll < 0.72 else Visit.Outcome.DECLINED
                visits.append(
                    Visit(survey=survey, household_id=household_id, worker=worker, outcome=outcome)
                )
        Participation.objects.bulk_create(participations, batch_size=2000)
        Visit.objects.bulk_create(visits, batch_size=2000)
    return survey


# --- Measurements ----------------------------------------------------------------------------


def _rss() -> int:
    """Resident memory of this process in bytes (Linux), or the peak so far elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            import os

            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class MemoryWatch:
    """Sample resident memory every 20 ms in a thread; report the peak growth."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while self.running:
            self.peak = max(self.peak, _rss())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def stream(client, url: str) -> tuple[float, float, int, float]:
    """GET a streamed download: (total seconds, seconds to first byte, bytes, CPU seconds).

    CPU seconds are this process's (with SQLite, the database's work too): on a busy
    machine they show what the export costs when the wall clock is shared.
    """
    cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    first = None
    size = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    return time.perf_counter() - started, first or 0.0, size, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survey-residents", type=int, default=23_000, help="community size")
    parser.add_argument("--responses", type=int, default=100_000, help="responses to the survey")
    parser.add_argument("--iterations", type=int, default=10, help="timed results computations")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only", choices=("results", "exports", "coverage"), help="run one part of the bench"
    )
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    db = SimpleNamespace(communities=1, residents=args.survey_residents, seed=args.seed)
    print(setup_django(db))

    from django.db import connection
    from django.test import Client

    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.surveys.models import Answer, Response

    community = ensure_community(args.survey_residents, args.seed)
    households = community.households.count()
    print(f"Community: {community.name}, {households:,} households")
    started = time.perf_counter()
    big, made = ensure_survey(community, f"结果压测 {args.responses}", args.responses, args.seed)
    small, _ = ensure_survey(community, "结果压测 3", 3, args.seed + 1)
    tenth = args.responses // 10
    mid, _ = ensure_survey(community, f"结果压测 {tenth}", tenth, args.seed + 2)
    covered = ensure_coverage_survey(community, args.seed)
    if made and connection.vendor == "postgresql":
        # As autovacuum would soon: fresh statistics, and a visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE surveys_answer, surveys_response, surveys_participation")
    answers = Answer.objects.filter(question__survey=big).count()
    verb = "generated" if made else "reused"
    print(
        f"Survey: {args.responses:,} responses x {len(KINDS)} questions, {answers:,} answers "
        f"({verb}, {time.perf_counter() - started:.0f} s)"
    )
    admin, _ = User.objects.get_or_create(phone="13700000010", defaults={"name": "压测社区管理员"})
    RoleAssignment.objects.get_or_create(user=admin, role=Role.COMMUNITY_ADMIN, community=community)
    client = Client()
    client.force_login(admin)
    some_response = Response.objects.filter(survey=big).values_list("pk", flat=True).first()

    parts = {args.only} if args.only else {"results", "exports", "coverage"}
    if "results" in parts:
        bench_results(args, client, big, small, some_response)
    if "exports" in parts:
        bench_exports(client, big, mid, args.responses)
    if "coverage" in parts:
        bench_coverage(client, covered, households, some_response, args.iterations)


def bench_results(args, client, big, small, some_response) -> None:
    """Time the results computation and page, cold and warm; compare the query counts."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from gongzhi.surveys.models import Answer, Response
    from gongzhi.surveys.results import survey_results

    print("\n1. Results at full size")
    page_url = reverse("surveys:results", args=[big.pk])

    def compute(_):
        cache.clear()
        survey_results(big)

    def page(_):
        cache.clear()
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    def warm_page(_):
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code

    def results_timings(title: str):
        print(f"  {title}")
        timings = time_interleaved(
            {
                "baseline: COUNT(*) answers": lambda _: Answer.objects.count(),
                "baseline: response by key": lambda _: Response.objects.get(pk=some_response),
                "survey_results(), cold": compute,
                "results page, cold": page,
                "results page, warm": warm_page,
            },
            n=args.iterations,
            warmup=2,
        )
        count_all, by_key = timings[:2]
        for timing in timings:
            print("    " + timing.line())
        for timing in timings[2:]:
            print(
                f"    {timing.label}: x{timing.p50 / count_all.p50:.1f} COUNT(*), "
                f"x{timing.p50 / by_key.p50:.0f} fetch by key (p50)"
            )
        for timing in timings[3:]:
            verdict = "OK" if timing.p95 <= TARGET_PAGE else "OVER TARGET"
            print(
                f"    {timing.label} p95 {timing.p95 * 1000:.0f} ms (target <= 500 ms): {verdict}"
            )

    results_timings("as migrated (cold: every cache cleared; warm: nothing new since)")

    queries = {}
    for label, survey in (("3 responses", small), (f"{args.responses:,} responses", big)):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("surveys:results", args=[survey.pk]))
        queries[label] = len(captured)
    same = len(set(queries.values())) == 1
    listed = ", ".join(f"{k}: {v}" for k, v in queries.items())
    print(f"  queries per page: {listed} ({'equal: OK' if same else 'DIFFERENT'})")


def bench_exports(client, big, mid, responses: int) -> None:
    """Time the Excel and CSV downloads and watch the memory they take."""
    from django.urls import reverse

    tenth = responses // 10
    print("\n2. Exports, streamed through the test client")
    for survey, label in ((mid, f"{tenth:,}"), (big, f"{responses:,}")):
        with MemoryWatch() as memory:
            total, first, size, cpu = stream(
                client, reverse("surveys:export-xlsx", args=[survey.pk])
            )
        verdict = "OK" if total <= TARGET_EXPORT or survey is mid else "OVER TARGET"
        print(
            f"  Excel, {label:>7} responses: {total:6.1f} s (CPU {cpu:5.1f} s, first byte "
            f"{first:4.1f} s), {size / 2**20:5.1f} MB, memory growth {memory.growth_mb:5.1f} MB"
            f"  {verdict}"
        )
    for survey, label in ((mid, f"{tenth:,}"), (big, f"{responses:,}")):
        with MemoryWatch() as memory:
            total, first, size, cpu = stream(
                client, reverse("surveys:export-csv", args=[survey.pk])
            )
        print(
            f"  CSV,   {label:>7} responses: {total:6.1f} s (CPU {cpu:5.1f} s, first byte "
            f"{first:4.1f} s), {size / 2**20:5.1f} MB, memory growth {memory.growth_mb:5.1f} MB"
        )


def bench_coverage(client, covered, households: int, some_response, iterations: int) -> None:
    """Time the coverage page of the 10,000-household community (the respond part's): as
    viewed again with nothing new (tables from the cache) and cold (cache cleared)."""
    from django.core.cache import cache
    from django.urls import reverse

    from gongzhi.surveys.coverage import coverage
    from gongzhi.surveys.models import Response

    print(f"\n3. Coverage of {households:,} households")
    coverage_url = reverse("surveys:coverage", args=[covered.pk])

    def coverage_page(_):
        response = client.get(coverage_url)
        assert response.status_code == 200, response.status_code

    def cold_page(_):
        cache.clear()  # as after a new answer or visit: the tables are counted again
        coverage_page(_)

    timings = time_interleaved(
        {
            "baseline: response by key": lambda _: Response.objects.get(pk=some_response),
            "coverage()": lambda _: coverage(covered),
            "coverage page (test client)": coverage_page,
            "coverage page, cold": cold_page,
        },
        n=max(20, iterations * 5),
        warmup=3,
    )
    for timing in timings:
        print("  " + timing.line(timings[0]))
    for timing in timings[2:]:
        verdict = "OK" if timing.p95 <= TARGET_COVERAGE_P95 else "OVER TARGET"
        print(f"  {timing.label} p95 {timing.p95 * 1000:.0f} ms (target <= 100 ms): {verdict}")


if __name__ == "__main__":
    main()

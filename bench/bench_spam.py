"""Spam screening: posts per second on one core, and precision and recall on the labelled set.

It prints:
1. Text checks only (gongzhi.moderation.screening.screen_text plus the simhash fingerprint,
   with a 30-word review list), no database: posts/second over the labelled posts,
   repeated. Target: >= 2,000 posts/s on one core.
2. The whole screen(), database included (settings, flood count, duplicate candidates,
   the fingerprint insert), in a community whose last week already holds --history
   fingerprints: posts/second and p50/p95 per post. Baseline in the same run: one
   primary-key fetch.
3. Precision and recall of screen() on gongzhi/moderation/tests/data/labelled_posts.jsonl,
   replayed in order, for the tune part, the holdout part and each kind.

Everything written to the database is rolled back at the end. It needs no city: on SQLite
it uses a file of its own, bench/results/spam.sqlite3; on PostgreSQL, DATABASE_URL.

    .venv/bin/python bench/bench_spam.py
    .venv/bin/python bench/bench_spam.py --history 20000 --rounds 3   # quick
"""

import argparse
import gc
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, add_city_arguments, percentile, setup_django

TARGET_POSTS_PER_SECOND = 2000
REVIEW_WORDS = (
    "代开发票",
    "博彩",
    "裸聊",
    "刷单",
    "网赚",
    "私服",
    "外挂",
    "办证",
    "高利贷",
    "套现",
    "信用卡提现",
    "六合彩",
    "时时彩",
    "赌球",
    "发票代开",
    "兼职打字",
    "轻松月入",
    "无需押金",
    "包过",
    "替考",
    "假证",
    "黑车",
    "窃听器",
    "迷药",
    "枪支",
    "毒品",
    "代孕",
    "卖肾",
    "传销",
    "洗钱",
)


def measure_text_checks(posts: list[str], rounds: int) -> tuple[float, float]:
    """Return (posts/second, mean microseconds per post) of the checks without a database."""
    from gongzhi.moderation import detect
    from gongzhi.moderation.screening import screen_text

    words = tuple(REVIEW_WORDS)
    for text in posts:  # warm the segmenter, the regexes and the hash tables
        screen_text(text, blocked_words=words)
        detect.simhash(text)
    gc.collect()
    started = time.process_time()
    for _ in range(rounds):
        for text in posts:
            screen_text(text, blocked_words=words)
            detect.simhash(text)
    elapsed = time.process_time() - started
    count = rounds * len(posts)
    return count / elapsed, elapsed / count * 1e6


def fill_history(community, users, history: int, now) -> None:
    """Write `history` fingerprints spread over the community's last week."""
    import random

    from gongzhi.moderation import detect
    from gongzhi.moderation.models import ScreenedText

    rng = random.Random(7)
    rows = []
    for n in range(history):
        value = rng.getrandbits(64)
        rows.append(
            ScreenedText(
                community=community,
                author=users[n % len(users)],
                kind="need",
                simhash=detect.to_signed(value),
                created_at=now - timedelta(seconds=rng.randint(60, 7 * 86400)),
                **{f"band{i}": b for i, b in enumerate(detect.bands(value))},
            )
        )
        if len(rows) == 5000:
            ScreenedText.objects.bulk_create(rows)
            rows = []
    ScreenedText.objects.bulk_create(rows)


def measure_screen(posts: list[dict], history: int) -> None:
    """Time the full screen() per post against a week of history, then roll back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.moderation.models import ScreenedText
    from gongzhi.moderation.screening import screen
    from gongzhi.registry.models import Community, Subdistrict

    with transaction.atomic():
        subdistrict = Subdistrict.objects.create(name="垃圾帖压测街道", code="429005902")
        community = Community.objects.create(subdistrict=subdistrict, name="压测社区", code="001")
        users = []
        for n in range(200):
            user = User.objects.create(phone=f"1980{n:07d}", name=f"bench{n}")
            RoleAssignment.objects.create(user=user, role=Role.RESIDENT, community=community)
            users.append(user)
        now = timezone.now()
        started = time.perf_counter()
        fill_history(community, users, history, now)
        # As autovacuum would: without statistics PostgreSQL scans instead of ORing indexes.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ScreenedText._meta.db_table}")
        print(f"history: {history:,} fingerprints in {time.perf_counter() - started:.1f} s")

        pk = ScreenedText.objects.filter(community=community).values_list("pk", flat=True)[0]
        baseline = []
        for _ in range(300):
            t = time.perf_counter()
            ScreenedText.objects.get(pk=pk)
            baseline.append(time.perf_counter() - t)

        samples = []
        cpu_started = time.process_time()
        for n, row in enumerate(posts):
            t = time.perf_counter()
            screen(author=users[n % len(users)], community=community, text=row["text"], kind="need")
            samples.append(time.perf_counter() - t)
        cpu = time.process_time() - cpu_started
        transaction.set_rollback(True)

    wall = sum(samples)
    print(
        f"screen() with the database   {len(samples) / wall:8.0f} posts/s wall  "
        f"{len(samples) / cpu:8.0f} posts/s cpu  "
        f"p50 {statistics.median(samples) * 1000:.2f} ms  "
        f"p95 {percentile(samples, 95) * 1000:.2f} ms"
    )
    base = statistics.median(baseline)
    print(
        f"baseline: primary-key fetch  p50 {base * 1000:.3f} ms  "
        f"(screen() p50 = {statistics.median(samples) / base:.1f} x the baseline)"
    )


def measure_quality() -> None:
    """Replay the labelled posts through screen() and print precision and recall."""
    from django.db import transaction
    from django.utils import timezone

    from gongzhi.moderation.tests.spam_eval import load_posts, replay
    from gongzhi.registry.models import Community, Subdistrict

    with transaction.atomic():
        subdistrict = Subdistrict.objects.create(name="垃圾帖评测街道", code="429005903")
        community = Community.objects.create(subdistrict=subdistrict, name="评测社区", code="001")
        tallies = replay(load_posts(), community, timezone.now() - timedelta(days=30))
        transaction.set_rollback(True)
    for split in ("tune", "holdout", "all"):
        print(tallies[split].line(split))
    for key in sorted(k for k in tallies if k.startswith("all:")):
        tally = tallies[key]
        if tally.tp + tally.fn:
            print(f"  recall {key[4:]:<12} {tally.recall:.3f}  ({tally.tp}/{tally.tp + tally.fn})")
        else:
            print(f"  false alarms {key[4:]:<8} {tally.fp}/{tally.fp + tally.tn}")


def setup_own_database(args) -> str:
    """Like setup_django(), but on SQLite in a file of its own: spam needs no city."""
    import os

    if os.environ.get("DATABASE_URL"):
        return setup_django(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    os.environ["SQLITE_PATH"] = str(RESULTS / "spam.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return f"Database: {connection.vendor} {connection.settings_dict['NAME']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the posts, text only")
    parser.add_argument("--history", type=int, default=50_000, help="fingerprints in the week")
    args = parser.parse_args()
    print(setup_own_database(args))

    from gongzhi.moderation.tests.spam_eval import load_posts

    posts = load_posts()
    texts = [p["text"] for p in posts]
    mean_length = statistics.mean(len(t) for t in texts)
    print(f"labelled posts: {len(posts)} (mean {mean_length:.0f} characters)")
    rate, micros = measure_text_checks(texts, args.rounds)
    verdict = "ok" if rate >= TARGET_POSTS_PER_SECOND else "BELOW TARGET"
    print(
        f"text checks, no database     {rate:8.0f} posts/s on one core  "
        f"({micros:.0f} us/post; target >= {TARGET_POSTS_PER_SECOND:,}: {verdict})"
    )
    measure_screen(posts, args.history)
    measure_quality()
    return 0 if rate >= TARGET_POSTS_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())

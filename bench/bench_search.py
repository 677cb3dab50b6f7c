"""Resident search at city scale, against a primary-key fetch in the same run.

At 200,000 residents in 20 communities, a community worker searches their (largest)
community by pinyin initials, full pinyin, phone tail and part of a Chinese name, the way
the search page does: gongzhi.registry.search.search_residents, then the first page of 25
with its count. Target: p95 <= 50 ms.

    .venv/bin/python bench/bench_search.py                  # 200,000 residents
    .venv/bin/python bench/bench_search.py --residents 20000 --iterations 50
"""

import argparse
import random
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_city_arguments, setup_django, time_interleaved

TARGET_P95 = 0.050
PAGE_SIZE = 25  # as on the search page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per query")
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    print(setup_django(args))

    from django.core.paginator import Paginator
    from django.db.models import Count

    from bench.generate import ensure_city
    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.registry.models import Community, Resident

    try:
        from gongzhi.registry.search import search_residents
    except ImportError:
        raise SystemExit("gongzhi.registry.search.search_residents does not exist yet.") from None

    city = ensure_city(args.communities, args.residents, args.seed)
    community = (
        Community.objects.filter(subdistrict=city)
        .annotate(n=Count("residents"))
        .order_by("-n", "code")[0]
    )
    worker, _ = User.objects.get_or_create(phone="13700000001", defaults={"name": "压测社工"})
    RoleAssignment.objects.get_or_create(
        user=worker, role=Role.COMMUNITY_WORKER, community=community
    )
    total = Resident.objects.filter(community__subdistrict=city).count()
    print(f"City: {total:,} residents; searching {community.name} ({community.n:,} residents)")

    # A real full name of this community, typed in pinyin, and a common given name.
    full_pinyin = (
        Resident.objects.filter(community=community, name__endswith="建国")
        .values_list("name_pinyin", flat=True)
        .first()
        or "wangjianguo"
    )
    queries = [
        ("initials 'zs'", "zs"),
        (f"full pinyin '{full_pinyin}'", full_pinyin),
        ("phone tail '1234'", "1234"),
        ("name part '建国'", "建国"),
    ]

    def search(q: str):
        def run(_: int) -> None:
            # A request loads the user's roles afresh; so does each call here.
            worker.__dict__.pop("_gongzhi_scope", None)
            found = search_residents(worker, community, q)
            page = Paginator(found.for_listing(), PAGE_SIZE).get_page(1)
            list(page.object_list)

        return run

    ids = list(Resident.objects.filter(community=community).values_list("id", flat=True))
    rng = random.Random(args.seed)
    calls = {"Resident.objects.get(pk=…)": lambda _: Resident.objects.get(pk=rng.choice(ids))}
    calls.update({label: search(q) for label, q in queries})
    baseline, *timings = time_interleaved(calls, n=args.iterations)

    print(f"\nTimed {args.iterations} calls each, in turns (multiples: of the pk fetch)")
    print(baseline.line())
    for timing in timings:
        print(timing.line(baseline))
    worst = max(t.p95 for t in timings)
    verdict = "OK" if worst <= TARGET_P95 else "OVER TARGET"
    target = f"target <= {TARGET_P95 * 1000:.0f} ms"
    print(f"\nWorst search p95: {worst * 1000:.2f} ms ({target}): {verdict}")


if __name__ == "__main__":
    main()

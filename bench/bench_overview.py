"""The community overview page served by gunicorn, against a hello-world view, same run.

gunicorn runs 2 sync workers on a free loopback port with bench/bench_settings.py. A
community worker's session cookie (made here) logs the clients in. It prints requests per
second for /bench/hello/ and for /registry/communities/<id>/ of the largest community, the
ratio (target >= 40%), and the overview's query count for the smallest and the largest
community, which must be equal, with the figures' cache cold and warm.

    .venv/bin/python bench/bench_overview.py                  # 200,000 residents
    .venv/bin/python bench/bench_overview.py --residents 20000 --seconds 3
"""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Server, add_city_arguments, fetch, setup_django, throughput, time_calls

TARGET_RATIO = 0.40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_city_arguments(parser)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    # run_all.py passes every option to every bench: ignore the ones meant for others.
    args, _ = parser.parse_known_args()
    print(setup_django(args))

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.generate import ensure_city
    from gongzhi.accounts.models import Role, RoleAssignment, User
    from gongzhi.registry.models import Community
    from gongzhi.registry.overview import compute_overview

    city = ensure_city(args.communities, args.residents, args.seed)
    by_size = Community.objects.filter(subdistrict=city).annotate(n=Count("residents"))
    small = by_size.order_by("n", "code")[0]
    large = by_size.order_by("-n", "code")[0]

    def worker_for(community, phone: str):
        user, _ = User.objects.get_or_create(phone=phone, defaults={"name": "压测社工"})
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.COMMUNITY_WORKER, community=community
        )
        return user

    # Query counts, through the test client, for a small and a large community.
    print(
        f"\nQuery count of the overview (small: {small.name}, {small.n:,} residents; "
        f"large: {large.name}, {large.n:,} residents)"
    )
    counts = {}
    for label, community, phone in (
        ("small", small, "13700000002"),
        ("large", large, "13700000001"),
    ):
        client = Client()
        client.force_login(worker_for(community, phone))
        url = reverse("registry:community", args=[community.pk])
        for state in ("cold", "warm"):
            if state == "cold":
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code} for a community worker")
            counts[(label, state)] = len(queries)
    for state in ("cold", "warm"):
        small_n, large_n = counts[("small", state)], counts[("large", state)]
        verdict = "equal: OK" if small_n == large_n else "DIFFERENT"
        print(f"  figures cache {state}: small {small_n}, large {large_n} queries ({verdict})")

    cold = time_calls(
        f"compute_overview({large.name}), cold",
        lambda _: compute_overview(large),
        n=20,
        warmup=2,
    )
    print("  " + cold.line())

    # Throughput under gunicorn, logged in as the large community's worker.
    client = Client()
    client.force_login(worker_for(large, "13700000001"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    overview_path = reverse("registry:community", args=[large.pk])
    connection.close()  # the server's workers open their own connections
    print(
        f"\ngunicorn, {args.workers} sync workers; {args.clients} client processes, "
        f"{args.seconds:g} s per run"
    )
    with Server(workers=args.workers) as server:
        for path in ("/bench/hello/", "/bench/shell/", overview_path):
            status, _ = fetch(server.port, path, cookie)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            throughput("warm-up", server.port, path, cookie, args.clients, 1.0)
        hello = throughput(
            "hello world", server.port, "/bench/hello/", cookie, args.clients, args.seconds
        )
        shell = throughput(
            "logged-in empty page", server.port, "/bench/shell/", cookie, args.clients, args.seconds
        )
        overview = throughput(
            "community overview", server.port, overview_path, cookie, args.clients, args.seconds
        )
    for run in (hello, shell, overview):
        print(
            f"  {run.label:<20} {run.per_second:8.1f} requests/s "
            f"({run.requests:,} requests, {run.errors} errors)"
        )
    ratio = overview.per_second / hello.per_second if hello.per_second else 0.0
    verdict = "OK" if ratio >= TARGET_RATIO else "UNDER TARGET"
    print(f"\nOverview / hello world: {ratio:.0%} (target >= {TARGET_RATIO:.0%}): {verdict}")
    floor = shell.per_second / hello.per_second if hello.per_second else 0.0
    share = overview.per_second / shell.per_second if shell.per_second else 0.0
    print(f"Logged-in empty page / hello world: {floor:.0%} (the ceiling for any logged-in page)")
    print(f"Overview / logged-in empty page: {share:.0%}")


if __name__ == "__main__":
    main()

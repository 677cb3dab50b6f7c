"""Exact support counts under concurrency: 200 residents at once give 200; one resident
supporting (or withdrawing) twice at once counts once.

Supports are made by WORKERS threads released together by a barrier, each with its own
database connection, each working through its share of the residents: the unique
constraint (need, resident) and the F() update of the counter in the same transaction must
keep the count exact. PostgreSQL here allows 100 connections shared with other test runs,
so the 200 supports go through 25 connections at once rather than 200.

Django's SQLite test database lives in memory with a shared cache, whose table locks fail
at once instead of waiting; so on SQLite the scenarios run in a child process against a
SQLite file with the production settings (WAL, BEGIN IMMEDIATE, busy_timeout), and on
PostgreSQL right here against the test database.
"""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORTERS = 200
WORKERS = 25
TWICE = 8
ROOT = Path(__file__).resolve().parents[3]


def run_together(target, count: int) -> list:
    """Run target(i) in count threads released at once; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _setup(supporters):
    """A community, a need and `supporters` residents with logins (bulk-made, fast)."""
    from gongzhi.accounts.models import User
    from gongzhi.core.testing import factories as f
    from gongzhi.needs.categories import ensure_categories
    from gongzhi.needs.models import Need
    from gongzhi.registry.models import Resident

    community = f.CommunityFactory()
    author = f.UserFactory()
    need = Need.objects.create(
        community=community,
        title="加装电梯",
        text="老楼没有电梯，老人上下楼困难。",
        category=ensure_categories(community)[0],
        author=author,
        response_due_at=timezone.now() + timedelta(days=7),
    )
    start = 13500000000 + (need.pk % 1000) * 10000
    users = User.objects.bulk_create(
        [User(phone=str(start + i), name=f"居民{i}", password="!") for i in range(supporters)]
    )
    users = list(User.objects.filter(phone__in=[u.phone for u in users]).order_by("phone"))
    Resident.objects.bulk_create(
        [Resident(community=community, name=u.name, user=u) for u in users]
    )
    return need, users


def _summary(need, results) -> dict:
    from gongzhi.needs.models import Need, Support
    from gongzhi.needs.services import NeedError

    flat = [r for group in results for r in (group if isinstance(group, list) else [group])]
    return {
        "ok": sum(not isinstance(r, Exception) for r in flat),
        "refused": sorted({r.code for r in flat if isinstance(r, NeedError)}),
        "other": [
            repr(r) for r in flat if isinstance(r, Exception) and not isinstance(r, NeedError)
        ],
        "count": Need.objects.get(pk=need.pk).support_count,
        "rows": Support.objects.filter(need=need).count(),
    }


def run_scenario(kind: str) -> dict:
    from gongzhi.accounts.models import User
    from gongzhi.needs import services
    from gongzhi.needs.models import Need

    if kind == "distinct":
        need, users = _setup(SUPPORTERS)
        shares = [users[i::WORKERS] for i in range(WORKERS)]

        def target(i):
            out = []
            for user in shares[i]:
                fresh = Need.objects.get(pk=need.pk)
                try:
                    out.append(services.support_need(need=fresh, actor=user))
                except Exception as exc:  # noqa: BLE001
                    out.append(exc)
            return out

        return _summary(need, run_together(target, WORKERS))

    need, users = _setup(1)
    user_id = users[0].pk
    if kind == "withdraw_twice":
        services.support_need(need=need, actor=users[0])

    def once(i):
        user = User.objects.get(pk=user_id)  # each thread its own object, as in a request
        fresh = Need.objects.get(pk=need.pk)
        if kind == "withdraw_twice":
            return services.withdraw_support(need=fresh, actor=user) or "withdrawn"
        return services.support_need(need=fresh, actor=user)

    return _summary(need, run_together(once, TWICE))


SCENARIOS = ("distinct", "twice", "withdraw_twice")


def main() -> None:
    """Child process entry: migrate a fresh SQLite file, run every scenario, print JSON."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(json.dumps({kind: run_scenario(kind) for kind in SCENARIOS}))


@pytest.fixture(scope="module")
def sqlite_file_runs(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("need-concurrency") / "gz.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SQLITE_PATH=str(path), DJANGO_SETTINGS_MODULE="gongzhi.settings")
    code = (
        "import django; django.setup(); "
        "from gongzhi.needs.tests.test_concurrency import main; main()"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def scenario(request):
    """Run a scenario where threads can really race: here on PostgreSQL, a file on SQLite."""
    if connection.vendor == "sqlite":
        runs = request.getfixturevalue("sqlite_file_runs")
        return runs.__getitem__
    return run_scenario


def test_two_hundred_residents_supporting_at_once_give_two_hundred(scenario):
    summary = scenario("distinct")

    assert summary["other"] == []
    assert summary["refused"] == []
    assert summary["ok"] == SUPPORTERS
    assert summary["rows"] == SUPPORTERS
    assert summary["count"] == SUPPORTERS


def test_one_resident_supporting_twice_at_once_gives_one(scenario):
    summary = scenario("twice")

    assert summary["other"] == []
    assert summary["ok"] == 1
    assert summary["refused"] == ["already_supported"]
    assert summary["rows"] == 1
    assert summary["count"] == 1


def test_one_resident_withdrawing_twice_at_once_gives_zero(scenario):
    summary = scenario("withdraw_twice")

    assert summary["other"] == []
    assert summary["ok"] == 1
    assert summary["refused"] == ["not_supported"]
    assert summary["rows"] == 0
    assert summary["count"] == 0

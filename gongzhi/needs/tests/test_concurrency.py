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

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.core.testing.concurrency import migrate_and_print, run_in_sqlite_file, run_together

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORTERS = 200
WORKERS = 25
TWICE = 8
ROOT = Path(__file__).resolve().parents[3]


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
    """Child process entry: run every scenario on a fresh SQLite file, print JSON."""
    migrate_and_print(lambda: {kind: run_scenario(kind) for kind in SCENARIOS})


@pytest.fixture(scope="module")
def sqlite_file_runs() -> dict:
    return run_in_sqlite_file("gongzhi.needs.tests.test_concurrency", timeout=600)


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

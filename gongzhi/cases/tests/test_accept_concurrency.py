"""Two (or more) workers accepting the same case at the same moment: exactly one wins.

accept_case locks the case row (SELECT ... FOR UPDATE) before it checks the status, so the
second worker waits, then sees "accepted" and is refused. Each worker runs in its own thread
with its own connection, released together by a barrier.

Where the threads can really race: pytest-django's SQLite test database is in memory with a
shared cache, whose table locks fail at once instead of waiting, so on SQLite the scenario
runs in a child process against a SQLite file with the production settings (WAL,
BEGIN IMMEDIATE, busy_timeout: writers queue instead of failing); on PostgreSQL it runs right
here against the test database (transaction=True, so the threads see committed rows).
"""

from pathlib import Path

import pytest
from django.db import connection

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseEvent, HandlingUnit, Status
from gongzhi.cases.services import CaseError
from gongzhi.cases.tests.factories import ensure_seeded_categories
from gongzhi.core.testing import factories as f
from gongzhi.core.testing.concurrency import migrate_and_print, run_in_sqlite_file, run_together
from gongzhi.registry.models import Building

# transaction=True: the threads must see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6
ROOT = Path(__file__).resolve().parents[3]


def race_to_accept() -> dict:
    """WORKERS members of one unit accept one dispatched case at once; summarise."""
    from gongzhi.cases.models import Category

    # An earlier transactional test's flush may have emptied the seeded categories.
    ensure_seeded_categories()
    building: Building = f.BuildingFactory()  # type: ignore[assignment]
    community = building.community
    # Plain users without passwords: the child process hashes with argon2, which is slow.
    admin = User.objects.create(phone=f.next_phone())
    f.give_role(admin, f.Role.COMMUNITY_ADMIN, community)
    workers = [User.objects.create(phone=f.next_phone()) for _ in range(WORKERS)]
    unit = HandlingUnit.objects.create(community=community, kind="team", name="志愿服务队")
    unit.members.add(*workers)
    category = Category.objects.get(
        community__isnull=True, kind="event", major_code="01", minor_code="02"
    )
    case = services.report_case(
        community=community,
        category=category,
        text="垃圾",
        channel=Case.Channel.PHONE,
        actor=admin,
        building=building,
        reporter_phone="13900000000",
    )
    services.dispatch_case(case=case, actor=admin, unit=unit)

    def accept(i):
        return services.accept_case(case=Case.objects.get(pk=case.pk), actor=workers[i])

    results = run_together(accept, WORKERS)
    case.refresh_from_db()
    accepted_by = list(
        CaseEvent.objects.filter(case=case, action="accept").values_list("actor_id", flat=True)
    )
    return {
        "won": sum(isinstance(r, Case) for r in results),
        "refused": sorted({r.code for r in results if isinstance(r, CaseError)}),
        "refused_count": sum(isinstance(r, CaseError) for r in results),
        "other": [repr(r) for r in results if not isinstance(r, Case | CaseError)],
        "status": case.status,
        "accept_events": len(accepted_by),
        "winner_is_a_worker": bool(accepted_by) and accepted_by[0] in {w.pk for w in workers},
    }


def main() -> None:
    """Child process entry: race on a fresh SQLite file, print JSON."""
    migrate_and_print(race_to_accept)


@pytest.fixture
def race():
    """The race's summary: threads against PostgreSQL here, a SQLite file in a child process."""
    if connection.vendor != "sqlite":
        return race_to_accept()
    return run_in_sqlite_file("gongzhi.cases.tests.test_accept_concurrency", timeout=180)


def test_two_workers_accepting_at_once_exactly_one_wins(race):
    assert race["other"] == []
    assert race["won"] == 1
    assert race["refused"] == ["illegal_transition"]
    assert race["refused_count"] == WORKERS - 1
    assert race["status"] == Status.ACCEPTED
    assert race["accept_events"] == 1
    assert race["winner_is_a_worker"]

"""Reports arriving at the same moment: the threshold hides the post exactly once.

Each report runs in its own thread and connection, released together by a barrier; the row
lock on the item makes them queue up. On PostgreSQL only: Django's in-memory SQLite test
database cannot take concurrent writers, and production SQLite (BEGIN IMMEDIATE) runs one
write transaction at a time anyway.
"""

import threading

import pytest
from django.db import connection, connections

from gongzhi.accounts.models import Role
from gongzhi.core.testing import factories as f
from gongzhi.moderation import services
from gongzhi.moderation.models import CaseEvent, ModerationCase, ModerationStatus, Report

from .content import SamplePost

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


def run_together(target, count: int = THREADS) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def work(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers")
def test_simultaneous_reports_hide_the_post_once():
    community = f.CommunityFactory()
    post = SamplePost.objects.create(community=community, author=f.UserFactory(), title="帖子")
    reporters = []
    for _ in range(THREADS):
        user = f.UserFactory()
        f.give_role(user, Role.RESIDENT, community)
        reporters.append(user)

    try:
        results = run_together(
            lambda i: services.report_item(obj=post, reporter=reporters[i], reason="spam")
        )
        check(post, results)
    finally:
        # The end-of-test TRUNCATE does not reach this unmanaged table.
        SamplePost.objects.filter(pk=post.pk).delete()


def check(post, results) -> None:
    refused = [r for r in results if isinstance(r, services.ModerationError)]
    assert len(refused) == THREADS - 3, results
    post.refresh_from_db()
    assert post.moderation_status == ModerationStatus.HIDDEN
    assert Report.objects.filter(object_id=post.pk).count() == 3
    case = ModerationCase.objects.get(object_id=post.pk)
    assert CaseEvent.objects.filter(case=case, action="hidden").count() == 1

"""CappedPaginator: exact below the cap, "more than" above it, and a bounded count query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.models import User
from gongzhi.core.pagination import CappedPaginator


class SmallCap(CappedPaginator):
    cap = 5


def users(n: int):
    for i in range(n):
        User.objects.create(phone=f"1390000{i:04d}", name=f"用户{i}")
    return User.objects.order_by("phone")


@pytest.mark.django_db
def test_below_the_cap_the_count_is_exact():
    paginator = SmallCap(users(4), 2)

    assert (paginator.count, paginator.more, paginator.num_pages) == (4, False, 2)


@pytest.mark.django_db
def test_exactly_at_the_cap_there_is_no_more():
    paginator = SmallCap(users(5), 2)

    assert (paginator.count, paginator.more) == (5, False)


@pytest.mark.django_db
def test_above_the_cap_it_pages_the_first_cap_rows_and_says_there_are_more():
    everyone = users(8)
    paginator = SmallCap(everyone, 2)

    assert (paginator.count, paginator.more, paginator.num_pages) == (5, True, 3)
    last = paginator.get_page(99)
    assert last.number == 3 and not last.has_next()
    assert [u.phone for u in last] == [u.phone for u in everyone[4:5]]


@pytest.mark.django_db
def test_the_count_stops_reading_after_the_cap():
    paginator = SmallCap(users(8), 2)

    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 5
    (query,) = ctx.captured_queries
    assert "LIMIT 6" in query["sql"] and "ORDER BY" not in query["sql"]

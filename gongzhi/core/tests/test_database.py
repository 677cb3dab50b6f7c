"""PostgreSQL prepares statements only inside prepared_plans(): the case pages, not reports."""

import pytest
from django.db import connection

from gongzhi.cases.rates import GROUPINGS, Window, rate_table
from gongzhi.core.db import prepared_plans
from gongzhi.registry.models import Community

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if f'"{table}"' in row[0]]


def run_by_pk(times: int) -> None:
    for pk in range(1, times + 1):
        list(Community.objects.filter(pk=pk))


@pytest.mark.django_db
def test_inside_prepared_plans_a_repeated_query_is_prepared_with_parameters():
    with prepared_plans():
        run_by_pk(6)

    (statement,) = prepared("registry_community")
    assert '"registry_community"."id" = $1' in statement


@pytest.mark.django_db
def test_inside_prepared_plans_a_query_run_only_twice_is_not_prepared():
    with prepared_plans():
        run_by_pk(2)

    assert prepared("registry_community") == []


@pytest.mark.django_db
def test_outside_prepared_plans_nothing_is_prepared():
    with prepared_plans():
        pass
    run_by_pk(8)
    rate_table(community_ids=[1, 2], window=Window.parse("2025"), grouping=GROUPINGS["community"])
    for _ in range(7):
        rate_table(community_ids=[1], window=Window.parse("2025"), grouping=GROUPINGS["grid"])

    assert prepared("registry_community") == [] and prepared("cases_callback") == []

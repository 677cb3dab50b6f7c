"""On PostgreSQL a statement a connection runs again and again is prepared, not re-planned."""

import pytest
from django.db import connection

from gongzhi.cases.rates import GROUPINGS, Window, rate_table
from gongzhi.core.db import fresh_plans
from gongzhi.registry.models import Community

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_repeated_query_is_prepared_once_with_its_values_as_parameters():
    for pk in range(1, 7):
        list(Community.objects.filter(pk=pk))

    statements = [s for s in prepared() if 'FROM "registry_community"' in s]

    assert len(statements) == 1
    assert '"registry_community"."id" = $1' in statements[0]


@pytest.mark.django_db
def test_a_query_run_a_few_times_is_not_prepared():
    for pk in range(1, 3):
        list(Community.objects.filter(code=str(pk)))

    assert not [s for s in prepared() if '"registry_community"."code" = $1' in s]


@pytest.mark.django_db
def test_inside_fresh_plans_nothing_is_prepared_and_after_it_again():
    with fresh_plans():
        for pk in range(1, 8):
            list(Community.objects.filter(pk=pk))
        assert not [s for s in prepared() if 'FROM "registry_community"' in s]

    for pk in range(1, 7):
        list(Community.objects.filter(pk=pk))
    assert [s for s in prepared() if 'FROM "registry_community"' in s]


@pytest.mark.django_db
def test_the_rates_are_planned_for_their_own_dates_every_time():
    year = Window.parse("2025")
    for _ in range(7):
        rate_table(community_ids=[1, 2], window=year, grouping=GROUPINGS["community"])

    assert not [s for s in prepared() if "cases_callback" in s or "cases_case" in s]

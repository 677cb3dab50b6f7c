"""Database housekeeping that both engines need."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def analyze() -> None:
    """Refresh the query planner's statistics after large writes.

    Without them SQLite picks the index that matches ORDER BY and scans a whole community
    (resident search by given name: 55 ms instead of 9 ms at 18,000 residents). PostgreSQL's
    autovacuum does this by itself in time; calling it here makes it immediate.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def prepared_plans(threshold: int = 5) -> Iterator[None]:
    """Prepare each statement run here `threshold` times on this connection (PostgreSQL).

    PostgreSQL then stops planning it on every run: planning the case page's thirteen-table
    join took 9 ms, running it 0.5 ms. Only for pages that read a page of rows by key or in
    index order: after a few runs PostgreSQL may use one generic plan for all values, which
    misjudges date ranges and text searches (the rates took 60% longer, a search over a
    subdistrict's communities 2.6 times as long), so reports and searches stay outside.
    Usable as a decorator. Does nothing on SQLite or when DATABASE_PREPARE=0.
    """
    if not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold  # None (Django's default): psycopg prepares nothing
    raw.prepare_threshold = threshold
    try:
        yield
    finally:
        raw.prepare_threshold = before

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
def fresh_plans() -> Iterator[None]:
    """Plan every query inside for its own values, never from a prepared statement.

    On PostgreSQL a statement a connection repeats is prepared (settings.py), and after a
    few runs PostgreSQL may switch to one generic plan for all values. For a report over a
    date range that plan guesses the rows the range selects (321 where there were 320,687)
    and the rates took 640 ms instead of 400. Reports run inside this; pages do not.
    Usable as a decorator too.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None  # psycopg: neither prepare nor use prepared statements
    try:
        yield
    finally:
        raw.prepare_threshold = threshold

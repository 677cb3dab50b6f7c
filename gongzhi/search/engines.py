"""The SQL behind gongzhi.core.search, for PostgreSQL (tsvector, GIN) and SQLite (FTS5).

A query is a Match: every group must match, a group matches when one of its alternatives
does, and an alternative matches when all its terms do. For a few communities the engines
receive it with the communities folded in (each document carries the term c<id>v while
visible and c<id>o while also open; migration 0003), so their full-text index narrows the
rows before anything is read. Every condition is repeated on the table's own columns,
which stay the source of truth; kinds are filtered there only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

# Ranks: a title counts about three times a body (FTS5 bm25 column weights; PostgreSQL
# weighs title terms A = 1.0 against body terms B = 0.4 in ts_rank_cd).
SQLITE_RANK = "-bm25(search_fts, 3.0, 1.0, 0.0)"
PG_RANK = "ts_rank_cd(e.search_vector, %s::tsquery)"

# search() ranks at most the newest RANK_WINDOW matches, so that a word found in half of a
# city's documents costs no more than a rare one; it counts them up to the same number.
RANK_WINDOW = 1000
SCOPE_TERMS_UPTO = 4  # communities

Match = list[list[tuple[str, ...]]]


@dataclass(frozen=True)
class Scope:
    """Which rows a query may return."""

    kinds: Sequence[str]
    community_ids: Sequence[int] | None = None
    open_only: bool = False
    exclude_object_ids: Sequence[int] = ()


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    object_id: int
    community_id: int
    title: str
    body: str
    rank: float
    title_terms: str = ""
    body_terms: str = ""


def _scope_terms_help(scope: Scope) -> bool:
    """Say whether to match the communities' scope terms in the full-text index.

    They let the index skip other communities' documents, but each costs a read of its
    whole document list: for many communities filtering the table is cheaper.
    """
    return scope.community_ids is not None and len(scope.community_ids) <= SCOPE_TERMS_UPTO


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _where(scope: Scope) -> tuple[str, list]:
    """Return the conditions on search_searchentry (alias e) and their parameters."""
    sql = f"e.visible AND e.kind IN ({_placeholders(scope.kinds)})"
    params: list = list(scope.kinds)
    if scope.community_ids is not None:
        # For many communities the unary + keeps the planner off the community index,
        # whose bitmap of nearly every row costs more than it saves.
        column = "e.community_id" if _scope_terms_help(scope) else "+e.community_id"
        sql += f" AND {column} IN ({_placeholders(scope.community_ids)})"
        params += list(scope.community_ids)
    if scope.open_only:
        sql += " AND e.is_open"
    if scope.exclude_object_ids:
        sql += f" AND e.object_id NOT IN ({_placeholders(scope.exclude_object_ids)})"
        params += list(scope.exclude_object_ids)
    return sql, params


# --- SQLite: FTS5 ---------------------------------------------------------------------------


def _fts_match(match: Match, scope: Scope) -> str:
    """Return an FTS5 query: the terms in title and body, the scope in the scope column."""

    def alternative(terms: tuple[str, ...]) -> str:
        return " AND ".join(f'"{term}"' for term in terms)

    groups = " AND ".join(
        "(" + " OR ".join(f"({alternative(alt)})" for alt in group) + ")" for group in match
    )
    if not _scope_terms_help(scope):
        return f"{{title body}} : ({groups})"
    suffix = "o" if scope.open_only else "v"
    communities = " OR ".join(f"c{int(c)}{suffix}" for c in scope.community_ids or ())
    return f"{{title body}} : ({groups}) AND scope : ({communities})"


# --- PostgreSQL: tsvector ---------------------------------------------------------------------


def _lexeme(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def _ts_terms(match: Match) -> str:
    """Return a tsquery for the terms alone (what is ranked)."""

    def alternative(terms: tuple[str, ...]) -> str:
        return " & ".join(_lexeme(term) for term in terms)

    return " & ".join(
        "(" + " | ".join(f"({alternative(alt)})" for alt in group) + ")" for group in match
    )


def _ts_match(match: Match, scope: Scope) -> str:
    """Return a tsquery for the terms and the scope lexemes (what is matched)."""
    terms = f"({_ts_terms(match)})"
    if not _scope_terms_help(scope):
        return terms
    suffix = "o" if scope.open_only else "v"
    communities = " | ".join(_lexeme(f"~c{int(c)}{suffix}") for c in scope.community_ids or ())
    return f"{terms} & ({communities})"


# --- Either ---------------------------------------------------------------------------------


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _matching(match: Match, scope: Scope) -> tuple[str, list]:
    """Return FROM and WHERE over the matching rows of search_searchentry (alias e)."""
    where, params = _where(scope)
    if _is_postgresql():
        sql = f"FROM search_searchentry e WHERE e.search_vector @@ %s::tsquery AND {where}"
        return sql, [_ts_match(match, scope), *params]
    # CROSS JOIN keeps the FTS5 table the outer loop: it yields rowids newest first, and
    # SQLite would otherwise run the full-text query again for every row of a community.
    sql = (
        "FROM search_fts f CROSS JOIN search_searchentry e ON e.id = f.rowid"
        f" WHERE search_fts MATCH %s AND {where}"
    )
    return sql, [_fts_match(match, scope), *params]


def _newest_matches(match: Match, scope: Scope, limit: int) -> tuple[str, list]:
    """Return SQL for the newest `limit` matches (id, and on SQLite rank), and its parameters."""
    matching, params = _matching(match, scope)
    if _is_postgresql():
        sql = f"SELECT e.id {matching} ORDER BY e.id DESC LIMIT %s"  # noqa: S608
    else:
        # LIMIT stops the FTS5 scan, and bm25() runs for the rows kept only.
        sql = f"SELECT f.rowid AS id, {SQLITE_RANK} AS rank {matching}"  # noqa: S608
        sql += " ORDER BY f.rowid DESC LIMIT %s"
    return sql, [*params, limit]


def find_page(match: Match, scope: Scope, *, limit: int, offset: int) -> tuple[int, list[Row]]:
    """Return (matches, one page of them best first), ranking the newest RANK_WINDOW only.

    The number of matches is exact up to RANK_WINDOW; RANK_WINDOW + 1 means more.
    """
    newest, params = _newest_matches(match, scope, RANK_WINDOW + 1)
    if _is_postgresql():
        # Ranked here, for the rows kept only, not for every row the index found.
        rank, join, params = PG_RANK, "JOIN", [_ts_terms(match), *params]
    else:
        rank, join = "x.rank", "CROSS JOIN"  # keep x the outer loop
    sql = (
        f"SELECT e.id, e.kind, e.object_id, e.community_id, e.title, e.body, {rank} AS rank,"  # noqa: S608
        " x.total FROM (SELECT w.*, count(*) OVER () AS total,"
        f" row_number() OVER (ORDER BY id DESC) AS n FROM ({newest}) w) x"
        f" {join} search_searchentry e ON e.id = x.id"
        " WHERE x.n <= %s ORDER BY rank DESC, e.id DESC LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, RANK_WINDOW, limit, offset])
        fetched = cursor.fetchall()
        if fetched:
            total = fetched[0][-1]
        elif offset:
            # Past the last page the window count has no row to ride on.
            newest, params = _newest_matches(match, scope, RANK_WINDOW + 1)
            cursor.execute(f"SELECT count(*) FROM ({newest}) w", params)  # noqa: S608
            total = cursor.fetchone()[0]
        else:
            total = 0
    return total, [Row(*row[:-1]) for row in fetched]


def find_candidates(weights: dict[str, float], scope: Scope, *, limit: int) -> list[Row]:
    """Return the `limit` documents with any of these terms whose terms weigh most, with terms.

    The rank is the sum of the weights of the terms a document has: the same on both
    engines, and cheaper than their own ranking of an OR query.
    """
    terms = sorted(weights)
    matching, params = _matching([[(term,) for term in terms]], scope)
    columns = "id, kind, object_id, community_id, title, body"
    if _is_postgresql():
        has, needles = "e.search_vector @@ %s::tsquery", [_lexeme(term) for term in terms]
        source = f"e.{columns.replace(', ', ', e.')}, e.title_terms, e.body_terms {matching}"
        sql = f"SELECT {{rank}}, {source}"
    else:
        # The stored terms with a space either side: " 路灯 " is found as a whole term only.
        has, needles = "instr(c.terms, %s) > 0", [f" {term} " for term in terms]
        sql = (
            "SELECT {rank}, c.* FROM (SELECT e.id, e.kind, e.object_id, e.community_id,"  # noqa: S608
            " e.title, e.body, e.title_terms, e.body_terms,"
            f" ' ' || e.title_terms || ' ' || e.body_terms || ' ' AS terms {matching}) c"
        )
    rank = " + ".join([f"CASE WHEN {has} THEN %s ELSE 0 END"] * len(terms))
    rank_params = [
        value
        for term, needle in zip(terms, needles, strict=True)
        for value in (needle, weights[term])
    ]
    sql = sql.format(rank=f"{rank} AS rank") + " ORDER BY rank DESC, id DESC LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rank_params, *params, limit])
        return [
            Row(id, kind, object_id, community, title, body, float(rank), title_terms, body_terms)
            for rank, id, kind, object_id, community, title, body, title_terms, body_terms, *_ in (
                cursor.fetchall()
            )
        ]


def add_document_frequencies(community_id: int, counts: dict[str, int]) -> None:
    """Add `counts` to the document frequencies of a community's terms (negative to take)."""
    from .models import SearchTerm

    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    # Sorted, so that concurrent writers lock the same rows in the same order.
    items = sorted((term, n) for term, n in counts.items() if n)
    with connection.cursor() as cursor:
        for start in range(0, len(items), 500):
            batch = items[start : start + 500]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            params = [value for term, n in batch for value in (community_id, term, n)]
            cursor.execute(
                f"INSERT INTO {table} (community_id, term, df) VALUES {values}"  # noqa: S608
                f" ON CONFLICT (community_id, term) DO UPDATE SET df = {table}.df + excluded.df",
                params,
            )

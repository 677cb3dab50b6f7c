"""One scope term per community instead of separate community, kind and visibility terms.

FTS5's bm25() reads the whole document list of every term in a query, scope terms
included: "c12 AND v AND (kind OR kind)" cost more than ranking itself. Now a document
carries c<id>v while visible and c<id>o while also open, and kinds are filtered on the
table. The index is rebuilt from search_searchentry.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("gongzhi.search.migrations.0002_fulltext")

PG_FORWARD = [
    "DROP INDEX search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
    """
    ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
      setweight(search_terms_vector(title_terms), 'A')
      || setweight(search_terms_vector(body_terms), 'B')
      || array_to_tsvector(
        CASE
          WHEN visible AND is_open
            THEN ARRAY['~c' || community_id::text || 'v', '~c' || community_id::text || 'o']
          WHEN visible THEN ARRAY['~c' || community_id::text || 'v']
          ELSE ARRAY[]::text[]
        END
      )
    ) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
    previous.PG_FORWARD[1],
    previous.PG_FORWARD[2],
]

# The scope column's terms, as gongzhi.search.engines writes them in queries.
SQLITE_SCOPE = (
    "CASE WHEN {row}.visible THEN 'c' || {row}.community_id || 'v'"
    " || CASE WHEN {row}.is_open THEN ' c' || {row}.community_id || 'o' ELSE '' END"
    " ELSE '' END"
)
SQLITE_INSERT = (
    "INSERT INTO search_fts(rowid, title, body, scope)"
    " VALUES (new.id, new.title_terms, new.body_terms, {scope});"
).format(scope=SQLITE_SCOPE.format(row="new"))
# A contentless FTS5 table forgets a row only when told the values it indexed.
SQLITE_DELETE = (
    "INSERT INTO search_fts(search_fts, rowid, title, body, scope)"
    " VALUES ('delete', old.id, old.title_terms, old.body_terms, {scope});"
).format(scope=SQLITE_SCOPE.format(row="old"))


def sqlite_build(scope: str, insert: str, delete: str) -> list[str]:
    """Return statements that make the FTS5 table and its triggers and fill it."""
    return [
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "title, body, scope, content='', tokenize='unicode61 remove_diacritics 0')",
        "INSERT INTO search_fts(rowid, title, body, scope) SELECT e.id, e.title_terms,"
        f" e.body_terms, {scope.format(row='e')} FROM search_searchentry e",
        f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN {insert} END",
        f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN {delete} END",
        "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry"
        f" BEGIN {delete} {insert} END",
    ]


SQLITE_FORWARD = previous.SQLITE_BACKWARD + sqlite_build(
    SQLITE_SCOPE, SQLITE_INSERT, SQLITE_DELETE
)
SQLITE_BACKWARD = previous.SQLITE_BACKWARD + sqlite_build(
    previous.SQLITE_SCOPE, previous.SQLITE_INSERT, previous.SQLITE_DELETE
)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(
            previous.run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            previous.run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]

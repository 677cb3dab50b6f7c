"""The database's own full-text index over SearchEntry: GIN on PostgreSQL, FTS5 on SQLite.

Both index the segmented terms exactly as written (single spaces between terms), so the
two engines see the same tokens: PostgreSQL through search_terms_vector() instead of a text
search parser, SQLite through unicode61, which splits on the spaces. Scope terms
(community, kind, visible, open) let the index itself narrow a query to what may be shown.
"""

from django.db import migrations

# Terms are letters and digits only (gongzhi.search.segment); quotes are doubled anyway.
PG_FORWARD = [
    r"""
    CREATE FUNCTION search_terms_vector(terms text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(
        string_agg('''' || replace(replace(t, '\', '\\'), '''', '''''') || ''':' || n, ' '),
        ''
      )::tsvector
      FROM unnest(string_to_array(nullif(terms, ''), ' ')) WITH ORDINALITY AS x(t, n)
      WHERE t <> ''
    $$
    """,
    """
    ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
      setweight(search_terms_vector(title_terms), 'A')
      || setweight(search_terms_vector(body_terms), 'B')
      || array_to_tsvector(
        ARRAY['~c' || community_id::text, '~k' || kind]
        || CASE WHEN visible THEN ARRAY['~v'] ELSE ARRAY[]::text[] END
        || CASE WHEN is_open THEN ARRAY['~o'] ELSE ARRAY[]::text[] END
      )
    ) STORED
    """,
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
    "DROP FUNCTION search_terms_vector(text)",
]

# The scope column's terms, as gongzhi.search.engines writes them in queries.
SQLITE_SCOPE = (
    "'c' || {row}.community_id || ' k' || lower(hex({row}.kind))"
    " || CASE WHEN {row}.visible THEN ' v' ELSE '' END"
    " || CASE WHEN {row}.is_open THEN ' o' ELSE '' END"
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
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, scope, content='', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN {SQLITE_INSERT} END",
    f"CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN {SQLITE_DELETE} END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry"
    f" BEGIN {SQLITE_DELETE} {SQLITE_INSERT} END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER search_entry_au",
    "DROP TRIGGER search_entry_ad",
    "DROP TRIGGER search_entry_ai",
    "DROP TABLE search_fts",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]

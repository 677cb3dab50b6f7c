"""PostgreSQL: write to the GIN index at once instead of through its pending list.

With fastupdate on, new documents wait in a list that every search reads in full until
VACUUM merges it: after a few thousand new documents that cost search ~15 ms. Indexing one
document is a little slower instead, which a need or a comment never notices.
"""

from django.db import migrations


def set_fastupdate(value: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER INDEX search_entry_vector SET (fastupdate = {value})")
            if value == "off":
                schema_editor.execute("SELECT gin_clean_pending_list('search_entry_vector')")

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0003_scope_per_community")]

    operations = [migrations.RunPython(set_fastupdate("off"), set_fastupdate("on"))]

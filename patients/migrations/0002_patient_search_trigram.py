"""Trigram indexes so the patient search stays fast in a large clinic (PostgreSQL only).

The search matches any part of a record number or name ignoring case (`icontains`, which
PostgreSQL runs as `UPPER(column) LIKE UPPER('%term%')`). A B-tree index cannot serve a leading
wildcard; a GIN trigram index on the same `UPPER(...)` expression can. SQLite has no trigram
indexes; its search stays a scan, which is fine for the embedded demo database.
"""

from django.db import migrations

COLUMNS = ("mrn", "family_name", "given_name")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS patient_{column}_trgm_idx ON patients_patient "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS patient_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]

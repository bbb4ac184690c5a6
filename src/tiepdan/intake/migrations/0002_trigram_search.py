"""PostgreSQL only: trigram indexes on the folded search columns, so LIKE '%words%' uses an index.

SQLite has no equivalent; there the search scans the province's rows (see benchmarks)."""
from django.db import migrations

INDEXES = [
    ("intake_matter_name_trgm", "intake_matter", "citizen_name_folded"),
    ("intake_matter_summary_trgm", "intake_matter", "summary_folded"),
    ("intake_citizen_name_trgm", "intake_citizen", "full_name_folded"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

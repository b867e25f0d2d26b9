"""PostgreSQL vacuums the rollup tables after 2 % of their rows changed instead of 20 %: the
statistics read their indexes alone (index-only scans) only where the visibility map is fresh,
and a catch-up of a million events would otherwise leave a busy community's cells unvacuumed
for days (docs/performance.md)."""

from django.db import migrations

TABLES = (
    "analytics_memberday",
    "analytics_postday",
    "analytics_communityday",
    "analytics_reachspan",
)
SETTINGS = (
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_analyze_scale_factor",
)


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        options = ", ".join(f"{name} = 0.02" for name in SETTINGS)
        schema_editor.execute(f"ALTER TABLE {table} SET ({options})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET ({', '.join(SETTINGS)})")


class Migration(migrations.Migration):
    dependencies = [("analytics", "0009_rollup_indexes")]

    operations = [migrations.RunPython(tune, untune)]

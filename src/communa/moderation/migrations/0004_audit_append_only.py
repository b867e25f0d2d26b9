"""The audit log becomes append-only in the database itself (R5.6, docs/adr/0004).

PostgreSQL: one trigger function refuses UPDATE and DELETE of a row and TRUNCATE of the table,
unless the session has set `communa.audit_maintenance = 'on'` *and* its role has the rights of
the table's owner (who could drop the triggers anyway): that is the operator's way to purge old
entries. SQLite: two triggers refuse UPDATE and DELETE; the operator's way there is to drop and
re-create them in one transaction (the `flush` command does so).

Written by hand: the SQL differs per database, so it runs from RunPython on the vendor.
"""

from django.db import migrations, models

TABLE = "moderation_auditentry"

POSTGRESQL_CREATE = [
    """
    CREATE FUNCTION moderation_auditentry_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('communa.audit_maintenance', true), '') = 'on'
           AND pg_has_role(
               current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
           )
        THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;  -- NULL for TRUNCATE, a statement trigger whose result is ignored
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'moderation_auditentry is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'restrict_violation',
            HINT = 'Audit entries are never changed or removed; '
                   'see docs/adr/0004-append-only-audit-log.md.';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER moderation_auditentry_no_change
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION moderation_auditentry_append_only()
    """,
    f"""
    CREATE TRIGGER moderation_auditentry_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION moderation_auditentry_append_only()
    """,
]

POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS moderation_auditentry_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS moderation_auditentry_no_change ON {TABLE}",
    "DROP FUNCTION IF EXISTS moderation_auditentry_append_only()",
]

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER moderation_auditentry_no_update
    BEFORE UPDATE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'moderation_auditentry is append-only: UPDATE refused');
    END
    """,
    f"""
    CREATE TRIGGER moderation_auditentry_no_delete
    BEFORE DELETE ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, 'moderation_auditentry is append-only: DELETE refused');
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_delete",
    "DROP TRIGGER IF EXISTS moderation_auditentry_no_update",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return []  # another database: the application-level guard still holds


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_report_targets"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                fields=["community", "action", "-created_at"], name="audit_by_action"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

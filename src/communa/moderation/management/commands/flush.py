"""Django's `flush`, able to empty the append-only audit log as the operator it is run by.

`flush` removes all data on purpose (the test runner calls it after every transactional test),
so it lifts the audit log's guard for its own statements only: on PostgreSQL through the
maintenance setting that the trigger honours for the table's owner, on SQLite by dropping the
triggers and re-creating them in the same transaction. See docs/adr/0004.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

TABLE = "moderation_auditentry"


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET communa.audit_maintenance = 'on'")
            try:
                super().handle(**options)
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET communa.audit_maintenance")
        elif connection.vendor == "sqlite":
            # DDL is transactional in SQLite: if the flush fails, the triggers come back.
            with transaction.atomic(using=connection.alias):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master"
                        " WHERE type = 'trigger' AND tbl_name = %s",
                        [TABLE],
                    )
                    triggers = cursor.fetchall()
                    for name, _sql in triggers:
                        cursor.execute(f'DROP TRIGGER "{name}"')
                super().handle(**options)
                with connection.cursor() as cursor:
                    for _name, sql in triggers:
                        cursor.execute(sql)
        else:
            super().handle(**options)

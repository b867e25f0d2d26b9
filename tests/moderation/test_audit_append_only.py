"""The audit log only grows: the ORM refuses changes, and so does the database underneath."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from communa.core.audit import record_audit
from communa.core.models import AuditEntry, AuditLogIsAppendOnly
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL trigger, not SQLite's"
)


@pytest.fixture
def entry() -> AuditEntry:
    community = make_community()
    return record_audit(
        actor=person(),
        community=community,
        action="member.block",
        target=community,
        before={},
        after={"user": "spammer", "reason": "Links to a casino"},
    )


def stored(entry: AuditEntry) -> tuple[str, dict, dict]:
    row = AuditEntry.objects.get(pk=entry.pk)
    return row.action, row.before, row.after


def raw(sql: str, params: list | None = None) -> None:
    # A savepoint of its own, so the test's transaction survives the refusal.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- the ORM -----------------------------------------------------------------------------------


def test_the_orm_refuses_to_update_entries(entry):
    with pytest.raises(AuditLogIsAppendOnly, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(action="member.unblock")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.bulk_update([entry], ["action"])
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"action": "member.unblock"})
    assert stored(entry)[0] == "member.block"


def test_the_orm_refuses_to_delete_entries(entry):
    with pytest.raises(AuditLogIsAppendOnly, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_saving_over_a_stored_entry_is_refused(entry):
    # given an entry read back and changed in memory
    again = AuditEntry.objects.get(pk=entry.pk)
    again.after = {"user": "someone-else"}
    # when it is saved, then nothing is written
    with pytest.raises(AuditLogIsAppendOnly, match="saving over"):
        again.save()
    with pytest.raises(AuditLogIsAppendOnly):
        again.save(update_fields=["after"])
    assert stored(entry)[2] == {"user": "spammer", "reason": "Links to a casino"}


def test_a_new_entry_with_a_used_id_cannot_overwrite_the_stored_one(entry):
    # Django would try an UPDATE first for an instance with a primary key; force_insert stops it.
    forged = AuditEntry(pk=entry.pk, action="nothing.happened")
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert stored(entry)[0] == "member.block"


def test_new_entries_are_still_added(entry):
    record_audit(actor=None, community=entry.community, action="ownership.void")
    assert AuditEntry.objects.filter(community=entry.community).count() == 3  # + creation


# --- the database --------------------------------------------------------------------------------


def test_the_database_refuses_a_raw_update(entry):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE moderation_auditentry SET action = 'member.unblock' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE moderation_auditentry SET after = before")
    assert stored(entry)[0] == "member.block"


def test_the_database_refuses_a_raw_delete(entry):
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM moderation_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM moderation_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_postgresql_refuses_to_truncate_the_log(entry):
    with transaction.atomic(), connection.cursor() as cursor:
        # The entry's deferred foreign-key checks must run first, or PostgreSQL refuses the
        # TRUNCATE for that reason instead of ours.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError, match="append-only"):
            raw("TRUNCATE moderation_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_the_owner_of_the_table_may_purge_with_the_maintenance_setting(entry):
    # given an operator session that owns the table and says it is doing maintenance
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL communa.audit_maintenance = 'on'")
            # when it deletes old entries
            cursor.execute("DELETE FROM moderation_auditentry WHERE id = %s", [entry.pk])
        # then they are gone (undone here with the savepoint)
        assert not AuditEntry.objects.filter(pk=entry.pk).exists()
        transaction.set_rollback(True)
    # and the setting ended with the transaction: the guard is back
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM moderation_auditentry WHERE id = %s", [entry.pk])


@on_postgresql
def test_the_maintenance_setting_does_not_help_a_role_that_does_not_own_the_table(entry):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("the test database role may not create roles")
    # given the application's role: allowed to write rows, not the owner of the table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE communa_audit_probe NOLOGIN")  # undone with the test
            cursor.execute(
                "GRANT SELECT, UPDATE, DELETE ON moderation_auditentry TO communa_audit_probe"
            )
            cursor.execute("SET LOCAL ROLE communa_audit_probe")
            # when it claims to be doing maintenance and deletes
            cursor.execute("SET LOCAL communa.audit_maintenance = 'on'")
            # then PostgreSQL still refuses
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                cursor.execute("DELETE FROM moderation_auditentry WHERE id = %s", [entry.pk])
        transaction.set_rollback(True)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_the_guard_comes_back():
    # given a database with audit entries (the test runner flushes it after transactional tests)
    community = make_community()
    assert AuditEntry.objects.filter(community=community).exists()
    # when it is flushed
    call_command("flush", interactive=False, verbosity=0)
    # then the log is empty, and new entries are guarded again
    assert not AuditEntry.objects.exists()
    entry = record_audit(actor=None, action="ownership.void")
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE moderation_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM moderation_auditentry")

"""Shared-kernel tables: rate-limit counters, worker heartbeats and the append-only audit log;
and the mixin of models whose marks other apps' actions keep."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class KeepsMarksOnWholeSave:
    """A model with columns that only their own actions write (`kept_on_whole_save`): a save of
    the whole row of a stored instance leaves them as the database has them, so that a copy read
    before a mark changed (a poll attached to a post, a badge given) never brings the old value
    back. A save that names `update_fields` writes exactly what it names."""

    kept_on_whole_save: tuple[str, ...] = ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        whole = kwargs.get("update_fields") is None and not kwargs.get("force_insert")
        if whole and not self._state.adding:  # type: ignore[attr-defined]
            deferred = self.get_deferred_fields()  # type: ignore[attr-defined]
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields  # type: ignore[attr-defined]
                if not field.primary_key
                and field.name not in self.kept_on_whole_save
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)  # type: ignore[misc]


class RateLimitCounter(models.Model):
    """Hits of one rate-limit key in one fixed window, shared by every app process."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="ratelimit_key_window_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S}: {self.count}"


class WorkerHeartbeat(models.Model):
    """The last time each running worker process said it was alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry: the log only grows."""


def _refuse(what: str) -> NoReturn:
    raise AuditLogIsAppendOnly(
        f"The audit log is append-only: {what} is refused. Entries are added with "
        "core.audit.record_audit and never changed; see docs/adr/0004."
    )


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads and inserts only: every bulk write that would change or remove rows raises.

    The database refuses the same through triggers (moderation migration 0004); this layer gives the
    clear error before any SQL is sent.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("QuerySet.update()")

    def _update(self, values: Any) -> NoReturn:
        _refuse("an UPDATE")

    def delete(self) -> NoReturn:
        _refuse("QuerySet.delete()")

    def _raw_delete(self, using: Any) -> NoReturn:
        _refuse("a DELETE")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse("QuerySet.bulk_update()")


class AuditEntry(models.Model):
    """One team action (who, what, on what, before/after, when), added once and never changed.

    Beware on SQLite: a migration that rebuilds this table drops its triggers, and must create
    them again (tests/moderation checks that the database still refuses changes).
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        # The table keeps the name it was created with: its append-only triggers are bound to it.
        db_table = "moderation_auditentry"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "-created_at"], name="moderation__communi_56d413_idx"
            ),
            # The audit page filtered by action, and its list of the actions present.
            models.Index(fields=["community", "action", "-created_at"], name="audit_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new entry; saving one that is already stored is refused."""
        if not self._state.adding or kwargs.get("update_fields") or kwargs.get("force_update"):
            _refuse("saving over a stored entry")
        # Never let Django try an UPDATE first (it does when a primary key is given).
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleting an entry")

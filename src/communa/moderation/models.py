"""The audit log (who did what, on what, when, before/after) and reports of posts and comments."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry: the log only grows."""


def _refuse(what: str) -> NoReturn:
    raise AuditLogIsAppendOnly(
        f"The audit log is append-only: {what} is refused. Entries are added with "
        "moderation.actions.record_audit and never changed; see docs/adr/0004."
    )


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Reads and inserts only: every bulk write that would change or remove rows raises.

    The database refuses the same through triggers (migration 0004); this layer gives the
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
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"]),
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


class ReportReason(models.TextChoices):
    """Why a member reports a post or comment."""

    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insults or harassment")
    OBSCENE = "obscene", _("Obscene language")
    VIOLENCE = "violence", _("Violence or hatred")
    MISINFORMATION = "misinformation", _("False information")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """A complaint about a post or comment, waiting for the community's moderators (R4.3)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, null=True, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "walls.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "walls.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    text = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, comment__isnull=True)
                | models.Q(post__isnull=True, comment__isnull=False),
                name="report_of_one_thing",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=models.Q(post__isnull=False),
                name="report_post_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=models.Q(comment__isnull=False),
                name="report_comment_once",
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"report by {self.reporter_id}: {self.reason}"


from communa.moderation.filter_models import *  # noqa: E402,F403
from communa.moderation.playbook_models import *  # noqa: E402,F403

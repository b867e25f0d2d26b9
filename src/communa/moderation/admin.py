from django.contrib import admin
from django.http import HttpRequest

from communa.core.models import AuditEntry
from communa.moderation.models import Report


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only for operators."""

    list_display = ("created_at", "community", "actor", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("action", "target_repr")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Complaints about posts and comments (the moderation queue arrives with issue 5)."""

    list_display = ("created_at", "community", "reporter", "reason", "status")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "post", "comment", "handled_by", "community")

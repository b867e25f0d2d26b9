from django.contrib import admin

from communa.core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only view of the workers that have reported in."""

    list_display = ("worker_id", "hostname", "pid", "started_at", "last_seen_at")
    readonly_fields = list_display

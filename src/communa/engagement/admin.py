"""Engagement in Django's admin."""

from django.contrib import admin

from communa.engagement.models import Form, Guide


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    """Forms of each community (built and answered through the site, read here)."""

    list_display = ("title", "community", "kind", "state", "response_count", "created_at")
    list_filter = ("kind", "state")
    raw_id_fields = ("community", "created_by")


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    """Guides of each community."""

    list_display = ("title", "community", "published", "step_count", "created_at")
    raw_id_fields = ("community", "created_by")

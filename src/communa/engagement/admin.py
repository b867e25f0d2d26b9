"""Engagement in Django's admin."""

from django.contrib import admin

from communa.engagement.models import Contest, Form, Guide


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    """Contests of each community (their rules change through the actions, not here)."""

    list_display = ("title", "community", "kind", "state", "open_at", "close_at")
    list_filter = ("kind", "state")
    raw_id_fields = ("community", "created_by", "post", "winners_post")
    # The seed stays secret until the draw publishes it, even here.
    exclude = ("seed",)
    readonly_fields = ("commitment", "drawn_entries", "drawn_winners")


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

from django.contrib import admin

from communa.communities.models import Rubric


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    """Rubrics of each community."""

    list_display = ("label", "community", "default_tone", "position", "archived")
    raw_id_fields = ("community",)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WallsConfig(AppConfig):
    """Posts, long-reads, comments, likes, shares, suggestions, discussions, events, the feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.walls"
    verbose_name = _("Walls")

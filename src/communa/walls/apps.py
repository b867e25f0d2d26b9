from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communa.core.gate import ModeratedContent
from communa.core.hooks import plug


class WallsConfig(AppConfig):
    """Posts, long-reads, comments, likes, shares, suggestions, discussions, events, the feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.walls"
    verbose_name = _("Walls")

    def ready(self) -> None:
        from communa.walls.moderated import WallsModeratedContent

        plug(ModeratedContent, WallsModeratedContent())

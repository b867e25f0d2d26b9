from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WallsConfig(AppConfig):
    """Posts, long-reads, comments, likes, shares, suggestions, discussions, events, the feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.walls"
    verbose_name = _("Walls")

    def ready(self) -> None:
        # This app's own wiring, imported once the models are loaded (see wiring.py).
        from communa.walls import wiring

        wiring.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    """Polls, contests and draws, recognition, forms and guides (R6)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.engagement"
    verbose_name = _("Engagement")

    def ready(self) -> None:
        # This app's own wiring, imported once the models are loaded (see wiring.py).
        from communa.engagement import wiring

        wiring.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """Protection of communities: checks, holds, reports, the queue, playbooks, write limits."""

    name = "communa.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # This app's own wiring, imported once the models are loaded (see wiring.py).
        from communa.moderation import wiring

        wiring.connect()

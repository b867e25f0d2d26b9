from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel: errors, rate limits, worker heartbeat, uploads, demo loader."""

    name = "communa.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Event ingest (impressions and interactions), exact unique reach, the best time to post;
    later rollups and KPIs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # This app's own wiring, imported once the models are loaded (see wiring.py).
        from communa.analytics import wiring

        wiring.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communa.core.events import EventRecorder
from communa.core.hooks import plug


class AnalyticsConfig(AppConfig):
    """Event ingest (impressions and interactions), exact unique reach, later rollups and KPIs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from communa.analytics.ingest import EventStore

        plug(EventRecorder, EventStore())

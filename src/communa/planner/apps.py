from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlannerConfig(AppConfig):
    """Rubrics (R8.1); the content plan, drafts and scheduling come later."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.planner"
    verbose_name = _("Planner")

    def ready(self) -> None:
        # This app's own wiring, imported once the models are loaded (see wiring.py).
        from communa.planner import wiring

        wiring.connect()

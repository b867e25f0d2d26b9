from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlannerConfig(AppConfig):
    """Rubrics (R8.1); the content plan, drafts and scheduling come later."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.planner"
    verbose_name = _("Planner")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlannerConfig(AppConfig):
    """Rubrics (R8.1); the content plan, drafts and scheduling come later."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.planner"
    verbose_name = _("Planner")

    def ready(self) -> None:
        from communa.communities.manage import Group, ManagePage, register_page
        from communa.communities.permissions import Action

        register_page(
            ManagePage(Group.CONTENT, "planner:rubrics", _("Rubrics"), Action.MANAGE_POSTS, 20)
        )

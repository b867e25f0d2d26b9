from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communa.core.lifecycle import register_runner


class CommunitiesConfig(AppConfig):
    """Communities, their settings, roles and permissions, membership and growth."""

    name = "communa.communities"
    label = "communities"
    verbose_name = _("Communities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communa.communities.actions import complete_due_ownership_transfers
        from communa.communities.manage import register_communities_pages

        register_runner("ownership_transfers", complete_due_ownership_transfers)
        register_communities_pages()

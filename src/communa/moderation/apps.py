from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from communa.core import gate
from communa.core.hooks import plug


class ModerationConfig(AppConfig):
    """Protection of communities: checks, holds, reports, the queue, playbooks, write limits."""

    name = "communa.moderation"
    label = "moderation"
    verbose_name = _("Moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from communa.moderation.gate import (
            ModerationMemberGate,
            ModerationReportDesk,
            ModerationTextGate,
        )

        plug(gate.TextGate, ModerationTextGate())
        plug(gate.MemberGate, ModerationMemberGate())
        plug(gate.ReportDesk, ModerationReportDesk())

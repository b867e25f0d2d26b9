"""How moderation plugs into the site at start-up (called from `ModerationConfig.ready()`):
its answers to the kernel's sockets, and its pages and waiting counts in the manage area."""

from __future__ import annotations

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from communa.communities.manage import (
    Group,
    ManagePage,
    WaitingCount,
    count_per_community,
    register_page,
    register_waiting,
)
from communa.communities.permissions import Action
from communa.core import gate
from communa.core.hooks import plug
from communa.moderation.gate import ModerationMemberGate, ModerationReportDesk, ModerationTextGate
from communa.moderation.models import HeldItem, HeldStatus, Report, ReportStatus

# The manage area's moderation pages: (URL name, label, action, order). Moderators read the
# playbook they enforce; changing it and the checks is a setting.
MANAGE_PAGES = [
    ("moderation:queue", _("Moderation queue"), Action.MODERATE, 10),
    ("moderation:playbook", _("Playbook"), Action.MODERATE, 20),
    ("moderation:checks", _("Automatic checks"), Action.EDIT_SETTINGS, 30),
    ("moderation:audit", _("Audit log"), Action.VIEW_AUDIT_LOG, 40),
]


def _held_items() -> Subquery:
    return count_per_community(HeldItem.objects.filter(status=HeldStatus.HELD))


def _open_reports() -> Subquery:
    return count_per_community(Report.objects.filter(status=ReportStatus.OPEN))


def connect() -> None:
    plug(gate.TextGate, ModerationTextGate())
    plug(gate.MemberGate, ModerationMemberGate())
    plug(gate.ReportDesk, ModerationReportDesk())
    for url_name, label, action, order in MANAGE_PAGES:
        waiting = ("held", "reports") if url_name == "moderation:queue" else ()
        register_page(ManagePage(Group.MODERATION, url_name, label, action, order, waiting=waiting))
    register_waiting(WaitingCount("held", _("Held by the checks"), Action.MODERATE, _held_items))
    register_waiting(WaitingCount("reports", _("Open reports"), Action.MODERATE, _open_reports))

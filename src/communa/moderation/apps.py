from typing import Any

from django.apps import AppConfig
from django.db.models import Subquery
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communa.core import gate
from communa.core.hooks import plug

# The manage area's moderation pages: (URL name, label, order). Their URL names live here only.
MANAGE_PAGES = [
    ("moderation:queue", _("Moderation queue"), 10),
    ("moderation:playbook", _("Playbook"), 20),
    ("moderation:checks", _("Automatic checks"), 30),
    ("moderation:audit", _("Audit log"), 40),
]


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
        _register_manage_pages()
        from communa.core.models import AuditEntry

        post_save.connect(_tell_the_reporter, sender=AuditEntry, dispatch_uid="report_decided")


def _tell_the_reporter(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
    """A report was decided (its audit entry is written in the decision's transaction): tell the
    person who filed it, through accounts' notification action."""
    if not created or instance.action not in {"report.uphold", "report.dismiss"}:
        return
    from communa.accounts.actions import notify
    from communa.accounts.models import NotificationKind
    from communa.moderation.models import Report

    report = Report.objects.filter(pk=instance.target_id).select_related("community").first()
    if report is None:
        return
    upheld = instance.action == "report.uphold"
    notify(
        recipients=[report.reporter_id],
        kind=NotificationKind.REPORT_UPHELD if upheld else NotificationKind.REPORT_DISMISSED,
        actor=instance.actor,
        community=report.community,
        url=reverse("communities:home", args=[report.community.slug]) if report.community else "",
    )


def _held_items() -> Subquery:
    from communa.communities.manage import count_per_community
    from communa.moderation.models import HeldItem, HeldStatus

    return count_per_community(HeldItem.objects.filter(status=HeldStatus.HELD))


def _open_reports() -> Subquery:
    from communa.communities.manage import count_per_community
    from communa.moderation.models import Report, ReportStatus

    return count_per_community(Report.objects.filter(status=ReportStatus.OPEN))


def _register_manage_pages() -> None:
    """The moderation pages in each community's manage area, and what waits in the queue."""
    from communa.communities.manage import (
        Group,
        ManagePage,
        WaitingCount,
        register_page,
        register_waiting,
    )
    from communa.communities.permissions import Action

    # Moderators read the playbook they enforce; changing it and the checks is a setting.
    actions = [Action.MODERATE, Action.MODERATE, Action.EDIT_SETTINGS, Action.VIEW_AUDIT_LOG]
    for (url_name, label, order), action in zip(MANAGE_PAGES, actions, strict=True):
        waiting = ("held", "reports") if url_name == "moderation:queue" else ()
        register_page(ManagePage(Group.MODERATION, url_name, label, action, order, waiting=waiting))
    register_waiting(WaitingCount("held", _("Held by the checks"), Action.MODERATE, _held_items))
    register_waiting(WaitingCount("reports", _("Open reports"), Action.MODERATE, _open_reports))

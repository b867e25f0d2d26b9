"""The moderation app's models, one module per sub-feature, all registered in the app here."""

from communa.core.gate import ReportReason
from communa.moderation.models.checks import FilterSettings, HeldItem, HeldStatus, Outcome
from communa.moderation.models.playbooks import (
    Offence,
    OffenceKind,
    PlaybookStep,
    Sanction,
    SanctionAction,
)
from communa.moderation.models.reports import Report, ReportStatus

__all__ = [
    "FilterSettings",
    "HeldItem",
    "HeldStatus",
    "Offence",
    "OffenceKind",
    "Outcome",
    "PlaybookStep",
    "Report",
    "ReportReason",
    "ReportStatus",
    "Sanction",
    "SanctionAction",
]

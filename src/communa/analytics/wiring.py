"""How analytics plugs into the site at start-up (called from `AnalyticsConfig.ready()`): its
answers to the kernel's sockets (recording events, the best time to post) and its pages in the
manage area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.analytics.best_times import AnalyticsBestTimes
from communa.analytics.ingest import EventStore
from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action
from communa.core.activity import BestTimes
from communa.core.events import EventRecorder
from communa.core.hooks import plug


def connect() -> None:
    plug(EventRecorder, EventStore())
    plug(BestTimes, AnalyticsBestTimes())
    # Statistics (owner, admins, editors, analysts): editors, who also post, are among them.
    register_page(
        ManagePage(
            Group.STATISTICS,
            "analytics:best_times",
            _("Best time to post"),
            Action.VIEW_STATISTICS,
            20,
        )
    )
    register_page(
        ManagePage(Group.STATISTICS, "analytics:goals", _("Goals"), Action.VIEW_STATISTICS, 30)
    )
    register_page(
        ManagePage(Group.STATISTICS, "analytics:sales", _("Sales"), Action.VIEW_STATISTICS, 40)
    )
    # Keys let a shop write into the statistics: who manages the settings keeps them.
    register_page(
        ManagePage(
            Group.SETTINGS,
            "analytics:conversion_keys",
            _("Conversion keys"),
            Action.EDIT_SETTINGS,
            80,
        )
    )

"""How analytics plugs into the site at start-up (called from `AnalyticsConfig.ready()`): its
answers to the kernel's sockets (recording events, the best time to post) and its pages in the
manage area."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.analytics.best_times import AnalyticsBestTimes
from communa.analytics.ingest import EventStore
from communa.analytics.metrics.ladder import LadderContributions
from communa.analytics.rollups import roll_up
from communa.analytics.statistics.reports import generate_monthly_reports
from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action
from communa.core.activity import BestTimes
from communa.core.events import EventRecorder
from communa.core.hooks import plug
from communa.core.lifecycle import register_runner
from communa.core.participation import MemberContributions


def connect() -> None:
    plug(EventRecorder, EventStore())
    plug(BestTimes, AnalyticsBestTimes())
    plug(MemberContributions, LadderContributions())
    # R9: new events and membership changes are summed into day cells on the worker's own
    # thread every COMMUNA_ROLLUP_SECONDS (docs/adr/0015).
    register_runner("analytics_rollup", roll_up, every="ROLLUP_SECONDS")
    # R9.11: last month's report of each active community, made once after the month ends.
    register_runner("monthly_reports", generate_monthly_reports)
    # Statistics (owner, admins, editors, analysts): editors, who also post, are among them.
    register_page(
        ManagePage(
            Group.STATISTICS, "analytics:statistics", _("Dashboard"), Action.VIEW_STATISTICS, 10
        )
    )
    register_page(
        ManagePage(
            Group.STATISTICS,
            "analytics:statistics_posts",
            _("Post statistics"),
            Action.VIEW_STATISTICS,
            15,
        )
    )
    register_page(
        ManagePage(
            Group.STATISTICS,
            "analytics:monthly_reports",
            _("Monthly reports"),
            Action.VIEW_STATISTICS,
            60,
        )
    )
    register_page(
        ManagePage(
            Group.STATISTICS,
            "analytics:best_times",
            _("Best time to post"),
            Action.VIEW_STATISTICS,
            20,
        )
    )
    # Benchmarks (R9.10): read by the statistics team; importing needs PLAN_CONTENT (ADR 0016).
    register_page(
        ManagePage(
            Group.STATISTICS,
            "analytics:benchmarks",
            _("Benchmarks"),
            Action.VIEW_STATISTICS,
            55,
        )
    )
    register_page(
        ManagePage(Group.STATISTICS, "analytics:goals", _("Goals"), Action.VIEW_STATISTICS, 30)
    )
    register_page(
        ManagePage(Group.STATISTICS, "analytics:sales", _("Sales"), Action.VIEW_STATISTICS, 35)
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
    # R9.5–R9.7: the audience's pages (analytics/audience).
    for order, url_name, label in (
        (40, "analytics:negative_feedback", _("Negative feedback")),
        (45, "analytics:participation", _("Participation ladder")),
        (50, "analytics:audience_health", _("Audience health")),
    ):
        register_page(ManagePage(Group.STATISTICS, url_name, label, Action.VIEW_STATISTICS, order))

"""How engagement plugs into the site at start-up: its pages in the manage area's Engagement
group, its lifecycle runners and its answers to the kernel's sockets. Each feature package adds
its own `connect_<feature>()` here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from communa.communities.cover import register_cover_part
from communa.communities.manage import Group, ManagePage, register_page
from communa.communities.permissions import Action
from communa.core.badges import MemberBadges
from communa.core.hooks import plug
from communa.core.lifecycle import register_runner
from communa.engagement.actions.recognition import compute_due_months
from communa.engagement.contest_wiring import connect_contests
from communa.engagement.selectors.recognition import RecognitionBadges
from communa.engagement.templatetags.engagement_nav import cover_sections
from communa.engagement.views.embeds import connect_embeds
from communa.engagement.views.forms import connect_forms
from communa.engagement.views.guides import connect_guides
from communa.engagement.views.under_posts import connect_polls


def connect() -> None:
    # The sections a member may open, listed on the community's home (read with the page).
    register_cover_part("engagement", cover_sections)
    connect_contests()
    connect_forms()
    connect_guides()
    connect_polls()
    connect_embeds()
    connect_recognition()


def connect_recognition() -> None:
    """Recognition (R6.3): badges beside names, the monthly leaders runner, its pages."""

    plug(MemberBadges, RecognitionBadges())
    # Each community's last month, once, after it ends on the community's clock.
    register_runner("recognition_months", compute_due_months)
    # Members see "Leaders" as a tab of the community; the team in the Engagement group.
    register_page(
        ManagePage(Group.ENGAGEMENT, "engagement:leaders", _("Leaders"), Action.VIEW_CONTENT, 60)
    )
    register_page(
        ManagePage(
            Group.ENGAGEMENT,
            "engagement:recognition",
            _("Recognition"),
            Action.RUN_ENGAGEMENT,
            61,
        )
    )
    register_page(
        ManagePage(
            Group.ENGAGEMENT,
            "engagement:recognition_core",
            _("Core members"),
            Action.RUN_ENGAGEMENT,
            62,
        )
    )

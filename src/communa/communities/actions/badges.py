"""Telling the pages that show members' names that the badges beside them changed (ADR 0021).

Walls and communities keep rendered bylines (cards, comment threads, a visitor's whole wall)
under keys that name the community's row. The badges beside a name come from an app above them
(engagement, through the kernel's `MemberBadges` socket), so that app calls this whenever a
badge is given, changed or taken back, and every kept page of the community is made again.
"""

from __future__ import annotations

from django.db.models import F

from communa.communities.models import Community


def refresh_member_badges(*, community_id: int) -> None:
    """Raise the community's `badges_version` so kept pages showing its members' names renew.

    Call it inside the transaction of the change it announces: a page made before the change
    commits is filed under the old number and never served for the new one. The UPDATE adds one
    to the stored number (never a number read earlier), so the version only grows."""
    Community.objects.filter(pk=community_id).update(badges_version=F("badges_version") + 1)

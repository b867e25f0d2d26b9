"""`{% engagement_nav community as nav %}`: the polls, contests, forms and guides a member
may open from the community's home (the month's leaders have a tab of their own).

The community home includes `engagement/_nav.html` with only `community` in its context, as it
does walls' board links; this tag works out the rest from the request. A section is listed only
when the community has something in it a member can see, read in one statement.
"""

from __future__ import annotations

from django import template
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can, standing_of
from communa.engagement.models import (
    Contest,
    ContestState,
    Form,
    FormState,
    Guide,
    Poll,
)

register = template.Library()


def _sections(community: Community) -> dict[str, bool]:
    """Which sections have something a member sees (drafts are the team's own)."""
    mine = OuterRef("pk")
    found = (
        Community.objects.filter(pk=community.pk)
        .annotate(
            has_polls=Exists(Poll.objects.filter(community=mine)),
            has_contests=Exists(
                Contest.objects.filter(community=mine).exclude(state=ContestState.DRAFT)
            ),
            has_forms=Exists(Form.objects.filter(community=mine).exclude(state=FormState.DRAFT)),
            has_guides=Exists(Guide.objects.filter(community=mine, published=True)),
        )
        .values("has_polls", "has_contests", "has_forms", "has_guides")
        .first()
    )
    return {key: bool(value) for key, value in (found or {}).items()}


@register.simple_tag(takes_context=True)
def engagement_nav(context: template.Context, community: Community) -> list[tuple[str, str]]:
    """(label, url) of the engagement sections this viewer may open."""
    request = context.get("request")
    standing = context.get("standing")
    shown = context.get("community")
    # The page's own standing is reused only when it is the standing towards this community.
    if not isinstance(standing, Standing) or getattr(shown, "pk", None) != community.pk:
        standing = standing_of(getattr(request, "user", None), community)
    if not can(None, Action.VIEW_CONTENT, community, standing=standing):
        return []
    has = _sections(community)
    links = [
        ("polls", _("Polls"), "engagement:polls"),
        ("contests", _("Contests"), "engagement:contests"),
        ("forms", _("Forms and quizzes"), "engagement:forms"),
        ("guides", _("Guides"), "engagement:guides"),
    ]
    return [
        (label, reverse(name, args=[community.slug]))
        for key, label, name in links
        if has.get(f"has_{key}")
    ]

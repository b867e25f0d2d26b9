"""`{% engagement_nav community as nav %}`: the polls, contests, forms and guides a member
may open from the community's home (the month's leaders have a tab of their own).

The community home includes `engagement/_nav.html` with only `community` in its context, as it
does walls' board links; this tag works out the rest from the request. A section is listed only
when the community has something in it a member can see, read in one statement.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from communa.communities.cover import cover_value, viewer_of
from communa.communities.models import Community
from communa.communities.permissions import Action, Standing, can
from communa.engagement.models import (
    Contest,
    ContestState,
    Form,
    FormState,
    Guide,
    Poll,
)

register = template.Library()


_SECTIONS_SQL: str | None = None


def _sections_sql() -> str:
    """One statement of four EXISTS, written once: the community home is the page a visitor
    opens first, and building this through the ORM cost 1.8 ms a request, ten times running
    it (docs/performance.md, "After engagement landed")."""
    global _SECTIONS_SQL  # noqa: PLW0603 - a module-level memo of a constant string
    if _SECTIONS_SQL is None:
        q = connection.ops.quote_name
        table = {model: q(model._meta.db_table) for model in (Poll, Contest, Form, Guide)}
        # Every value is a parameter; the table names come from the models.
        _SECTIONS_SQL = (
            f"SELECT EXISTS(SELECT 1 FROM {table[Poll]} WHERE community_id = %s),"  # noqa: S608
            f" EXISTS(SELECT 1 FROM {table[Contest]} WHERE community_id = %s AND state <> %s),"
            f" EXISTS(SELECT 1 FROM {table[Form]} WHERE community_id = %s AND state <> %s),"
            f" EXISTS(SELECT 1 FROM {table[Guide]} WHERE community_id = %s AND published)"
        )
    return _SECTIONS_SQL


def _sections(community: Community) -> dict[str, bool]:
    """Which sections have something a member sees (drafts are the team's own)."""
    pk = community.pk
    params: list[int | str] = [pk, pk, ContestState.DRAFT.value, pk, FormState.DRAFT.value, pk]
    with connection.cursor() as cursor:
        cursor.execute(_sections_sql(), params)
        row = cursor.fetchone()
    keys = ("has_polls", "has_contests", "has_forms", "has_guides")
    return {key: bool(value) for key, value in zip(keys, row, strict=True)}


def cover_sections(actor: Any, community: Community, standing: Standing) -> tuple[str, ...]:
    """The sections this viewer may open that have something in them: the cover part engagement
    registers (`communities.cover`), read once with the community home."""
    if not can(actor, Action.VIEW_CONTENT, community, standing=standing):
        return ()
    return tuple(key for key, shown in _sections(community).items() if shown)


@register.simple_tag(takes_context=True)
def engagement_nav(context: template.Context, community: Community) -> list[tuple[str, str]]:
    """(label, url) of the engagement sections this viewer may open."""
    found, has = cover_value(context, community, "engagement")
    if not found:
        actor, standing = viewer_of(context, community)
        has = cover_sections(actor, community, standing)
    links = [
        ("polls", _("Polls"), "engagement:polls"),
        ("contests", _("Contests"), "engagement:contests"),
        ("forms", _("Forms and quizzes"), "engagement:forms"),
        ("guides", _("Guides"), "engagement:guides"),
    ]
    return [
        (label, reverse(name, args=[community.slug]))
        for key, label, name in links
        if f"has_{key}" in has
    ]

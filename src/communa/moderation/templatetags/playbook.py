"""`{% my_sanctions community %}`: the viewer's warnings and mutes in force there (R5.4)."""

from __future__ import annotations

from typing import Any

from django import template

from communa.communities.models import Community
from communa.moderation.models import SanctionAction
from communa.moderation.playbooks import active_sanctions

register = template.Library()


@register.inclusion_tag("moderation/playbook_notice.html", takes_context=True)
def my_sanctions(context: template.Context, community: Community) -> dict[str, Any]:
    """The signed-in viewer's warnings and mutes; a block has its own notice already."""
    request = context.get("request")
    user = getattr(request, "user", None)
    sanctions = [s for s in active_sanctions(user, community) if s.action != SanctionAction.BLOCK]
    return {"sanctions": sanctions}

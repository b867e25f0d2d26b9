"""`{% held_reasons_of row %}`: why the automatic checks hold a row, or why it was refused."""

from __future__ import annotations

from django import template
from django.db.models import Model

from communa.moderation.screening import held_reasons, held_state

register = template.Library()


@register.simple_tag
def held_reasons_of(row: Model) -> str:
    """Only a row's author and the moderators see held rows, so this runs for few of them."""
    return " ".join(held_reasons(row))


@register.simple_tag
def held_state_of(row: Model) -> str:
    """ "held" while a row waits, "rejected" once a moderator refused it."""
    return held_state(row)[0]

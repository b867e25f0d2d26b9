"""Builders for the forms and guides tests: forms with questions, made through the actions."""

from __future__ import annotations

from typing import Any

from communa.communities.models import Community
from communa.engagement.actions import forms as actions
from communa.engagement.models import Form, FormField
from tests.factories import owner_of


def make_form(community: Community, *, kind: str = "questionnaire", **data: Any) -> Form:
    """A draft form of the community, made by its owner."""
    return actions.create_form(
        actor=owner_of(community),
        community=community,
        data={"kind": kind, "title": "Menu survey", **data},
    )


def add_question(
    form: Form, kind: str = "short_text", label: str = "Your name", **data: Any
) -> FormField:
    """A question at the end of the form."""
    return actions.add_field(
        actor=owner_of(form.community), form=form, data={"kind": kind, "label": label, **data}
    )


def open_form(form: Form) -> Form:
    """Open the form for answers."""
    return actions.update_form(actor=owner_of(form.community), form=form, data={"state": "open"})

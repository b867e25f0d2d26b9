"""Moderation pages: the community's audit log for its owner and administrators (R5.6)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.pagination import next_page_link
from communa.core.web import answers_refusals, show_error_on_form
from communa.moderation import labels, selectors


class AuditFilterForm(forms.Form):
    """The audit page's filters; the choices are what the community's log holds."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Done by (username)"), required=False, max_length=150)
    target_type = forms.ChoiceField(label=_("On"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(
        self, data: Any, *, actions: list[str], target_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        action_field = cast(forms.ChoiceField, self.fields["action"])
        action_field.choices = [("", _("Every action"))] + [
            (code, labels.action_label(code)) for code in actions
        ]
        type_field = cast(forms.ChoiceField, self.fields["target_type"])
        type_field.choices = [("", _("Anything"))] + [
            (label, labels.target_type_label(label)) for label in target_types
        ]


def _next_link(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor)


@login_required
@require_GET
@answers_refusals
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    """Who did what in the community, newest first, with filters (owner and administrators)."""
    community, standing = community_for(request.user, slug, Action.VIEW_AUDIT_LOG)
    actions, target_types = selectors.audit_choices(community)
    form = AuditFilterForm(request.GET, actions=actions, target_types=target_types)
    entries, next_link, status = None, None, 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            filters = selectors.audit_filters(
                action=data["action"],
                actor=data["actor"],
                target_type=data["target_type"],
                since=selectors.start_of_day(data["since"]) if data["since"] else None,
                until=selectors.end_of_day(data["until"]) if data["until"] else None,
            )
            page = selectors.audit_page(community, filters, cursor=data["cursor"] or None)
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            targets = labels.targets_of(page.items, community)
            entries = [
                {
                    "entry": entry,
                    "label": labels.action_label(entry.action),
                    "target": targets.get(entry.pk),
                    "changes": selectors.changes_of(entry),
                }
                for entry in page.items
            ]
            next_link = _next_link(request, page.next_cursor)
    else:
        status = 400
    return render(
        request,
        "moderation/audit.html",
        {
            **page_context(community, standing, "audit"),
            "form": form,
            "entries": entries,
            "next_link": next_link,
            "filtered": any(request.GET.get(name) for name in form.fields if name != "cursor"),
            "time_zone": timezone.get_current_timezone_name(),
        },
        status=status,
    )

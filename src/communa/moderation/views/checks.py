"""The automatic checks' settings page (R5.1, R5.2) under /c/<slug>/moderation/checks/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import ValidationFailed
from communa.core.web import answers_refusals
from communa.moderation.filters import CATEGORIES
from communa.moderation.filters.settings import (
    FilterChoices,
    read_filter_settings,
    save_filter_settings,
)

LISTS = ("stop_words", "spam_domains", "allowed_link_domains")
NUMBERS = ("max_links", "max_mentions")


def _outcome_help(category: str, community: Community) -> str:
    """What a person needs to know beside one check: its switch in the community settings."""
    if category == "obscene":
        if community.obscene_filter:
            return _("On: “Check for obscene language” is switched on in the community settings.")
        return _(
            "Off: switch on “Check for obscene language” in the community settings, "
            "then this choice applies."
        )
    if category == "links" and community.links_allowed:
        return _("This community allows links; change that in the settings.")
    return ""


class ChecksForm(forms.Form):
    """The checks page: one outcome per check, the word and site lists, the limits.

    The form only shows and carries the values; `save_filter_settings` checks them, so the web
    page and the API refuse the same things with the same reasons.
    """

    stop_words = forms.CharField(
        label=gettext_lazy("Stop words and phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One per line. A star at the end of a word matches its endings: casino* finds casinos."
        ),
    )
    spam_domains = forms.CharField(
        label=gettext_lazy("Spam sites"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One domain per line, added to the list shipped with Communa; its subdomains count too."
        ),
    )
    allowed_link_domains = forms.CharField(
        label=gettext_lazy("Sites always allowed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Links to these domains pass even where links are banned: your own site or shop."
        ),
    )
    max_links = forms.CharField(
        label=gettext_lazy("Most links in one text"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text=gettext_lazy("A text with more links is treated as spam. From 1 to 50."),
    )
    max_mentions = forms.CharField(
        label=gettext_lazy("Most people mentioned in one text"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text=gettext_lazy("A text mentioning more people is treated as spam. From 1 to 100."),
    )

    def __init__(self, *args: Any, choices: FilterChoices, community: Community, **kw: Any) -> None:
        kw.setdefault("auto_id", "%s")
        super().__init__(*args, **kw)
        for row in choices.rows():
            self.fields[f"outcome_{row['category']}"] = forms.ChoiceField(
                label=row["label"],
                choices=row["choices"],
                required=False,
                help_text=_outcome_help(row["category"], community),
            )

    def groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """The fieldsets of the page: (id, legend, fields)."""
        return [
            (
                "checks-outcomes",
                _("What each check does"),
                [self[f"outcome_{c}"] for c in CATEGORIES],
            ),
            ("checks-lists", _("Words and sites"), [self[name] for name in LISTS]),
            ("checks-limits", _("Limits against spam"), [self[name] for name in NUMBERS]),
        ]

    def show_refusal(self, exc: ValidationFailed) -> None:
        """Each reason beside its field: `outcomes.<check>` is the field `outcome_<check>`."""
        for name, reasons in exc.fields.items():
            field = f"outcome_{name.split('.', 1)[1]}" if name.startswith("outcomes.") else name
            target = field if field in self.fields else None
            if target is not None and self.errors.get(target):
                continue  # the form already says what is wrong with this value
            for reason in reasons:
                self.add_error(target, reason)


def _values(choices: FilterChoices) -> dict[str, Any]:
    values: dict[str, Any] = {f"outcome_{c}": o for c, o in choices.outcomes.items()}
    for name in LISTS:
        values[name] = "\n".join(getattr(choices, name))
    for name in NUMBERS:
        values[name] = str(getattr(choices, name))
    return values


def _sent(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcomes": {c: post.get(f"outcome_{c}") for c in CATEGORIES if post.get(f"outcome_{c}")}
    }
    for name in (*LISTS, *NUMBERS):
        data[name] = post.get(name, "")
    return data


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def checks(request: AuthedRequest, slug: str) -> HttpResponse:
    """See and change what each automatic check does (owner, administrators)."""
    community, standing = community_for(request.user, slug, Action.EDIT_SETTINGS)
    choices = read_filter_settings(actor=request.user, community=community)
    status = 200
    if request.method == "POST":
        # What was sent, over what is stored: a field left out keeps its value on the page.
        shown = {**_values(choices), **request.POST.dict()}
        form = ChecksForm(shown, choices=choices, community=community)
        try:
            save_filter_settings(actor=request.user, community=community, data=_sent(request.POST))
        except ValidationFailed as exc:
            form.show_refusal(exc)
            messages.error(request, _("The settings were not saved: see the reasons below."))
            status = 400
        else:
            messages.success(request, _("The settings of the automatic checks have been saved."))
            return redirect("moderation:checks", community.slug)
    else:
        form = ChecksForm(initial=_values(choices), choices=choices, community=community)
    return render(
        request,
        "moderation/checks.html",
        {**page_context(community, standing, "checks"), "form": form},
        status=status,
    )

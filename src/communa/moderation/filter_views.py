"""The automatic checks' settings page (R5.1, R5.2) under /c/<slug>/moderation/checks/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import ValidationFailed
from communa.core.web import answers_refusals
from communa.moderation.filter_settings import (
    FilterChoices,
    read_filter_settings,
    save_filter_settings,
)
from communa.moderation.filters import CATEGORIES

LISTS = ("stop_words", "spam_domains", "allowed_link_domains")


def _sent(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "outcomes": {c: post.get(f"outcome_{c}") for c in CATEGORIES if post.get(f"outcome_{c}")}
    }
    for name in LISTS:
        data[name] = post.get(name, "")
    for name in ("max_links", "max_mentions"):
        data[name] = post.get(name, "")
    return data


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def checks(request: AuthedRequest, slug: str) -> HttpResponse:
    """See and change what each automatic check does (owner, administrators)."""
    community, standing = community_for(request.user, slug, Action.EDIT_SETTINGS)
    choices = read_filter_settings(actor=request.user, community=community)
    errors: dict[str, list[str]] = {}
    shown: FilterChoices | None = None
    status = 200
    if request.method == "POST":
        data = _sent(request.POST)
        try:
            save_filter_settings(actor=request.user, community=community, data=data)
        except ValidationFailed as exc:
            errors = exc.fields
            messages.error(request, _("The settings were not saved: see the reasons below."))
            outcomes = {**choices.outcomes, **data["outcomes"]}
            shown = FilterChoices(outcomes=outcomes)
            status = 400
        else:
            messages.success(request, _("The settings of the automatic checks have been saved."))
            return redirect("moderation_checks:checks", community.slug)
    texts = {
        name: request.POST.get(name, "") if shown is not None else "\n".join(getattr(choices, name))
        for name in LISTS
    }
    numbers = {
        name: request.POST.get(name, "") if shown is not None else getattr(choices, name)
        for name in ("max_links", "max_mentions")
    }
    return render(
        request,
        "moderation/checks.html",
        {
            **page_context(community, standing, "checks"),
            "rows": (shown or choices).rows(),
            "texts": texts,
            "numbers": numbers,
            "errors": errors,
            "links_allowed": community.links_allowed,
        },
        status=status,
    )

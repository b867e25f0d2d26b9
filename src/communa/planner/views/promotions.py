"""Planner pages: the promotions calendar (R8.6) and each promotion with its posts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError
from communa.core.pagination import next_page_link, page_size
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.planner.actions import promotions as actions
from communa.planner.models import Promotion, PromotionKind
from communa.planner.selectors import promotions as selectors

DATE_WIDGET = {"type": "date"}


class PromotionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PromotionKind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=actions.NAME_MAX)
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=actions.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    campaign = forms.CharField(
        label=gettext_lazy("Campaign tag"),
        max_length=actions.CAMPAIGN_MAX,
        required=False,
        help_text=gettext_lazy(
            "The utm_campaign of the promotion's links: Latin letters, digits and hyphens."
            " Leave it empty to make it from the name."
        ),
    )

    def data_for_action(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in actions.FIELDS}


def _status(promotion: Promotion, today: Any) -> str:
    if promotion.starts_on > today:
        return str(_("upcoming"))
    if promotion.ends_on < today:
        return str(_("over"))
    return str(_("current"))


@login_required
@answers_refusals
def promotions(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's promotions, current and upcoming first, with a form to add one."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    form = PromotionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                promotion = actions.create_promotion(
                    actor=request.user, community=community, data=form.data_for_action()
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The promotion is on the calendar."))
                return redirect("planner:promotion", community.slug, promotion.pk)
        else:
            status = 400
    today = selectors.today_in(community)
    page = selectors.promotions_page(
        community, cursor=cursor_of(request), limit=page_size(None), today=today
    )
    return render(
        request,
        "planner/promotions.html",
        {
            **page_context(community, standing, "promotions"),
            "form": form,
            "promotions": [(p, _status(p, today)) for p in page.items],
            "next_link": next_page_link(request, page.next_cursor),
        },
        status=status,
    )


@login_required
@answers_refusals
def promotion(request: HttpRequest, slug: str, promotion_id: int) -> HttpResponse:
    """One promotion: change it, see its posts and drafts with their status and time."""
    community, standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.promotion_in(community, promotion_id)
    initial = {field: getattr(found, field) for field in actions.FIELDS}
    form = PromotionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_promotion(
                    actor=request.user, promotion=found, data=form.data_for_action()
                )
            except DomainError as exc:
                found = selectors.promotion_in(community, promotion_id)
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The promotion has been saved."))
                return redirect("planner:promotion", community.slug, found.pk)
        else:
            status = 400
    today = selectors.today_in(community)
    return render(
        request,
        "planner/promotion.html",
        {
            **page_context(community, standing, "promotions"),
            "promotion": found,
            "promotion_status": _status(found, today),
            "posts": selectors.promotion_posts(found),
            "posts_shown": selectors.POSTS_SHOWN,
            "form": form,
        },
        status=status,
    )


@login_required
@answers_refusals
def promotion_delete(request: HttpRequest, slug: str, promotion_id: int) -> HttpResponse:
    """Take a promotion off the calendar (POST)."""
    community, _standing = community_for(request.user, slug, Action.PLAN_CONTENT)
    found = selectors.promotion_in(community, promotion_id)
    if request.method != "POST":
        return redirect("planner:promotion", community.slug, found.pk)
    actions.delete_promotion(actor=request.user, promotion=found)
    messages.success(
        request, _("The promotion “%(name)s” has been deleted.") % {"name": found.name}
    )
    return redirect("planner:promotions", community.slug)


__all__ = ["promotion", "promotion_delete", "promotions"]

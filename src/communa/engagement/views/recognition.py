"""Recognition pages (R6.3): the leaders of a month and a member's badges for everyone who sees
the community; the team's "Recognition" page (badge rules, badges by hand, recomputing a month,
who is listed) and "Core members" page (the 1 % core, promoted in one click)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities.models import Community, Role
from communa.communities.permissions import Action, Standing, can
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.errors import DomainError, NotFound, ValidationFailed
from communa.core.web import answers_refusals, show_error_on_form
from communa.engagement.actions import recognition as actions
from communa.engagement.models import Contribution, RuleScope
from communa.engagement.selectors import recognition as selectors

MONTH_WIDGET = {"type": "month", "placeholder": "2026-03"}


class RuleForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Badge"), max_length=actions.LABEL_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=actions.DESCRIPTION_MAX, required=False
    )
    contribution = forms.ChoiceField(label=gettext_lazy("Counts"), choices=Contribution.choices)
    threshold = forms.IntegerField(
        label=gettext_lazy("Threshold"),
        min_value=1,
        max_value=actions.THRESHOLD_MAX,
        help_text=gettext_lazy("For a place on the board: the top N of the month."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Over"), choices=RuleScope.choices)

    def data_for_action(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AwardForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Member's username"), max_length=150)
    label = forms.CharField(label=gettext_lazy("Badge"), max_length=actions.LABEL_MAX)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=actions.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ComputeForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        widget=forms.TextInput(attrs=MONTH_WIDGET),
        help_text=gettext_lazy("A month that is over, such as 2026-03."),
    )


class SettingsForm(forms.Form):
    include_team = forms.BooleanField(
        label=gettext_lazy("List the team among the leaders"), required=False
    )


def _month_param(request: HttpRequest) -> Any:
    text = (request.GET.get("month") or "").strip()
    if not text:
        return None
    try:
        return selectors.month_from(text)
    except ValidationFailed:
        return None


@require_GET
@answers_refusals
def leaders(request: HttpRequest, slug: str) -> HttpResponse:
    """A month's leaders with the member of the month, and a picker of the computed months."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    board = selectors.board_of(community, _month_param(request))
    rows = selectors.leaders_of(board) if board else []
    badges = selectors.shown_badges_of(community, [row.user_id for row in rows])
    for row in rows:
        row.badges = badges.get(row.user_id, ())  # type: ignore[attr-defined]
    return render(
        request,
        "engagement/recognition/leaders.html",
        {
            **page_context(community, standing, "leaders"),
            "board": board,
            "month_label": selectors.label_of(board.month) if board else "",
            "leaders": rows,
            "titles": selectors.titles_of(community, board.month) if board else [],
            "months": [selectors.label_of(m) for m in selectors.months_of(community)],
            "may_run": can(request.user, Action.RUN_ENGAGEMENT, community, standing=standing),
        },
    )


@require_GET
@answers_refusals
def member_badges(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """A member's titles and badges in the community (their profile here)."""
    community, standing = community_for(request.user, slug, Action.VIEW_CONTENT)
    user = selectors.member_in(community, username)
    held = [badge for badge in selectors.badges_held(community, user) if badge.revoked_at is None]
    return render(
        request,
        "engagement/recognition/member_badges.html",
        {
            **page_context(community, standing, "leaders"),
            "member": user,
            "badges": held,
            "shown": selectors.shown_badges_of(community, [user.pk]).get(user.pk, ()),
        },
    )


# --- the team's page -------------------------------------------------------------------------


def _team(request: HttpRequest, slug: str) -> tuple[Community, Standing]:
    return community_for(request.user, slug, Action.RUN_ENGAGEMENT)


def _recognition_page(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    *,
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    found = selectors.settings_of(community)
    return render(
        request,
        "engagement/recognition/manage.html",
        {
            **page_context(community, standing, "recognition"),
            "rules": selectors.rules_of(community),
            "rule_form": bound.get("rule_form") or RuleForm(),
            "award_form": bound.get("award_form") or AwardForm(),
            "compute_form": bound.get("compute_form")
            or ComputeForm(
                initial={"month": selectors.label_of(selectors.last_finished_month(community))}
            ),
            "settings_form": bound.get("settings_form")
            or SettingsForm(initial={"include_team": found.include_team}),
            "badges": selectors.recent_badges(community),
            "weights": selectors.weights(),
        },
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def recognition(request: AuthedRequest, slug: str) -> HttpResponse:
    """Badge rules, badges given by hand, recomputing a month, whether the team is listed."""
    community, standing = _team(request, slug)
    return _recognition_page(request, community, standing)


@login_required
@require_POST
@answers_refusals
def settings(request: AuthedRequest, slug: str) -> HttpResponse:
    community, _standing = _team(request, slug)
    form = SettingsForm(request.POST)
    form.is_valid()
    actions.update_recognition_settings(
        actor=request.user,
        community=community,
        include_team=bool(form.cleaned_data.get("include_team")),
    )
    messages.success(request, _("Saved; it counts from the next computed month."))
    return redirect("engagement:recognition", community.slug)


@login_required
@require_POST
@answers_refusals
def compute(request: AuthedRequest, slug: str) -> HttpResponse:
    community, standing = _team(request, slug)
    form = ComputeForm(request.POST)
    if form.is_valid():
        try:
            month = selectors.month_from(form.cleaned_data["month"])
            actions.compute_month(actor=request.user, community=community, month=month)
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            messages.success(request, _("The month's leaders are computed."))
            return redirect(f"{_leaders_url(community)}?month={selectors.label_of(month)}")
    else:
        status = 400
    return _recognition_page(request, community, standing, status=status, compute_form=form)


def _leaders_url(community: Community) -> str:
    return reverse("engagement:leaders", args=[community.slug])


@login_required
@require_POST
@answers_refusals
def rule_add(request: AuthedRequest, slug: str) -> HttpResponse:
    community, standing = _team(request, slug)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            actions.create_badge_rule(
                actor=request.user, community=community, data=form.data_for_action()
            )
        except DomainError as exc:
            status = show_error_on_form(form, exc)
        else:
            messages.success(
                request, _("The rule is added; it gives badges from the next computed month.")
            )
            return redirect("engagement:recognition", community.slug)
    else:
        status = 400
    return _recognition_page(request, community, standing, status=status, rule_form=form)


def _rule_of(request: HttpRequest, slug: str, rule_id: int) -> Any:
    community, _standing = _team(request, slug)
    rule = selectors.rule_by_id(rule_id)
    if rule.community_id != community.pk:
        raise NotFound
    return rule


@login_required
@require_POST
@answers_refusals
def rule_update(request: AuthedRequest, slug: str, rule_id: int) -> HttpResponse:
    """Turn a rule on or off."""
    rule = _rule_of(request, slug, rule_id)
    actions.update_badge_rule(
        actor=request.user, rule=rule, data={"active": request.POST.get("active") == "1"}
    )
    messages.success(request, _("The rule is changed."))
    return redirect("engagement:recognition", rule.community.slug)


@login_required
@require_POST
@answers_refusals
def rule_delete(request: AuthedRequest, slug: str, rule_id: int) -> HttpResponse:
    rule = _rule_of(request, slug, rule_id)
    actions.delete_badge_rule(actor=request.user, rule=rule)
    messages.success(request, _("The rule is deleted; the badges it gave stay."))
    return redirect("engagement:recognition", slug)


@login_required
@require_POST
@answers_refusals
def award(request: AuthedRequest, slug: str) -> HttpResponse:
    community, standing = _team(request, slug)
    form = AwardForm(request.POST)
    if form.is_valid():
        try:
            user = selectors.member_in(community, form.cleaned_data["username"])
        except NotFound:
            form.add_error("username", _("No member of the community has this username."))
            status = 422
        else:
            try:
                actions.award_badge(
                    actor=request.user,
                    community=community,
                    user=user,
                    label=form.cleaned_data["label"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("The badge is given."))
                return redirect("engagement:recognition", community.slug)
    else:
        status = 400
    return _recognition_page(request, community, standing, status=status, award_form=form)


@login_required
@require_POST
@answers_refusals
def revoke(request: AuthedRequest, slug: str, badge_id: int) -> HttpResponse:
    community, _standing = _team(request, slug)
    badge = selectors.badge_by_id(badge_id)
    if badge.community_id != community.pk:
        raise NotFound
    actions.revoke_badge(
        actor=request.user, badge=badge, reason=request.POST.get("reason", "")[: actions.REASON_MAX]
    )
    messages.success(request, _("The badge is taken back."))
    return redirect("engagement:recognition", community.slug)


# --- the core --------------------------------------------------------------------------------


@login_required
@require_GET
@answers_refusals
def core(request: AuthedRequest, slug: str) -> HttpResponse:
    """The 1 % core of the last days, with a one-click promotion into the team."""
    community, standing = _team(request, slug)
    first, last = selectors.core_window(community)
    return render(
        request,
        "engagement/recognition/core.html",
        {
            **page_context(community, standing, "recognition_core"),
            "core": selectors.core_members(community),
            "first_day": first,
            "last_day": last,
            "may_promote": can(request.user, Action.MANAGE_TEAM, community, standing=standing),
            "roles": [(role.value, role.label) for role in actions.PROMOTION_ROLES],
            "member_role": Role.MEMBER,
        },
    )


@login_required
@require_POST
@answers_refusals
def promote(request: AuthedRequest, slug: str, username: str) -> HttpResponse:
    community, _standing = _team(request, slug)
    user = selectors.member_in(community, username)
    membership = actions.promote_core_member(
        actor=request.user, community=community, user=user, role=request.POST.get("role", "")
    )
    messages.success(
        request,
        _("%(name)s is now %(role)s.")
        % {"name": user.shown_name, "role": membership.get_role_display().lower()},
    )
    return redirect("engagement:recognition_core", community.slug)

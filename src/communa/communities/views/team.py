"""The team: roles, the role table, handing the ownership over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities import actions, forms, selectors
from communa.communities.models import (
    Community,
    Role,
)
from communa.communities.permissions import (
    Action,
    Relation,
    Standing,
    matrix_rows,
)
from communa.communities.views._shared import (
    _community,
    _may,
    page_context,
)
from communa.core.conf import int_setting
from communa.core.errors import DomainError
from communa.core.web import answers_refusals, show_error_on_form

MATRIX_COLUMNS = [Role.OWNER, Role.ADMIN, Role.EDITOR, Role.MODERATOR, Role.ANALYST, Role.MEMBER]

# --- the team --------------------------------------------------------------------------------


def _team_page(
    request: AuthedRequest,
    community: Community,
    standing: Standing,
    *,
    role_form: forms.RoleForm | None = None,
    handover_form: forms.HandoverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_owner = standing.relation == Relation.OWNER
    team = selectors.team_of(community)
    role_choices = forms.RoleForm(may_appoint_admins=is_owner).role_choices
    rows = [
        {
            "membership": membership,
            # The owner's role changes only by a handover; only the owner moves administrators.
            "editable": membership.role != Role.OWNER
            and (is_owner or membership.role != Role.ADMIN)
            and _may(community, standing, Action.MANAGE_TEAM),
        }
        for membership in team
    ]
    return render(
        request,
        "communities/team.html",
        {
            **page_context(community, standing, "team"),
            "rows": rows,
            "role_choices": role_choices,
            "may_manage": _may(community, standing, Action.MANAGE_TEAM),
            "role_form": role_form or forms.RoleForm(may_appoint_admins=is_owner),
            "matrix_columns": [role.label for role in MATRIX_COLUMNS],
            "matrix_rows": matrix_rows(community.privacy),
            "may_transfer": _may(community, standing, Action.TRANSFER_OWNERSHIP),
            "handover_form": handover_form
            or forms.HandoverForm(days=int_setting("OWNERSHIP_TRANSFER_DAYS")),
            "transfer": selectors.pending_transfer(community),
        },
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def team(request: AuthedRequest, slug: str) -> HttpResponse:
    """The team with roles, the role × action table, and the ownership handover."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    return _team_page(request, community, standing)


@login_required
@require_POST
@answers_refusals
def set_role(request: AuthedRequest, slug: str) -> HttpResponse:
    """Give a member a team role, or take it back."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    form = forms.RoleForm(request.POST, may_appoint_admins=standing.relation == Relation.OWNER)
    if not form.is_valid():
        return _team_page(request, community, standing, role_form=form, status=400)
    person = form.cleaned_data["user"]
    try:
        membership = actions.set_member_role(
            actor=request.user, community=community, user=person, role=form.cleaned_data["role"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _team_page(request, community, standing, role_form=form, status=status)
    messages.success(
        request,
        _("%(name)s is now: %(role)s.")
        % {"name": person.shown_name, "role": membership.get_role_display()},
    )
    return redirect("communities:team", community.slug)


@login_required
@require_POST
@answers_refusals
def handover(request: AuthedRequest, slug: str) -> HttpResponse:
    """Start handing ownership to a member."""
    community, standing = _community(request, slug, Action.VIEW_TEAM)
    form = forms.HandoverForm(request.POST, days=int_setting("OWNERSHIP_TRANSFER_DAYS"))
    if not form.is_valid():
        return _team_page(request, community, standing, handover_form=form, status=400)
    try:
        actions.request_ownership_transfer(
            actor=request.user, community=community, to_user=form.cleaned_data["user"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _team_page(request, community, standing, handover_form=form, status=status)
    messages.success(request, _("The handover of ownership has started."))
    return redirect("communities:team", community.slug)

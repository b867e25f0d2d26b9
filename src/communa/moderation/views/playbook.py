"""The playbook page (R5.4): the community's escalation steps and the sanctions they applied."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communa.communities.permissions import Action, can, require
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import DomainError, ValidationFailed
from communa.core.web import answers_refusals
from communa.moderation import playbooks
from communa.moderation.models import SanctionAction

FIELDS = ("offences", "window_days", "action", "duration_days", "message")


def _rows_from(post: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The non-empty rows of the form, and the form row each one came from."""
    rows: list[dict[str, Any]] = []
    origin: list[int] = []
    for index in range(playbooks.MAX_STEPS):
        row = {name: (post.get(f"steps.{index}.{name}") or "").strip() for name in FIELDS}
        if any(row[name] for name in ("offences", "window_days", "duration_days", "message")):
            rows.append(row)
            origin.append(index)
    return rows, origin


def _renamed(fields: dict[str, list[str]], origin: list[int]) -> dict[str, list[str]]:
    """Errors of the n-th filled row are shown on the form row it came from."""
    out: dict[str, list[str]] = {}
    for name, reasons in fields.items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "steps" and parts[1].isdigit():
            parts[1] = str(origin[int(parts[1])])
        out.setdefault(".".join(parts), []).extend(reasons)
    return out


def _form_rows(
    values: list[dict[str, Any]] | None,
    playbook: playbooks.Playbook,
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """Ten rows to show: what was sent (or the stored steps), each field with its reasons."""
    if values is None:
        values = [
            {name: ("" if value is None else value) for name, value in step.as_dict().items()}
            for step in (playbook.steps if not playbook.is_default else [])
        ]
    rows = []
    for index in range(playbooks.MAX_STEPS):
        value = values[index] if index < len(values) else {}
        rows.append(
            {
                "index": index,
                "number": index + 1,
                "fields": {
                    name: {
                        "name": f"steps.{index}.{name}",
                        "value": value.get(name, ""),
                        "errors": errors.get(f"steps.{index}.{name}", []),
                    }
                    for name in FIELDS
                },
                "errors": errors.get(f"steps.{index}", []),
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def playbook(request: HttpRequest, slug: str) -> HttpResponse:
    """The steps: read by the team that applies them, edited by the owner and administrators."""
    community, standing = community_for(request.user, slug, Action.MODERATE)
    may_edit = can(request.user, Action.EDIT_SETTINGS, community, standing=standing)
    errors: dict[str, list[str]] = {}
    sent: list[dict[str, Any]] | None = None
    status = 200
    if request.method == "POST":
        # Moderators read the playbook they apply; only those who run the community change it.
        require(request.user, Action.EDIT_SETTINGS, community, standing=standing)
        if "use_default" in request.POST:
            steps: list[dict[str, Any]] = [s.as_dict() for s in playbooks.DEFAULT_STEPS]
            origin = list(range(len(steps)))
        else:
            steps, origin = _rows_from(request.POST)
        try:
            playbooks.save_playbook(actor=request.user, community=community, steps=steps)  # type: ignore[arg-type]
        except ValidationFailed as exc:
            errors = _renamed(exc.fields, origin)
            sent = [
                {name: request.POST.get(f"steps.{i}.{name}", "") for name in FIELDS}
                for i in range(playbooks.MAX_STEPS)
            ]
            messages.error(request, _("The steps were not saved: see the reasons below."))
            status = 400
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The playbook has been saved."))
            return redirect("moderation:playbook", community.slug)
    current = playbooks.playbook_of(community)
    may_lift = can(request.user, Action.BLOCK_MEMBERS, community, standing=standing)
    page = (
        playbooks.sanctions_page(
            actor=request.user,
            community=community,
            cursor=request.GET.get("cursor") or None,
            limit=int_setting("PAGE_SIZE"),
        )
        if may_lift
        else None
    )
    return render(
        request,
        "moderation/playbook.html",
        {
            **page_context(community, standing, "playbook"),
            "playbook": current,
            "default_steps": playbooks.DEFAULT_STEPS,
            "rows": _form_rows(sent, current, errors),
            "step_errors": errors.get("steps", []),
            "actions": SanctionAction.choices,
            "sanctions": [(s, playbooks.in_force(s)) for s in page.items] if page else [],
            "next_cursor": page.next_cursor if page else None,
            "may_lift": may_lift,
            "may_edit": may_edit,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def lift(request: HttpRequest, slug: str, sanction_id: int) -> HttpResponse:
    """End a sanction now (owner, administrators, moderators)."""
    community, _standing = community_for(request.user, slug, Action.BLOCK_MEMBERS)
    sanction = playbooks.sanction_for(actor=request.user, sanction_id=sanction_id)
    if sanction.community_id != community.pk:
        raise Http404
    try:
        playbooks.lift_sanction(actor=request.user, sanction=sanction)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The sanction for %(name)s is lifted.") % {"name": sanction.user.shown_name}
        )
    return redirect("moderation:playbook", community.slug)

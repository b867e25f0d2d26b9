"""The moderation queue page (R5.3): filter, select, decide one or many, from the keyboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import DomainError
from communa.core.web import answers_refusals
from communa.moderation import queue
from communa.moderation.models import ReportReason
from communa.moderation.queue_api import summary_of
from communa.moderation.screening import CATEGORY_LABELS


def _reasons(error: DomainError) -> list[str]:
    return [reason for reasons in error.fields.values() for reason in reasons]


def _block_days(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else -1  # -1 is refused with the field's message


@login_required
@answers_refusals
def queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Waiting items with their decisions; POST applies one decision to the selected items."""
    community, standing = community_for(request.user, slug, Action.MODERATE)
    if request.method == "POST":
        data = queue.DecisionInput(
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            block_days=_block_days(request.POST.get("block_days", "")),
        )
        try:
            result = queue.decide_many(
                actor=request.user,  # type: ignore[arg-type]
                community=community,
                keys=request.POST.getlist("items"),
                data=data,
            )
        except DomainError as exc:
            messages.error(request, " ".join([exc.message, *_reasons(exc)]))
        else:
            if result.done:
                messages.success(
                    request,
                    ngettext("%(n)d item handled.", "%(n)d items handled.", len(result.done))
                    % {"n": len(result.done)},
                )
            for message in dict.fromkeys(result.refused.values()):
                messages.error(request, message)
        return redirect(request.get_full_path())
    kinds = [k for k in request.GET.getlist("kind") if k]
    reason = request.GET.get("reason", "")
    try:
        page = queue.queue_page(
            actor=request.user,
            community=community,
            kinds=kinds,
            reason=reason,
            cursor=request.GET.get("cursor") or None,
            limit=int_setting("PAGE_SIZE"),
        )
    except DomainError as exc:
        messages.error(request, " ".join(_reasons(exc)) or exc.message)
        return redirect("moderation_queue:queue", community.slug)
    stats = queue.moderation_stats(actor=request.user, community=community)
    return render(
        request,
        "moderation/queue.html",
        {
            **page_context(community, standing, "queue"),
            "items": [(item, summary_of(item)) for item in page.items],
            "next_cursor": page.next_cursor,
            "kinds": [(k.value, queue.KIND_LABELS[k]) for k in queue.ItemKind],
            "chosen_kinds": kinds,
            "reasons": [
                *ReportReason.choices,
                *((c, str(label)) for c, label in CATEGORY_LABELS.items()),
            ],
            "chosen_reason": reason,
            "decisions": [
                ("approve", _("Approve")),
                ("reject", _("Reject")),
                ("delete", _("Delete")),
                ("block", _("Block the author")),
            ],
            "stats": stats,
        },
    )

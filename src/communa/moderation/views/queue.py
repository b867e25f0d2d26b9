"""The moderation queue page (R5.3): one click per row, a confirmation before what cannot be undone.

Each row carries the decisions the viewer's role may make on it. Approve applies at once; reject,
delete and block open a confirmation (with the reason the person will read, and a block's days)
before anything changes. The selection and the bulk decision below the list stay for long queues.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communa.communities.models import Community
from communa.communities.permissions import Action, Standing
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import DomainError, NotFound
from communa.core.web import answers_refusals
from communa.moderation import queue
from communa.moderation.models import ReportReason
from communa.moderation.screening import CATEGORY_LABELS

DECISION_LABELS = {
    queue.Decision.APPROVE: gettext_lazy("Approve"),
    queue.Decision.REJECT: gettext_lazy("Reject"),
    queue.Decision.DELETE: gettext_lazy("Delete"),
    queue.Decision.BLOCK: gettext_lazy("Block the author"),
}
# What each kind of item's approval means, said on its button.
APPROVE_LABELS = {
    queue.ItemKind.REPORT: gettext_lazy("Keep"),
    queue.ItemKind.SUGGESTION: gettext_lazy("Publish"),
    queue.ItemKind.JOIN_REQUEST: gettext_lazy("Let in"),
    queue.ItemKind.HELD: gettext_lazy("Publish"),
}


def _reasons(error: DomainError) -> list[str]:
    return [reason for reasons in error.fields.values() for reason in reasons]


def _block_days(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() else -1  # -1 is refused with the field's message


def decision_buttons(item: queue.QueueItem) -> list[dict[str, Any]]:
    """The row's buttons: what the viewer may decide, and whether it asks for a confirmation."""
    return [
        {
            "value": f"{item.key}:{decision.value}",
            "label": APPROVE_LABELS[item.kind]
            if decision == queue.Decision.APPROVE
            else DECISION_LABELS[decision],
            "destructive": decision in queue.DESTRUCTIVE,
        }
        for decision in item.decisions
    ]


def _one(raw: str) -> tuple[str, str]:
    """ "report:12:delete" → ("report:12", "delete")."""
    key, _sep, decision = raw.rpartition(":")
    return key, decision


@login_required
@answers_refusals
def queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Waiting items with the decisions the viewer may make; POST applies one or many."""
    community, standing = community_for(request.user, slug, Action.MODERATE)
    if request.method == "POST":
        if request.POST.get("one"):
            return _decide_one(request, community, standing)
        return _decide_selected(request, community, standing)
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
        return redirect("moderation:queue", community.slug)
    stats = queue.moderation_stats(actor=request.user, community=community)
    offered = sorted(
        {d for item in page.items for d in item.decisions}, key=list(queue.Decision).index
    )
    return render(
        request,
        "moderation/queue.html",
        {
            **page_context(community, standing, "queue"),
            "items": [
                (item, queue.summary_of(item), decision_buttons(item)) for item in page.items
            ],
            "next_cursor": page.next_cursor,
            "kinds": [(k.value, queue.KIND_LABELS[k]) for k in queue.ItemKind],
            "chosen_kinds": kinds,
            "reasons": [
                *ReportReason.choices,
                *((c, str(label)) for c, label in CATEGORY_LABELS.items()),
            ],
            "chosen_reason": reason,
            "decisions": [(d.value, DECISION_LABELS[d]) for d in offered],
            "stats": stats,
        },
    )


def _decide_one(request: HttpRequest, community: Community, standing: Standing) -> HttpResponse:
    """One row's button: approve at once; the rest after the confirmation page said yes."""
    key, decision = _one(request.POST.get("one", ""))
    try:
        item = queue.item_for(actor=request.user, community=community, key=key)
    except NotFound as exc:
        messages.error(request, exc.message)
        return redirect(request.get_full_path())
    data = queue.DecisionInput(
        decision=decision,
        reason=request.POST.get("reason", ""),
        block_days=_block_days(request.POST.get("block_days", "")),
    )
    confirmed = request.POST.get("confirmed") == "yes"
    if decision in queue.DESTRUCTIVE and not confirmed:
        return _confirmation(request, community, standing, item, decision, errors={})
    try:
        queue.decide(actor=request.user, community=community, item=item, data=data)  # type: ignore[arg-type]
    except DomainError as exc:
        if confirmed and exc.fields:
            return _confirmation(request, community, standing, item, decision, errors=exc.fields)
        messages.error(request, " ".join([exc.message, *_reasons(exc)]))
    else:
        messages.success(request, _("The item has been handled."))
    return redirect(request.get_full_path())


def _confirmation(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    item: queue.QueueItem,
    decision: str,
    *,
    errors: dict[str, list[str]],
) -> HttpResponse:
    if decision not in queue.Decision.__members__.values() or decision not in item.decisions:
        # The decision itself is refused with the queue's own message (400 or 403).
        queue.decide(
            actor=request.user,  # type: ignore[arg-type]
            community=community,
            item=item,
            data=queue.DecisionInput(decision=decision),
        )
    chosen = queue.Decision(decision)
    return render(
        request,
        "moderation/queue_confirm.html",
        {
            **page_context(community, standing, "queue"),
            "item": item,
            "summary": queue.summary_of(item),
            "decision": chosen,
            "decision_label": DECISION_LABELS[chosen],
            "one": f"{item.key}:{chosen.value}",
            "needs_reason": chosen in (queue.Decision.REJECT, queue.Decision.BLOCK),
            "reason": request.POST.get("reason", ""),
            "block_days": request.POST.get("block_days", ""),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _decide_selected(
    request: HttpRequest, community: Community, standing: Standing
) -> HttpResponse:
    """The bulk form: one decision for every selected row, each succeeding or failing alone.

    Reject, delete and block ask first, as a row's button does, saying how many items they touch.
    """
    decision = request.POST.get("decision", "")
    keys = list(dict.fromkeys(request.POST.getlist("items")))
    if decision in queue.DESTRUCTIVE and keys and request.POST.get("confirmed") != "yes":
        chosen = queue.Decision(decision)
        return render(
            request,
            "moderation/queue_confirm_many.html",
            {
                **page_context(community, standing, "queue"),
                "keys": keys,
                "decision": chosen,
                "decision_label": DECISION_LABELS[chosen],
                "reason": request.POST.get("reason", ""),
                "block_days": request.POST.get("block_days", ""),
            },
        )
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

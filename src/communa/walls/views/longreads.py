"""The long-read composer: blocks added, moved and removed with htmx or plain forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action, can
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.core.conf import int_setting
from communa.core.errors import DomainError, PermissionRefused
from communa.core.http import client_ip
from communa.core.web import answers_refusals, show_error_on_form
from communa.walls import forms
from communa.walls.actions import drafts
from communa.walls.actions import posts as post_actions
from communa.walls.models import Post, PostKind, PostStatus
from communa.walls.views.walls import _composer, _held

BLOCK_TYPES = ("heading", "paragraph", "image", "quote", "list")

# --- long-reads ------------------------------------------------------------------------------


def _block_rows(data: QueryDict) -> list[dict[str, str]]:
    """The block rows of the long-read editor as typed: type, text, image number, extra.

    Every row sends each of the four inputs (hidden where they do not apply), so the lists
    line up by position.
    """
    columns = [data.getlist(f"block_{name}") for name in ("type", "text", "image", "extra")]
    rows = []
    for index, kind in enumerate(columns[0]):
        text, image, extra = (
            column[index] if index < len(column) else "" for column in columns[1:]
        )
        rows.append({"type": kind, "text": text, "image": image, "extra": extra})
    return rows


def _blocks_of(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Rows as the long-read's blocks; `clean_blocks` in the action judges them."""
    blocks: list[dict[str, Any]] = []
    for row in rows:
        kind, text, extra = row["type"], row["text"].strip(), row["extra"].strip()
        if not text and not row["image"].strip():
            continue  # an empty row left over from "add block" says nothing
        block: dict[str, Any] = {"type": kind, "text": text}
        if kind == "list":
            items = [item.strip() for item in text.splitlines() if item.strip()]
            block = {"type": kind, "items": items, "ordered": extra == "numbered"}
        elif kind == "image":
            # People count images from 1; the block stores the index from 0.
            number = row["image"].strip()
            image: Any = int(number) - 1 if number.isdigit() else number
            block = {"type": kind, "image": image, "caption": text}
        elif kind == "heading" and extra == "3":
            block["level"] = 3
        elif kind == "quote" and extra:
            block["cite"] = extra
        blocks.append(block)
    return blocks


def _rows_of(blocks: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A long-read's blocks as editor rows (for editing an existing long-read)."""
    rows = []
    for block in blocks or []:
        kind = str(block.get("type", "paragraph"))
        text, image, extra = str(block.get("text", "")), "", ""
        if kind == "list":
            text = "\n".join(str(item) for item in block.get("items", []))
            extra = "numbered" if block.get("ordered") else ""
        elif kind == "image":
            text = str(block.get("caption", ""))
            index = block.get("image")
            image = str(index + 1) if isinstance(index, int) else ""
        elif kind == "heading":
            extra = "3" if block.get("level") == 3 else ""
        elif kind == "quote":
            extra = str(block.get("cite", ""))
        rows.append({"type": kind, "text": text, "image": image, "extra": extra})
    return rows


def _block_choices() -> list[tuple[str, str]]:
    return [
        ("heading", _("Heading")),
        ("paragraph", _("Paragraph")),
        ("image", _("Image")),
        ("quote", _("Quote")),
        ("list", _("List")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def longread(request: AuthedRequest, slug: str) -> HttpResponse:
    """Write a long-read from blocks (at most LONGREAD_MAX_BLOCKS, R4.2)."""
    community, standing = community_for(request.user, slug)
    composer = _composer(request, community, standing)
    if composer["post_refusal"]:
        raise PermissionRefused(composer["post_refusal"])
    team = composer["team_composer"]
    rubrics = list(rubrics_of(community)) if team else []
    context: dict[str, Any] = {
        "community": community,
        "may_suggest": composer["may_suggest"],
        "block_choices": _block_choices(),
        "max_blocks": int_setting("LONGREAD_MAX_BLOCKS"),
        "may_draft": can(request.user, Action.PLAN_CONTENT, community, standing=standing),
    }
    if request.method == "GET":
        context["form"] = forms.LongreadForm(rubrics=rubrics, team=team)
        context["rows"] = [_empty_row("paragraph")]
        return render(request, "walls/longread.html", context)
    form = forms.LongreadForm(request.POST, request.FILES, rubrics=rubrics, team=team)
    rows = _block_rows(request.POST)
    context.update(form=form, rows=rows)
    if _adds_block(request, rows):
        return render(request, "walls/longread.html", context)
    if not form.is_valid():
        return render(request, "walls/longread.html", context, status=400)
    data = {
        "kind": PostKind.LONGREAD,
        "title": form.cleaned_data["title"],
        "blocks": _blocks_of(rows),
        **form.labels(form.cleaned_data),
    }
    action = post_actions.suggest_post if composer["may_suggest"] else post_actions.create_post
    if request.POST.get("as_draft") and can(request.user, Action.PLAN_CONTENT, community):
        action = drafts.create_draft  # the planner's draft (R8.3), planned from its page
    try:
        post = action(
            actor=request.user,
            community=community,
            data=data,
            images=list(form.cleaned_data.get("images") or []),
            ip=client_ip(request),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return render(request, "walls/longread.html", context, status=status)
    return _after_longread(request, post)


def _after_longread(request: HttpRequest, post: Post) -> HttpResponse:
    if post.status == PostStatus.DRAFT:
        messages.success(request, _("The long-read is saved as a draft."))
        return redirect("planner:draft", post.community.slug, post.pk)  # type: ignore[union-attr]
    if post.status == PostStatus.SUGGESTED:
        messages.success(request, _("Your suggestion has been sent to the editors."))
        return redirect("communities:home", post.community.slug)  # type: ignore[union-attr]
    if post.status == PostStatus.HELD:
        return _held(request, post)
    messages.success(request, _("Your long-read is published."))
    return redirect("walls:post", post.pk)


def _adds_block(request: HttpRequest, rows: list[dict[str, str]]) -> bool:
    """Without htmx an "add block" button submits the form: add the row and show it again."""
    kind = request.POST.get("add", "")
    if kind not in BLOCK_TYPES:
        return False
    rows.append(_empty_row(kind))
    return True


def _empty_row(kind: str) -> dict[str, str]:
    return {"type": kind, "text": "", "image": "", "extra": ""}


@require_GET
def block_row(request: HttpRequest, kind: str) -> HttpResponse:
    """One empty row of the long-read editor, added by the "add block" buttons."""
    if kind not in BLOCK_TYPES:
        raise Http404
    return render(
        request,
        "walls/_block_row.html",
        {"row": _empty_row(kind), "block_choices": _block_choices()},
    )

"""Wall pages: the member feed, community walls with their composer, posts with comments,
suggested posts and their review, profile walls.

Each view parses its input with a form and calls the walls actions and selectors. Every page
that shows posts records one impression per post shown (`record_impressions`), with the
platform the request came from. htmx asks for fragments (the wall on the community home, the
next page of a list, a like button); without htmx the same URLs answer whole pages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.models import Community, Membership
from communa.communities.permissions import (
    TEAM,
    Action,
    Relation,
    Standing,
    allowed_in,
    can,
)
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import Conflict, DomainError, NotFound, PermissionRefused
from communa.core.events import record_impressions, viewer_of
from communa.core.gate import text_gate
from communa.core.http import client_ip
from communa.core.pagination import next_page_link
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form
from communa.walls import forms, selectors
from communa.walls.access import may_manage_post, refusal_of, rights_on_post
from communa.walls.actions import comments as comment_actions
from communa.walls.actions import interactions
from communa.walls.actions import posts as post_actions
from communa.walls.models import Comment, CommentStatus, Post, PostKind, PostStatus, Signature

View = Callable[..., HttpResponse]
BLOCK_TYPES = ("heading", "paragraph", "image", "quote", "list")


# --- shared helpers ----------------------------------------------------------------------------


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    return next_page_link(request, cursor, with_path=True)


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _team_community_ids(request: HttpRequest) -> set[int]:
    """The communities whose team the person is on: they see rubric labels there."""
    user = request.user
    if not isinstance(user, User):
        return set()
    roles = [relation.value for relation in TEAM]
    return set(
        Membership.objects.filter(user=user, role__in=roles).values_list("community_id", flat=True)
    )


def _show(request: HttpRequest, posts: Iterable[Post | None]) -> list[Post]:
    """The published posts a page shows, recorded as impressions for this viewer."""
    shown = [post for post in posts if post is not None and post.status == PostStatus.PUBLISHED]
    record_impressions(viewer_of(request), shown)
    return shown


def _post_url(post: Post) -> str:
    return reverse("walls:post", args=[post.pk])


def _home_of(post: Post) -> str:
    if post.community is not None:
        return reverse("communities:home", args=[post.community.slug])
    assert post.profile is not None  # noqa: S101 — a post lives on one of the two walls
    return reverse("walls:profile_wall", args=[post.profile.username])


# --- the member feed ---------------------------------------------------------------------------


@login_required
@require_GET
@answers_refusals
def feed(request: AuthedRequest) -> HttpResponse:
    """R4.7: new posts from my communities, newest first; "More" continues by keyset."""
    cursor = cursor_of(request)
    page = selectors.feed_page(actor=request.user, cursor=cursor, limit=int_setting("PAGE_SIZE"))
    context = {
        "posts": _show(request, page.items),
        "more_url": _next_url(request, page.next_cursor),
        "team_ids": _team_community_ids(request),
        # The feed holds only posts of communities where the person is a member.
        "may_interact": True,
    }
    if _htmx(request) and cursor:
        return render(request, "walls/_post_list.html", context)
    return render(request, "walls/feed.html", context)


# --- a community wall, its composer and suggestions ----------------------------------------------


def _composer(request: HttpRequest, community: Community, standing: Standing) -> dict[str, Any]:
    """What the top of a wall offers this person: post, suggest, or the reason for neither."""
    actor = request.user
    may_post = can(actor, Action.POST, community, standing=standing)
    may_suggest = not may_post and can(actor, Action.SUGGEST_POST, community, standing=standing)
    team = may_post and can(actor, Action.MANAGE_POSTS, community, standing=standing)
    form = None
    if may_post or may_suggest:
        form = forms.PostForm(rubrics=list(rubrics_of(community)) if team else [], team=team)
    post_refusal = None
    if not (may_post or may_suggest) and _signed_in(request):
        post_refusal = refusal_of(actor, Action.POST, community, standing)
    return {
        "form": form,
        "may_post": may_post,
        "may_suggest": may_suggest,
        "team_composer": team,
        "post_refusal": post_refusal,
        "may_review": can(actor, Action.REVIEW_SUGGESTIONS, community, standing=standing),
    }


@require_GET
@answers_refusals
def wall(request: HttpRequest, slug: str) -> HttpResponse:
    """The wall: the pinned post first, then the others newest first; the composer on top."""
    community, standing = community_for(request.user, slug)
    refusal = refusal_of(request.user, Action.VIEW_WALL, community, standing)
    if refusal is not None:
        if _htmx(request):
            return render(request, "walls/_wall_refused.html", {"message": refusal})
        raise PermissionRefused(refusal)
    cursor = cursor_of(request)
    page = selectors.wall_page(
        actor=request.user, community=community, cursor=cursor, limit=int_setting("PAGE_SIZE")
    )
    pinned = None if cursor else selectors.pinned_post(actor=request.user, community=community)
    _show(request, [pinned, *page.items])
    context: dict[str, Any] = {
        "community": community,
        "standing": standing,
        "pinned": pinned,
        "posts": page.items,
        "more_url": _next_url(request, page.next_cursor),
        "team_ids": {community.pk} if standing.relation in TEAM else set(),
        "may_interact": can(request.user, Action.INTERACT, community, standing=standing),
    }
    if _htmx(request) and cursor:
        return render(request, "walls/_post_list.html", context)
    context.update(_composer(request, community, standing))
    if context["may_suggest"]:
        context["my_suggestions"] = selectors.my_suggestions(
            actor=request.user, community=community
        )
    context["my_held"] = selectors.my_held(actor=request.user, community=community)
    if context["may_review"]:
        context["waiting"] = Post.objects.filter(
            community=community, status=PostStatus.SUGGESTED
        ).count()
    template = "walls/_wall.html" if _htmx(request) else "walls/wall.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def compose(request: AuthedRequest, slug: str) -> HttpResponse:
    """Publish a post on the wall, or suggest one to a public page (R4.1, R4.4)."""
    community, standing = community_for(request.user, slug)
    context = {"community": community, **_composer(request, community, standing)}
    if request.method == "GET":
        if context["post_refusal"]:
            raise PermissionRefused(context["post_refusal"])
        return render(request, "walls/compose.html", context)
    form = forms.PostForm(
        request.POST,
        request.FILES,
        rubrics=list(rubrics_of(community)) if context["team_composer"] else [],
        team=context["team_composer"],
    )
    context["form"] = form
    if not form.is_valid():
        return render(request, "walls/compose.html", context, status=400)
    action = post_actions.suggest_post if context["may_suggest"] else post_actions.create_post
    try:
        post = action(
            actor=request.user,
            community=community,
            data=form.data_for_action(),
            ip=client_ip(request),
            **form.uploads(),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return render(request, "walls/compose.html", context, status=status)
    if post.status == PostStatus.SUGGESTED:
        messages.success(request, _("Your suggestion has been sent to the editors."))
    elif post.status == PostStatus.HELD:
        return _held(request, post)
    else:
        messages.success(request, _("Your post is published."))
    return back_to(request, reverse("communities:home", args=[community.slug]))


def _held(request: HttpRequest, post: Post) -> HttpResponse:
    """R5.2: say why the post waits, on its page, where the author can edit and resubmit it."""
    messages.warning(
        request,
        _("Your post waits for a moderator: %(reasons)s")
        % {"reasons": " ".join(text_gate().held_state(post)[1])},
    )
    return redirect("walls:post", post.pk)


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


# --- suggested posts (public pages) ------------------------------------------------------------


def _suggestion_in(request: HttpRequest, community: Community, post_id: int) -> Post:
    post = selectors.post_for(actor=request.user, post_id=post_id)
    if post.community_id != community.pk:
        raise NotFound
    return post


def _suggestions_page(
    request: AuthedRequest,
    community: Community,
    standing: Standing,
    *,
    bound: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.suggestions_page(
        actor=request.user,
        community=community,
        cursor=cursor_of(request),
        limit=int_setting("PAGE_SIZE"),
    )
    rubrics = list(rubrics_of(community))
    bound = bound or {}
    rows = []
    for post in page.items:
        forms_of = bound.get(post.pk, {})
        initial = {
            "body": post.body,
            "rubric": str(post.rubric_id or ""),
            "tone": post.tone,
            "promotional": post.promotional,
        }
        rows.append(
            {
                "post": post,
                "publish_form": forms_of.get("publish")
                or forms.SuggestionForm(initial=initial, rubrics=rubrics, prefix=f"s{post.pk}"),
                "reject_form": forms_of.get("reject") or forms.RejectForm(prefix=f"r{post.pk}"),
            }
        )
    return render(
        request,
        "walls/suggestions.html",
        {
            **page_context(community, standing, "suggestions"),
            "rows": rows,
            "next_url": _next_url(request, page.next_cursor),
            "team_ids": {community.pk},
        },
        status=status,
    )


@login_required
@require_GET
@answers_refusals
def suggestions(request: AuthedRequest, slug: str) -> HttpResponse:
    """The reviewers' queue of suggested posts, oldest first (R4.4)."""
    community, standing = community_for(request.user, slug, Action.REVIEW_SUGGESTIONS)
    return _suggestions_page(request, community, standing)


@login_required
@require_POST
@answers_refusals
def publish_suggestion(request: AuthedRequest, slug: str, post_id: int) -> HttpResponse:
    """Publish a suggestion, signed by the page and "suggested by" its author."""
    community, standing = community_for(request.user, slug, Action.REVIEW_SUGGESTIONS)
    post = _suggestion_in(request, community, post_id)
    form = forms.SuggestionForm(
        request.POST, rubrics=list(rubrics_of(community)), prefix=f"s{post.pk}"
    )
    if not form.is_valid():
        return _suggestions_page(
            request, community, standing, bound={post.pk: {"publish": form}}, status=400
        )
    data = form.labels(form.cleaned_data)
    body = form.cleaned_data["body"]
    if body.strip() != post.body.strip():
        data["body"] = body
    try:
        post_actions.publish_suggestion(actor=request.user, post=post, data=data)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _suggestions_page(
            request, community, standing, bound={post.pk: {"publish": form}}, status=status
        )
    messages.success(request, _("The suggested post is published."))
    return redirect("walls:suggestions", community.slug)


@login_required
@require_POST
@answers_refusals
def reject_suggestion(request: AuthedRequest, slug: str, post_id: int) -> HttpResponse:
    """Reject a suggestion with a reason its author sees."""
    community, standing = community_for(request.user, slug, Action.REVIEW_SUGGESTIONS)
    post = _suggestion_in(request, community, post_id)
    form = forms.RejectForm(request.POST, prefix=f"r{post.pk}")
    if not form.is_valid():
        return _suggestions_page(
            request, community, standing, bound={post.pk: {"reject": form}}, status=400
        )
    try:
        post_actions.reject_suggestion(
            actor=request.user, post=post, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _suggestions_page(
            request, community, standing, bound={post.pk: {"reject": form}}, status=status
        )
    messages.info(request, _("The suggested post was rejected; its author sees your reason."))
    return redirect("walls:suggestions", community.slug)


# --- one post --------------------------------------------------------------------------------


def _post_page(
    request: HttpRequest,
    post: Post,
    *,
    comment_form: forms.CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rights = rights_on_post(request.user, post)
    page = None
    if post.status == PostStatus.PUBLISHED:
        page = selectors.comments_page(
            actor=request.user, post=post, cursor=cursor_of(request), limit=int_setting("PAGE_SIZE")
        )
    _show(request, [post])
    context = {
        "post": post,
        "community": post.community,
        "comments": page.items if page else [],
        "more_comments_url": _next_url(request, page.next_cursor) if page else None,
        "comment_form": comment_form or forms.CommentForm(),
        "may_manage": may_manage_post(request.user, post),
        "held_reasons": text_gate().held_state(post)[1] if post.status == PostStatus.HELD else [],
        **rights,
    }
    return render(request, "walls/post.html", context, status=status)


@require_GET
@answers_refusals
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post with its comments and everything one may do with it."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    return _post_page(request, post)


@require_GET
@answers_refusals
def go(request: HttpRequest, post_id: int) -> HttpResponse:
    """Count a click on the post's link, then send the person there."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    actor = request.user if isinstance(request.user, User) else None
    url = interactions.click_link(viewer=viewer_of(request), actor=actor, post=post)
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def edit_post(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Change a post's words and labels; the earlier version goes into its history (R4.8)."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    held_own = post.status == PostStatus.HELD and post.author_id == request.user.pk
    editable = post.status == PostStatus.PUBLISHED or held_own
    if not editable or not may_manage_post(request.user, post):
        raise PermissionRefused(_("Only the author or the community's editors may edit this post."))
    community = post.community
    team = community is not None and can(request.user, Action.MANAGE_POSTS, community)
    rubrics = list(rubrics_of(community)) if team else []
    longread = post.kind == PostKind.LONGREAD
    context: dict[str, Any] = {
        "post": post,
        "community": community,
        "longread": longread,
        "block_choices": _block_choices(),
        "max_blocks": int_setting("LONGREAD_MAX_BLOCKS"),
        "image_count": len(post.images.all()),
    }
    if request.method == "GET":
        initial = {
            "title": post.title,
            "body": post.body,
            "link_url": post.link_url,
            "link_title": post.link_title,
            "rubric": str(post.rubric_id or ""),
            "tone": post.tone,
            "promotional": post.promotional,
            "signed_as": post.signed_as,
        }
        context["form"] = forms.EditPostForm(
            initial=initial, rubrics=rubrics, team=team, longread=longread
        )
        context["rows"] = _rows_of(post.blocks)
        return render(request, "walls/edit_post.html", context)
    form = forms.EditPostForm(request.POST, rubrics=rubrics, team=team, longread=longread)
    rows = _block_rows(request.POST)
    context.update(form=form, rows=rows)
    if longread and _adds_block(request, rows):
        return render(request, "walls/edit_post.html", context)
    if not form.is_valid():
        return render(request, "walls/edit_post.html", context, status=400)
    cleaned = form.cleaned_data
    data: dict[str, Any] = {
        "body": cleaned.get("body", ""),
        "link_url": cleaned.get("link_url", ""),
        "link_title": cleaned.get("link_title", ""),
        **form.labels(cleaned),
    }
    if longread:
        data.update(title=cleaned.get("title", ""), blocks=_blocks_of(rows))
    try:
        post = post_actions.edit_post(actor=request.user, post=post, data=data)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return render(request, "walls/edit_post.html", context, status=status)
    if post.status == PostStatus.HELD:
        return _held(request, post)
    messages.success(request, _("The post has been changed."))
    return redirect("walls:post", post.pk)


@login_required
@require_POST
@answers_refusals
def delete_post(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Take a post (or one's own suggestion) off the wall."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    post_actions.delete_post(actor=request.user, post=post)
    messages.info(request, _("The post has been deleted."))
    return HttpResponseRedirect(_home_of(post))


@login_required
@require_GET
@answers_refusals
def history(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Earlier versions of a post, newest first (R4.8)."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    revisions = selectors.post_history(actor=request.user, post=post)
    return render(
        request,
        "walls/history.html",
        {"post": post, "community": post.community, "revisions": revisions},
    )


@login_required
@require_POST
@answers_refusals
def pin(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Pin the post to the top of its community's wall, or unpin it (R4.1)."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    if request.POST.get("action") == "unpin":
        post_actions.unpin_post(actor=request.user, post=post)
        messages.info(request, _("The post is no longer pinned."))
    else:
        post_actions.pin_post(actor=request.user, post=post)
        messages.success(request, _("The post is pinned to the top of the wall."))
    return back_to(request, _post_url(post))


# --- likes, shares, hides, reports -------------------------------------------------------------


@login_required
@require_POST
@answers_refusals
def like(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Like or unlike a post; htmx swaps the button with its new count."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    unlike = request.POST.get("action") == "unlike"
    viewer = viewer_of(request)
    try:
        if unlike:
            post = interactions.unlike_post(actor=request.user, post=post, viewer=viewer)
        else:
            post = interactions.like_post(
                actor=request.user, post=post, viewer=viewer, ip=client_ip(request)
            )
    except Conflict:
        # A second click that raced the first: show the state as it now is.
        post.refresh_from_db(fields=["like_count"])
    else:
        post.liked = not unlike  # type: ignore[attr-defined]
    if _htmx(request):
        return render(request, "walls/_like_button.html", {"post": post, "may_interact": True})
    return back_to(request, _post_url(post))


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def share(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Repost to my profile wall or to a community where I may post (R4.3)."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    communities = _postable_communities(request.user)
    form = forms.ShareForm(request.POST or None, communities=communities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            target = form.cleaned_data["to"]
            to_community = next((c for c in communities if str(c.pk) == target), None)
            try:
                post_actions.share_post(
                    actor=request.user,
                    post=post,
                    to_community=to_community,
                    comment=form.cleaned_data["comment"],
                    viewer=viewer_of(request),
                    ip=client_ip(request),
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                if to_community is None:
                    messages.success(request, _("Shared to your profile wall."))
                    return redirect("walls:profile_wall", request.user.username)
                messages.success(request, _("Shared to “%(name)s”.") % {"name": to_community.name})
                return redirect("communities:home", to_community.slug)
        else:
            status = 400
    return render(
        request,
        "walls/share.html",
        {"post": post, "community": post.community, "form": form},
        status=status,
    )


def _postable_communities(user: User) -> list[Community]:
    """My communities where the wall takes my posts, by name."""
    memberships = Membership.objects.filter(user=user).select_related("community")
    found = [
        m.community for m in memberships if Relation(m.role) in allowed_in(Action.POST, m.community)
    ]
    return sorted(found, key=lambda community: community.name.casefold())


@login_required
@require_POST
@answers_refusals
def hide(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Hide a post from my feed; htmx removes its card."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    with contextlib.suppress(Conflict):  # already hidden: the outcome the person wants
        interactions.hide_post(actor=request.user, post=post, viewer=viewer_of(request))
    if _htmx(request):
        return HttpResponse("")
    messages.info(request, _("The post is hidden from your feed."))
    return back_to(request, reverse("walls:feed"))


def _report_page(
    request: AuthedRequest, *, post: Post, comment: Comment | None = None
) -> HttpResponse:
    form = forms.ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if comment is not None:
                    interactions.report_comment(
                        actor=request.user,
                        comment=comment,
                        viewer=viewer_of(request),
                        ip=client_ip(request),
                        **form.cleaned_data,
                    )
                else:
                    interactions.report_post(
                        actor=request.user,
                        post=post,
                        viewer=viewer_of(request),
                        ip=client_ip(request),
                        **form.cleaned_data,
                    )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                messages.success(request, _("Thank you: the moderators will look at it."))
                return redirect("walls:post", post.pk)
        else:
            status = 400
    return render(
        request,
        "walls/report.html",
        {"post": post, "comment": comment, "community": post.community, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def report(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Report a post to the community's moderators with a reason."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    return _report_page(request, post=post)


# --- comments --------------------------------------------------------------------------------


def _comment_of(request: HttpRequest, comment_id: int) -> tuple[Comment, Post]:
    """A comment under a post the person may see (topic comments have their own pages)."""
    comment = Comment.objects.filter(pk=comment_id, post__isnull=False).first()
    if comment is None:
        raise NotFound
    post = selectors.post_for(actor=request.user, post_id=comment.post_id)  # type: ignore[arg-type]
    comment.post = post
    return comment, post


@login_required
@require_POST
@answers_refusals
def add_comment(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Comment on a post, or reply to a comment (one level of nesting)."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        return _post_page(request, post, comment_form=form, status=400)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"], post=post).first()
        if parent is None:
            raise NotFound
    try:
        comment = comment_actions.add_comment(
            actor=request.user,
            body=form.cleaned_data["body"],
            post=post,
            parent=parent,
            signed_as=form.cleaned_data["signed_as"] or Signature.AUTHOR,
            viewer=viewer_of(request),
            ip=client_ip(request),
        )
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return _post_page(request, post, comment_form=form, status=status)
    if comment.status == CommentStatus.HELD:
        messages.warning(
            request,
            _("Your comment waits for a moderator: %(reasons)s")
            % {"reasons": " ".join(text_gate().held_state(comment)[1])},
        )
    return HttpResponseRedirect(f"{_post_url(post)}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def edit_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Change my own comment."""
    comment, post = _comment_of(request, comment_id)
    if comment.author_id != request.user.pk or comment.status not in ("visible", "held"):
        raise PermissionRefused(_("You can edit only your own comments."))
    form = forms.EditCommentForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                comment_actions.edit_comment(
                    actor=request.user, comment=comment, body=form.cleaned_data["body"]
                )
            except DomainError as exc:
                status = show_error_on_form(form, exc)
            else:
                return HttpResponseRedirect(f"{_post_url(post)}#comment-{comment.pk}")
        else:
            status = 400
    return render(
        request,
        "walls/edit_comment.html",
        {"post": post, "comment": comment, "community": post.community, "form": form},
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def delete_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Delete my comment (or any, as a moderator); with replies it stays as "deleted"."""
    comment, post = _comment_of(request, comment_id)
    comment_actions.delete_comment(actor=request.user, comment=comment)
    messages.info(request, _("The comment has been deleted."))
    return HttpResponseRedirect(f"{_post_url(post)}#comments")


@login_required
@require_POST
@answers_refusals
def like_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Like or unlike a comment; htmx swaps the button with its new count."""
    comment, post = _comment_of(request, comment_id)
    unlike = request.POST.get("action") == "unlike"
    viewer = viewer_of(request)
    try:
        if unlike:
            comment = interactions.unlike_comment(
                actor=request.user, comment=comment, viewer=viewer
            )
        else:
            comment = interactions.like_comment(
                actor=request.user, comment=comment, viewer=viewer, ip=client_ip(request)
            )
    except Conflict:
        comment.refresh_from_db(fields=["like_count"])
    else:
        comment.liked = not unlike  # type: ignore[attr-defined]
    if _htmx(request):
        return render(
            request, "walls/_comment_like.html", {"comment": comment, "may_interact": True}
        )
    return HttpResponseRedirect(f"{_post_url(post)}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def report_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Report a comment to the community's moderators with a reason."""
    comment, post = _comment_of(request, comment_id)
    return _report_page(request, post=post, comment=comment)


# --- profile walls -----------------------------------------------------------------------------


@require_GET
@answers_refusals
def profile_wall(request: HttpRequest, username: str) -> HttpResponse:
    """A person's profile wall: what they shared, newest first."""
    owner = User.objects.filter(username__iexact=username, is_active=True).first()
    if owner is None:
        raise NotFound
    cursor = cursor_of(request)
    page = selectors.profile_wall_page(
        actor=request.user, owner=owner, cursor=cursor, limit=int_setting("PAGE_SIZE")
    )
    posts = _show(request, page.items)
    context = {
        "owner": owner,
        "posts": posts,
        "more_url": _next_url(request, page.next_cursor),
        "team_ids": set(),
        "may_interact": _signed_in(request),
    }
    if _htmx(request) and cursor:
        return render(request, "walls/_post_list.html", context)
    return render(request, "walls/profile_wall.html", context)

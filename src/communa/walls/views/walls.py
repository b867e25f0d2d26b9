"""The member feed, a community wall with its composer, suggested posts, profile walls.

Every page that shows posts records one impression per post shown (`record_impressions`), with
the platform the request came from. htmx asks for fragments (the wall on the community home, the
next page of a list); without htmx the same URLs answer whole pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.models import Community
from communa.communities.permissions import (
    TEAM,
    Action,
    Relation,
    Standing,
    can,
)
from communa.communities.rubrics import rubrics_of
from communa.communities.selectors import community_for
from communa.communities.views import page_context
from communa.core.conf import int_setting
from communa.core.errors import DomainError, NotFound, PermissionRefused
from communa.core.frames import render_framed
from communa.core.gate import text_gate
from communa.core.http import client_ip
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form
from communa.walls import forms, selectors
from communa.walls.access import refusal_of
from communa.walls.actions import posts as post_actions
from communa.walls.cards import attach_cards, composer_html
from communa.walls.kept_feed import KeptPosts, ReaderFeed
from communa.walls.kept_walls import VisitorWall, stamp_of, with_likes, with_token
from communa.walls.models import Post, PostStatus
from communa.walls.views._shared import (
    _htmx,
    _next_url,
    _show,
    _signed_in,
)

# --- the member feed ---------------------------------------------------------------------------


@login_required
@require_GET
@answers_refusals
def feed(request: AuthedRequest) -> HttpResponse:
    """R4.7: new posts from my communities, newest first; "More" continues by keyset.

    The page of posts is kept for every member who gets the same posts (but for their likes
    and their form token: walls.kept_feed.ReaderFeed)."""
    cursor = cursor_of(request)
    limit = int_setting("PAGE_SIZE")
    communities = selectors.feed_communities(request.user)
    reader = ReaderFeed.of_feed(request, communities, cursor=cursor, limit=limit)
    kept = reader.cached() if reader is not None else None
    posts_html: SafeString | bytes | None = None
    if reader is not None and isinstance(kept, KeptPosts):
        posts_html = reader.reader_page(request, kept, reader.liked)
    if posts_html is not None:
        assert reader is not None  # noqa: S101 — the kept posts are a reader's
        _show(request, reader.shown())
    else:
        posts_html = _feed_posts(request, communities, cursor, limit, reader)
    if _htmx(request) and cursor:
        return HttpResponse(posts_html)
    # The page's frame around the posts is kept in this process (core.frames).
    return render_framed(request, "walls/feed.html", {"posts_html": posts_html}, slot="posts_html")


def _feed_posts(
    request: AuthedRequest,
    communities: selectors.FeedCommunities,
    cursor: str | None,
    limit: int,
    reader: ReaderFeed | None,
) -> SafeString:
    """The feed's posts rendered for this request (empty when there are none), and kept for
    every member who gets the same posts when `reader` says they may be."""
    page = selectors.feed_page(
        actor=request.user, cursor=cursor, limit=limit, details=False, communities=communities
    )
    if not page.items:
        return mark_safe("")
    # The feed holds only posts of communities where the person is a member.
    attach_cards(
        request,
        page.items,
        team_ids=communities.team,
        on_community_page=False,
        may_interact=True,
        token=reader is None,
    )
    context = {
        "posts": _show(request, page.items),
        "more_url": _next_url(request, page.next_cursor),
    }
    html = render_to_string("walls/_post_list.html", context)
    if reader is None:
        return mark_safe(html)  # noqa: S308 — our template's output
    # Kept with the token's placeholder and no post liked: the like buttons this reader pressed
    # are released first.
    liked = [reader.stamp(post) for post in page.items if getattr(post, "liked", False)]
    unliked = with_likes(html, liked, pressed=False)
    if unliked is not None:
        reader.keep(unliked, made_from=page.items, next_cursor=page.next_cursor, forms=True)
    return with_token(request, html)


# --- a community wall, its composer and suggestions ----------------------------------------------


def _composer(request: HttpRequest, community: Community, standing: Standing) -> dict[str, Any]:
    """What the top of a wall offers this person: post, suggest, or the reason for neither."""
    actor = request.user
    may_post = can(actor, Action.POST, community, standing=standing)
    may_suggest = not may_post and can(actor, Action.SUGGEST_POST, community, standing=standing)
    team = may_post and can(actor, Action.MANAGE_POSTS, community, standing=standing)
    form = None
    if may_post or may_suggest:
        # Made when a template or a view first uses it: a wall's composer is mostly kept HTML
        # (cards.composer_html), which needs no form.
        form = SimpleLazyObject(
            lambda: forms.PostForm(rubrics=list(rubrics_of(community)) if team else [], team=team)
        )
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
    limit = int_setting("PAGE_SIZE")
    # A visitor's wall fragment is the same for every visitor: whole, from the cache, when the
    # rows it was made of are unchanged (walls/kept_walls.py, ADR 0009).
    visitor = None
    if _htmx(request) and standing.relation == Relation.ANONYMOUS:
        visitor = VisitorWall.of(community, cursor=cursor, limit=limit, kind="visitor-wall")
    if visitor is not None and (text := visitor.cached()) is not None:
        _show(request, visitor.shown())
        return HttpResponse(visitor.page(text))
    may_interact = can(request.user, Action.INTERACT, community, standing=standing)
    # A reader outside the team gets the posts every such reader gets, but for their likes and
    # their form token: kept once, pressed for each of them (walls.kept_walls.VisitorWall).
    reader = None
    if standing.relation not in TEAM and standing.relation != Relation.ANONYMOUS:
        reader = VisitorWall.of(
            community,
            cursor=cursor,
            limit=limit,
            kind="reader-wall-posts",
            variant=(may_interact, request.get_full_path()),
            widgets=False,
            reader=request.user,
            # The head (with the reader's held posts) shows above the first page's posts.
            held=not (_htmx(request) and cursor),
        )
    context: dict[str, Any] = {
        "community": community,
        "standing": standing,
        "team_ids": {community.pk} if standing.relation in TEAM else set(),
        "may_interact": may_interact,
        "cursor": cursor,
    }
    kept = reader.cached() if reader is not None else None
    if reader is not None and isinstance(kept, str):
        liked = reader.liked if may_interact else set()
        context["posts_html"] = reader.reader_posts(request, kept, liked)
    if context.get("posts_html") is not None:
        assert reader is not None  # noqa: S101 — the kept posts are a reader's
        _show(request, reader.shown())
    else:
        context["posts_html"] = _wall_posts(request, community, standing, context, reader)
    if _htmx(request) and cursor:
        response = HttpResponse(context["posts_html"])
    else:
        _wall_head(request, community, standing, context, reader)
        response = _wall_response(request, context)
    if visitor is not None:
        made_from = context["made_from"]
        visitor.keep(response.content.decode(), made_from=made_from, next_cursor=context["next"])
    return response


def _wall_response(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The wall's first page: the whole page, or for htmx its fragment (walls/_wall.html).

    The fragment reads nothing of the request but its composer's form token, and a kept
    composer comes with the token in: then it is rendered without the context processors (the
    language's, the messages', the user's...), which cost two thirds of its render."""
    if not _htmx(request):
        return render(request, "walls/wall.html", context)
    if context.get("composer_html") or not (context["may_post"] or context["may_suggest"]):
        return HttpResponse(render_to_string("walls/_wall.html", context))
    return render(request, "walls/_wall.html", context)


def _wall_head(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    context: dict[str, Any],
    reader: VisitorWall | None = None,
) -> None:
    """What the wall's first page shows above the posts: the composer, the reader's suggestions
    and held posts (not read again when the page's rows said there are none), and for the
    reviewers how many suggestions wait."""
    context.update(_composer(request, community, standing))
    if context["may_suggest"]:
        context["my_suggestions"] = selectors.my_suggestions(
            actor=request.user, community=community, details=False
        )
    context["my_held"] = (
        []
        if reader is not None and reader.held is False
        else selectors.my_held(actor=request.user, community=community, details=False)
    )
    if context["may_review"]:
        context["waiting"] = Post.objects.filter(
            community=community, status=PostStatus.SUGGESTED
        ).count()
    context["composer_html"] = composer_html(request, context)


def _wall_posts(
    request: HttpRequest,
    community: Community,
    standing: Standing,
    context: dict[str, Any],
    reader: VisitorWall | None,
) -> SafeString:
    """The wall's posts rendered for this request (the pinned one first on the first page), and
    kept for every reader outside the team when `reader` says they may be."""
    cursor = context["cursor"]
    page = selectors.wall_page(
        actor=request.user,
        community=community,
        cursor=cursor,
        limit=int_setting("PAGE_SIZE"),
        details=False,
        standing=standing,
    )
    pinned = (
        None
        if cursor
        else selectors.pinned_post(
            actor=request.user, community=community, details=False, standing=standing
        )
    )
    shown = _show(request, [pinned, *page.items])
    attach_cards(
        request,
        shown,
        team_ids=context["team_ids"],
        on_community_page=True,
        may_interact=context["may_interact"],
        token=reader is None,
    )
    context.update(
        pinned=pinned,
        posts=page.items,
        more_url=_next_url(request, page.next_cursor),
        made_from=[*([pinned] if pinned else []), *page.items],
        next=page.next_cursor,
    )
    html = render_to_string("walls/_wall_posts.html", context)
    if reader is None:
        return mark_safe(html)  # noqa: S308 — our template's output
    # Kept with the token's placeholder and no post liked: the like buttons this reader pressed
    # are released first (a reader who may not interact sees no like button to press).
    made_from = context["made_from"] if context["may_interact"] else []
    liked = [stamp_of(post) for post in made_from if getattr(post, "liked", False)]
    unliked = with_likes(html, liked, pressed=False)
    if unliked is not None:
        reader.keep(
            unliked, made_from=context["made_from"], next_cursor=page.next_cursor, forms=True
        )
    return with_token(request, html)


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
        actor=request.user,
        owner=owner,
        cursor=cursor,
        limit=int_setting("PAGE_SIZE"),
        details=False,
    )
    posts = _show(request, page.items)
    attach_cards(
        request, posts, team_ids=set(), on_community_page=False, may_interact=_signed_in(request)
    )
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

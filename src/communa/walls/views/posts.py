"""One post: its page, link click-through, edits, history, pin, likes, shares, hides, reports."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from communa.accounts.http import AuthedRequest
from communa.accounts.models import User
from communa.communities.models import Community, Membership
from communa.communities.permissions import (
    Action,
    Relation,
    allowed_in,
    can,
)
from communa.communities.rubrics import rubrics_of
from communa.core.conf import int_setting
from communa.core.errors import Conflict, DomainError, PermissionRefused
from communa.core.events import viewer_of
from communa.core.fragments import kept_page, render_page
from communa.core.gate import text_gate
from communa.core.http import client_ip
from communa.core.web import answers_refusals, back_to, cursor_of, show_error_on_form
from communa.walls import forms, selectors
from communa.walls.access import may_manage_post, rights_on_post
from communa.walls.actions import clone as clone_actions
from communa.walls.actions import interactions
from communa.walls.actions import links as link_actions
from communa.walls.actions import posts as post_actions
from communa.walls.actions.posts import EDITABLE_DRAFTS
from communa.walls.cards import attach_cards, attach_comments
from communa.walls.comment_selectors import VisitorComments, comments_page
from communa.walls.kept_walls import post_page_views, visitor_post_page
from communa.walls.models import DRAFT_STATUSES, Comment, Post, PostKind, PostStatus
from communa.walls.tracking import overrides_of, short_path
from communa.walls.views._shared import (
    _home_of,
    _htmx,
    _next_url,
    _post_url,
    _show,
)
from communa.walls.views.longreads import (
    _adds_block,
    _block_choices,
    _block_rows,
    _blocks_of,
    _rows_of,
)
from communa.walls.views.walls import _held

# --- one post --------------------------------------------------------------------------------


def _post_page(
    request: HttpRequest,
    post: Post,
    *,
    comment_form: forms.CommentForm | None = None,
    status: int = 200,
    kept: tuple[str | None, VisitorComments | None] = (None, None),
) -> HttpResponse:
    """The post's page; with `kept` (`visitor_post_page`), built from the comments read for its
    key and kept under it for the next visitor."""
    rights = rights_on_post(request.user, post)
    key, visitor_comments = kept
    page = None
    if visitor_comments is not None:
        page = visitor_comments.page()
    elif post.status == PostStatus.PUBLISHED:
        page = comments_page(
            actor=request.user, post=post, cursor=cursor_of(request), limit=int_setting("PAGE_SIZE")
        )
    _show(request, [post])
    comments = page.items if page else []
    attach_cards(
        request,
        [post],
        team_ids=rights["team_ids"],
        # The post's page names its community in the header, not in the byline.
        on_community_page=post.community is not None,
        may_interact=rights["may_interact"],
        full=True,
    )
    attach_comments(request, comments, post=post, community=post.community, rights=rights)
    community = post.community
    context = {
        "post": post,
        "community": post.community,
        "comments": comments,
        # Each thread as `attach_comments` gave it, joined here: a template loop over a page of
        # 50 threads cost a third of a millisecond.
        "comments_html": _joined(comments),
        "more_comments_url": _next_url(request, page.next_cursor) if page else None,
        "comment_form": comment_form or forms.CommentForm(),
        "may_manage": may_manage_post(request.user, post),
        "held_reasons": text_gate().held_state(post)[1] if post.status == PostStatus.HELD else [],
        # R9.4: "More like this" for whoever may post here; R8.8: the links' figures for the team.
        "may_clone": community is not None
        and post.shared_from_id is None
        and can(request.user, Action.POST, community),
        "link_figures": _link_figures(request, post),
        **rights,
    }
    return render_page(request, key, "walls/post.html", context, status=status)


def _joined(comments: list[Any]) -> SafeString:
    """The threads `attach_comments` gave the comments, in their order."""
    return mark_safe("".join(comment.html for comment in comments))  # noqa: S308 — our templates' output


def _link_figures(request: HttpRequest, post: Post) -> dict[str, Any] | None:
    """The post's tracked links as its statistics team sees them, with full short links."""
    if not selectors.may_see_link_figures(request.user, post):
        return None
    found = selectors.post_links(actor=request.user, post=post)
    links = [
        {
            "short_url": request.build_absolute_uri(short_path(link.code)),
            "tagged_url": link.tagged_url,
            "in_post": link.in_post,
            "clicks": link.clicks,
            "ctr": link.ctr,
        }
        for link in found.links
    ]
    return {
        "clicks": found.clicks,
        "impressions": found.impressions,
        "ctr": found.ctr,
        "links": links,
    }


@require_GET
@answers_refusals
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post with its comments and everything one may do with it."""
    # Its card is rendered from the cache when it can be: `attach_cards` reads the details
    # (images, document, rubric) only when the card must be rendered again.
    post = selectors.post_for(actor=request.user, post_id=post_id, details=False)
    if post.status in DRAFT_STATUSES and post.community is not None:
        # A draft lives on the planner's page (its steps and history): the team, who alone
        # may read it, is sent there from a notification or an old link (ADR 0011).
        return redirect("planner:draft", post.community.slug, post.pk)
    # A visitor's page is the same for every visitor: kept whole (walls.kept_walls).
    kept = visitor_post_page(request, post, limit=int_setting("PAGE_SIZE"))
    response = kept_page(request, kept[0], fill=post_page_views(post))
    if response is not None:
        _show(request, [post])
        return response
    return _post_page(request, post, kept=kept)


@require_safe
@answers_refusals
def follow_link(request: HttpRequest, code: str) -> HttpResponse:
    """A short link of a published post (R8.8): count the click, then send the person to the
    address with its UTM tags. Only codes of links in published posts redirect; anything else is
    the site's 404. A HEAD request (a link checker) is answered without counting."""
    actor = request.user if isinstance(request.user, User) else None
    viewer = viewer_of(request)
    if request.method == "HEAD":
        viewer = replace(viewer, crawler=True)
    response = HttpResponseRedirect(link_actions.follow_link(code=code, viewer=viewer, actor=actor))
    # Every click reaches us to be counted; search engines index the target, not the hop.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@answers_refusals
def go(request: HttpRequest, post_id: int) -> HttpResponse:
    """Count a click on the post's link, then send the person there with its UTM tags."""
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
    if post.status in EDITABLE_DRAFTS:
        # The planner's drafts: its team edits them and goes back to where it came from.
        editable = post.community is not None and can(
            request.user, Action.PLAN_CONTENT, post.community
        )
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
        # R8.8: what each link of the post opens as, with the tags saved now.
        "link_figures": _link_figures(request, post) if team else None,
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
            **(overrides_of(post) if team else {}),
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
    was_held = post.status == PostStatus.HELD
    try:
        post = post_actions.edit_post(actor=request.user, post=post, data=data)
    except DomainError as exc:
        status = show_error_on_form(form, exc)
        return render(request, "walls/edit_post.html", context, status=status)
    if post.status == PostStatus.HELD:
        return _held(request, post)
    if was_held:
        messages.success(request, _("The post is published."))
    else:
        messages.success(request, _("The post has been changed."))
    return redirect(_back_to(request) or reverse("walls:post", args=[post.pk]))


def _back_to(request: HttpRequest) -> str | None:
    """Where the editor came from (the planner's draft page), when it is on this site."""
    back = request.GET.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return None


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
@require_POST
@answers_refusals
def clone_post(request: AuthedRequest, post_id: int) -> HttpResponse:
    """ "More like this" (R9.4): a new post made from this one, to edit and publish."""
    post = selectors.post_for(actor=request.user, post_id=post_id)
    clone = clone_actions.clone_post(actor=request.user, post=post, ip=client_ip(request))
    edit = reverse("walls:edit", args=[clone.pk])
    if clone.status == PostStatus.DRAFT and clone.community is not None:
        # The planning team's copy is a draft: edited, then scheduled from its draft page.
        messages.success(
            request,
            _("A draft copy of the post is ready: change what you like, then plan it."),
        )
        draft = reverse("planner:draft", args=[clone.community.slug, clone.pk])
        return redirect(f"{edit}?{urlencode({'next': draft})}")
    messages.success(
        request,
        _("A copy of the post is ready. It is not published yet: change what you like and save."),
    )
    return redirect(edit)


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
    selectors.attach_short_links([post])
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

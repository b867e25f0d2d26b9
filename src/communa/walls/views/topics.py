"""Discussion topics and their comments (R4.5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action, Standing, require
from communa.communities.selectors import community_for
from communa.core.badges import attach_badges
from communa.core.errors import NotFound, RateLimited, ValidationFailed
from communa.core.events import viewer_of
from communa.core.http import client_ip
from communa.core.web import answers_refusals, cursor_of, show_error_on_form
from communa.walls import board_selectors as selectors
from communa.walls.actions import boards as actions
from communa.walls.actions.comments import delete_comment
from communa.walls.models import Comment, Topic
from communa.walls.views._boards_shared import (
    TopicCommentForm,
    TopicForm,
    _context,
    _may,
    _next_link,
    _page_size,
)

# --- discussion topics ----------------------------------------------------------------------


@require_GET
@answers_refusals
def topics(request: HttpRequest, slug: str) -> HttpResponse:
    """The discussion board: pinned topics first, then the most recently active."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    page = selectors.topics_page(
        actor=request.user,
        community=community,
        cursor=cursor_of(request),
        limit=_page_size(),
        standing=standing,
    )
    return render(
        request,
        "walls/board_topics.html",
        {
            **_context(community, standing, "topics"),
            "topics": page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_start": _may(community, standing, Action.START_TOPIC),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def new_topic(request: AuthedRequest, slug: str) -> HttpResponse:
    """Start a discussion."""
    community, standing = community_for(request.user, slug, Action.VIEW_WALL)
    require(request.user, Action.START_TOPIC, community, standing=standing)
    form = TopicForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.start_topic(
                actor=request.user,
                community=community,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                ip=client_ip(request),
            )
        except (ValidationFailed, RateLimited) as exc:
            status = show_error_on_form(form, exc)
        else:
            return redirect("walls:topic", topic.pk)
    return render(
        request,
        "walls/board_topic_form.html",
        {**_context(community, standing, "topics"), "form": form, "topic": None},
        status=status,
    )


def _topic_page(
    request: HttpRequest,
    topic: Topic,
    standing: Standing,
    *,
    form: TopicCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    community = topic.community
    page = selectors.topic_comments_page(
        actor=request.user, topic=topic, cursor=cursor_of(request), limit=_page_size()
    )
    user = request.user
    own = user.is_authenticated and topic.author_id == user.pk
    # The members' badges beside their names (R6.3): one question for the topic and the page,
    # none where no badge was ever given.
    shown = [topic, *page.items]
    shown += [reply for comment in page.items for reply in getattr(comment, "visible_replies", [])]
    place = community.pk if community.shows_badges else None
    attach_badges(shown, community_of=lambda _row: place, user_of=lambda row: row.author_id)
    may_manage = _may(community, standing, Action.MANAGE_TOPICS)
    return render(
        request,
        "walls/board_topic.html",
        {
            **_context(community, standing, "topics"),
            "topic": topic,
            "comments": page.items,
            "next_link": _next_link(request, page.next_cursor),
            "may_comment": not topic.closed and _may(community, standing, Action.COMMENT),
            "may_manage": may_manage,
            "may_edit": own or may_manage,
            "may_delete_comments": _may(community, standing, Action.DELETE_COMMENTS),
            "form": form or TopicCommentForm(),
        },
        status=status,
    )


@require_GET
@answers_refusals
def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    """A discussion with its comments, oldest first, and the reply form."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    return _topic_page(request, found, standing)


@login_required
@require_POST
@answers_refusals
def topic_comment(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Comment in a discussion, or reply to one of its comments."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    form = TopicCommentForm(request.POST)
    if not form.is_valid():
        return _topic_page(request, found, standing, form=form, status=400)
    parent_id = form.cleaned_data["parent"]
    try:
        parent = (
            selectors.topic_comment(topic=found, comment_id=parent_id)
            if parent_id is not None
            else None
        )
        comment = actions.reply_in_topic(
            actor=request.user,
            topic=found,
            body=form.cleaned_data["body"],
            parent=parent,
            viewer=viewer_of(request),
            ip=client_ip(request),
        )
    except (ValidationFailed, RateLimited) as exc:
        status = show_error_on_form(form, exc)
        return _topic_page(request, found, standing, form=form, status=status)
    return HttpResponseRedirect(f"{reverse('walls:topic', args=[found.pk])}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@answers_refusals
def edit_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Change a discussion's title or text (its author or the moderators)."""
    found, standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    form = TopicForm(request.POST or None, initial={"title": found.title, "body": found.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_topic(
                actor=request.user,
                topic=found,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationFailed as exc:
            status = show_error_on_form(form, exc)
        else:
            return redirect("walls:topic", found.pk)
    return render(
        request,
        "walls/board_topic_form.html",
        {**_context(found.community, standing, "topics"), "form": form, "topic": found},
        status=status,
    )


@login_required
@require_POST
@answers_refusals
def pin_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Pin or unpin a discussion (moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    if request.POST.get("action") == "unpin":
        actions.unpin_topic(actor=request.user, topic=found)
        messages.info(request, _("The discussion is no longer pinned."))
    else:
        actions.pin_topic(actor=request.user, topic=found)
        messages.success(request, _("The discussion is pinned to the top of the board."))
    return redirect("walls:topic", found.pk)


@login_required
@require_POST
@answers_refusals
def close_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Close a discussion to new comments, or reopen it (moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    if request.POST.get("action") == "reopen":
        actions.reopen_topic(actor=request.user, topic=found)
        messages.info(request, _("The discussion is open to comments again."))
    else:
        actions.close_topic(actor=request.user, topic=found)
        messages.success(request, _("The discussion is closed to new comments."))
    return redirect("walls:topic", found.pk)


@login_required
@require_POST
@answers_refusals
def delete_topic(request: AuthedRequest, topic_id: int) -> HttpResponse:
    """Delete a discussion (its author or the moderators)."""
    found, _standing = selectors.topic_for(actor=request.user, topic_id=topic_id)
    actions.delete_topic(actor=request.user, topic=found)
    messages.info(request, _("The discussion has been deleted."))
    return redirect("walls:topics", found.community.slug)


@login_required
@require_POST
@answers_refusals
def delete_topic_comment(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Delete a comment in a discussion: one's own, or any as a moderator."""
    comment = Comment.objects.filter(pk=comment_id, topic__isnull=False).first()
    if comment is None:
        raise NotFound
    found, _standing = selectors.topic_for(actor=request.user, topic_id=comment.topic_id)  # type: ignore[arg-type]
    comment.topic = found
    delete_comment(actor=request.user, comment=comment)
    messages.info(request, _("The comment has been deleted."))
    return HttpResponseRedirect(f"{reverse('walls:topic', args=[found.pk])}#comments")

"""Comments under posts: write, edit, delete, like and report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communa.accounts.http import AuthedRequest
from communa.core.errors import Conflict, DomainError, NotFound, PermissionRefused
from communa.core.events import viewer_of
from communa.core.gate import text_gate
from communa.core.http import client_ip
from communa.core.web import answers_refusals, show_error_on_form
from communa.walls import forms, selectors
from communa.walls.actions import comments as comment_actions
from communa.walls.actions import interactions
from communa.walls.models import Comment, CommentStatus, Post, Signature
from communa.walls.views._shared import (
    _htmx,
    _post_url,
)
from communa.walls.views.posts import _post_page, _report_page

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

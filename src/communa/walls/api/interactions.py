"""Comments, likes, shares, hides and reports."""

from __future__ import annotations

from typing import Any

from ninja import Status

from communa.accounts.authentication import VisitorRequest, anyone
from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.events import viewer_of
from communa.core.http import client_ip
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Page, PageLimit
from communa.walls.actions import comments as comment_actions
from communa.walls.actions import interactions
from communa.walls.actions import posts as post_actions
from communa.walls.api.conversions import (
    _one_post,
    _thread_community,
    comment_out,
    comment_row,
    post_row,
    post_to_act_on,
    report_out,
)
from communa.walls.api.routers import router
from communa.walls.api.schemas import (
    CommentIn,
    CommentOut,
    CommentPatchIn,
    LikeOut,
    PostOut,
    ReportIn,
    ReportOut,
    ShareIn,
)
from communa.walls.comment_selectors import comments_page

OPERATION_ID_PREFIX = "communa_walls_api"


# --- comments -------------------------------------------------------------------------------


@router.get("/posts/{post_id}/comments", auth=anyone, response=Page[CommentOut])
def post_comments(
    request: VisitorRequest, post_id: int, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """Top-level comments, oldest first, each with its replies."""
    size = page_size(limit)
    post = post_row(request.auth, post_id, details=False)
    page = comments_page(actor=request.auth, post=post, cursor=cursor, limit=size)
    return {
        "items": [comment_out(c, community=post.community) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/posts/{post_id}/comments", response={201: CommentOut})
def add_comment(request: AuthedRequest, post_id: int, payload: CommentIn) -> Status:
    """Comment on a post, or reply to a comment (`parent`); replies nest one level."""
    post = post_to_act_on(request.auth, post_id, writing=True)
    parent = comment_row(payload.parent) if payload.parent is not None else None
    comment = comment_actions.add_comment(
        actor=request.auth,
        post=post,
        parent=parent,
        body=payload.body,
        signed_as=payload.signed_as,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, comment_out(comment, community=post.community))


@router.patch("/comments/{comment_id}", response=CommentOut)
def edit_comment(request: AuthedRequest, comment_id: int, payload: CommentPatchIn) -> Any:
    """Change your own comment."""
    comment = comment_row(comment_id)
    comment = comment_actions.edit_comment(actor=request.auth, comment=comment, body=payload.body)
    return comment_out(comment, community=_thread_community(comment))


@router.delete("/comments/{comment_id}", response={204: None})
def delete_comment(request: AuthedRequest, comment_id: int) -> Status:
    """Delete your comment, or any as a moderator; one with replies stays as "deleted"."""
    comment_actions.delete_comment(actor=request.auth, comment=comment_row(comment_id))
    return Status(204, None)


# --- likes, shares, hides, reports ----------------------------------------------------------


@router.post("/posts/{post_id}/like", response={201: LikeOut})
def like_post(request: AuthedRequest, post_id: int) -> Status:
    """Like a post (once)."""
    post = interactions.like_post(
        actor=request.auth,
        post=post_to_act_on(request.auth, post_id),
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, {"liked": True, "likes": post.like_count})


@router.delete("/posts/{post_id}/like", response=LikeOut)
def unlike_post(request: AuthedRequest, post_id: int) -> dict[str, Any]:
    """Take back your like."""
    post = interactions.unlike_post(
        actor=request.auth,
        post=post_to_act_on(request.auth, post_id),
        viewer=viewer_of(request, api=True),
    )
    return {"liked": False, "likes": post.like_count}


@router.post("/comments/{comment_id}/like", response={201: LikeOut})
def like_comment(request: AuthedRequest, comment_id: int) -> Status:
    """Like a comment (once)."""
    comment = interactions.like_comment(
        actor=request.auth,
        comment=comment_row(comment_id),
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, {"liked": True, "likes": comment.like_count})


@router.delete("/comments/{comment_id}/like", response=LikeOut)
def unlike_comment(request: AuthedRequest, comment_id: int) -> dict[str, Any]:
    """Take back your like of a comment."""
    comment = interactions.unlike_comment(
        actor=request.auth, comment=comment_row(comment_id), viewer=viewer_of(request, api=True)
    )
    return {"liked": False, "likes": comment.like_count}


@router.post("/posts/{post_id}/share", response={201: PostOut})
def share_post(request: AuthedRequest, post_id: int, payload: ShareIn | None = None) -> Status:
    """Repost to your profile wall, or to a community where you may post."""
    payload = payload or ShareIn()
    post = post_row(request.auth, post_id)
    target = None
    if payload.to_community:
        target, _standing = community_for(request.auth, payload.to_community, Action.SEE)
    repost = post_actions.share_post(
        actor=request.auth,
        post=post,
        to_community=target,
        comment=payload.comment,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, _one_post(request, repost))


@router.post("/posts/{post_id}/hide", response={204: None})
def hide_post(request: AuthedRequest, post_id: int) -> Status:
    """Hide a post from your feed."""
    interactions.hide_post(
        actor=request.auth,
        post=post_to_act_on(request.auth, post_id),
        viewer=viewer_of(request, api=True),
    )
    return Status(204, None)


@router.post("/posts/{post_id}/report", response={201: ReportOut})
def report_post(request: AuthedRequest, post_id: int, payload: ReportIn) -> Status:
    """Report a post to the community's moderators with a reason."""
    report = interactions.report_post(
        actor=request.auth,
        post=post_to_act_on(request.auth, post_id),
        reason=payload.reason,
        text=payload.text,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, report_out(report))


@router.post("/comments/{comment_id}/report", response={201: ReportOut})
def report_comment(request: AuthedRequest, comment_id: int, payload: ReportIn) -> Status:
    """Report a comment to the community's moderators with a reason."""
    report = interactions.report_comment(
        actor=request.auth,
        comment=comment_row(comment_id),
        reason=payload.reason,
        text=payload.text,
        viewer=viewer_of(request, api=True),
        ip=client_ip(request),
    )
    return Status(201, report_out(report))

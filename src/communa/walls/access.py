"""Who may see and act on one post, comment or topic: the community table plus the row's state.

Community posts follow the role × action table in `communities.permissions`; posts on a
person's profile wall (shares) are public to read and open to every logged-in person to like
and comment, and only their author or the profile's owner may delete them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from communa.accounts.models import Actor, signed_in
from communa.communities.models import Community, Membership
from communa.communities.permissions import (
    MEMBERS,
    TEAM,
    Action,
    Relation,
    Standing,
    allowed_in,
    can,
    require,
    standing_as_member,
    standing_of,
)
from communa.core.errors import DomainError, NotFound, PermissionRefused, ValidationFailed
from communa.walls.models import (
    DRAFT_STATUSES,
    Comment,
    CommentStatus,
    Post,
    PostStatus,
    Signature,
    Topic,
)

# What `keep_membership` leaves on a post: the reader's id and their membership of the post's
# community, read in the post's statement (None: they are not a member).
_MEMBERSHIP_READ = "_walls_membership_read"


def keep_membership(post: Post, actor: Actor, membership: Membership | None) -> None:
    """Keep on the post the actor's membership read with it, for the checks that follow."""
    if membership is not None and post.community is not None:
        membership.community = post.community  # the same row: not read again
    post.__dict__[_MEMBERSHIP_READ] = (getattr(actor, "pk", None), membership)


def _standing_on(actor: Actor, post: Post, community: Community) -> Standing:
    """The actor's standing in the post's community: from the membership read with the post
    when it was read for this actor, else from the database."""
    read = post.__dict__.get(_MEMBERSHIP_READ)
    if read is None or not signed_in(actor) or read[0] != actor.pk:
        return standing_of(actor, community)
    membership = read[1]
    if membership is not None:
        return standing_as_member(membership)
    return standing_of(actor, community, no_membership=True)


def require_post_visible(actor: Actor, post: Post) -> Standing | None:
    """Refuse with 404 unless the actor may read this post in its current state."""
    if post.status == PostStatus.DELETED:
        raise NotFound
    community = post.community
    if community is None:
        if post.status != PostStatus.PUBLISHED:
            raise NotFound
        return None
    standing = _standing_on(actor, post, community)
    if post.status == PostStatus.PUBLISHED:
        if not can(actor, Action.VIEW_WALL, community, standing=standing):
            raise NotFound
        return standing
    if post.status in DRAFT_STATUSES:
        # The planner's drafts (R8.3): the team that writes and approves them, and nobody else.
        if can(actor, Action.PLAN_CONTENT, community, standing=standing) or can(
            actor, Action.APPROVE_POSTS, community, standing=standing
        ):
            return standing
        raise NotFound
    # Suggested, held or rejected: the person who wrote or suggested it, and the reviewers.
    if signed_in(actor) and actor.pk in (post.suggested_by_id, post.author_id):
        return standing
    if can(actor, Action.REVIEW_SUGGESTIONS, community, standing=standing):
        return standing
    if post.status == PostStatus.HELD and can(actor, Action.MODERATE, community, standing=standing):
        return standing
    raise NotFound


def require_on_post(actor: Actor, action: Action, post: Post) -> Standing | None:
    """Refuse unless the actor may see the post and do this to it."""
    standing = require_post_visible(actor, post)
    if post.status != PostStatus.PUBLISHED and action in (Action.COMMENT, Action.INTERACT):
        raise PermissionRefused(_("This post is not published."))
    community = post.community
    if community is None:
        if not signed_in(actor):
            raise PermissionRefused(_("Log in first."))
        if action in (Action.COMMENT, Action.INTERACT):
            return None
        if action == Action.MANAGE_POSTS and actor.pk == post.profile_id:
            return None
        raise PermissionRefused(_("Only the owner of this profile may do this."))
    return require(actor, action, community, standing=standing)


def may_manage_post(actor: Actor, post: Post) -> bool:
    """Whether the actor may edit or delete this post: its author, or the community's editors."""
    if not signed_in(actor):
        return False
    if post.community is None:
        return actor.pk in (post.author_id, post.profile_id)
    if can(actor, Action.MANAGE_POSTS, post.community):
        return True
    return post.author_id == actor.pk and post.signed_as == "author"


def thread_of(comment: Comment) -> Post | Topic:
    """The post or topic a comment belongs to."""
    return comment.post if comment.post_id is not None else comment.topic  # type: ignore[return-value]


def require_comment_visible(actor: Actor, comment: Comment) -> None:
    """Refuse with 404 unless the actor may read the thread and the comment is not deleted."""
    if comment.status == CommentStatus.DELETED:
        raise NotFound
    if comment.post_id is not None:
        standing = require_post_visible(actor, comment.post)  # type: ignore[arg-type]
    else:
        standing = require_topic_visible(actor, comment.topic)  # type: ignore[arg-type]
    if comment.status in (CommentStatus.HELD, CommentStatus.REJECTED) and not _author_or_moderator(
        actor, comment.author_id, thread_of(comment).community, standing
    ):
        raise NotFound


def _author_or_moderator(actor: Actor, author_id: int, community: Any, standing: Any) -> bool:
    """Who sees what the checks held: its author and the community's moderators."""
    if signed_in(actor) and actor.pk == author_id:
        return True
    return community is not None and can(actor, Action.MODERATE, community, standing=standing)


def require_topic_visible(actor: Actor, topic: Topic) -> Standing:
    """Refuse with 404 unless the actor may read this discussion topic."""
    if topic.deleted_at is not None:
        raise NotFound
    standing = standing_of(actor, topic.community)
    if not can(actor, Action.VIEW_WALL, topic.community, standing=standing):
        raise NotFound
    if topic.held and not _author_or_moderator(actor, topic.author_id, topic.community, standing):
        raise NotFound
    return standing


def refusal_of(
    actor: Actor, action: Action, community: Community, standing: Standing
) -> str | None:
    """Why the actor may not do this here, or None when they may."""
    try:
        require(actor, action, community, standing=standing)
    except DomainError as exc:
        return exc.message
    return None


def rights_on_post(actor: Actor, post: Post) -> dict[str, Any]:
    """What this person may do with this post and its comments, and why not when it helps (the
    post page shows or hides each control by these)."""
    actor_id = actor.pk if signed_in(actor) else None
    published = post.status == PostStatus.PUBLISHED
    if post.community is None:
        return {
            "may_interact": actor_id is not None and published,
            "may_comment": actor_id is not None and published,
            "comment_refusal": None,
            "is_editor": False,
            "team_ids": set(),
            "may_delete_comments": actor_id is not None and actor_id == post.profile_id,
            "team_comment": False,
            "may_see_history": actor_id is not None and actor_id == post.author_id,
        }
    community = post.community
    standing = standing_of(actor, community)
    editor = can(actor, Action.MANAGE_POSTS, community, standing=standing)
    may_comment = published and can(actor, Action.COMMENT, community, standing=standing)
    comment_refusal = None
    if published and not may_comment and (actor_id is not None or standing.relation in MEMBERS):
        comment_refusal = refusal_of(actor, Action.COMMENT, community, standing)
    elif published and not may_comment:
        # Logged out: say why only when nobody may comment; otherwise a login link does.
        everyone = allowed_in(Action.COMMENT, community)
        if Relation.MEMBER not in everyone:
            comment_refusal = refusal_of(actor, Action.COMMENT, community, standing)
    return {
        "may_interact": published and can(actor, Action.INTERACT, community, standing=standing),
        "may_comment": may_comment,
        "comment_refusal": comment_refusal,
        "is_editor": editor,
        "team_ids": {community.pk} if standing.relation in TEAM else set(),
        "may_delete_comments": can(actor, Action.DELETE_COMMENTS, community, standing=standing),
        "team_comment": editor,
        "may_see_history": editor,
    }


def require_signature(signed_as: str | None, *, team: bool) -> None:
    """Refuse a signature the actor may not use; posts and comments refuse it the same way.

    Left out (None or empty), the action picks the default. Signing as the community is for its
    editors (MANAGE_POSTS); anyone else is refused with a 403 naming `signed_as`, never
    silently signed with their own name.
    """
    if not signed_as:
        return
    if signed_as not in Signature.values:
        raise ValidationFailed(
            fields={
                "signed_as": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(Signature.values)}
                ]
            }
        )
    if signed_as == Signature.COMMUNITY and not team:
        message = _("Only the community's editors may sign as the community.")
        raise PermissionRefused(message, fields={"signed_as": [message]})

"""The team's one write here: marking a comment negative for the negative-feedback ledger."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from communa.analytics.models import NegativeComment
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.errors import NotFound
from communa.walls.models import Comment


def comment_of(community: Community, comment_id: int) -> Comment:
    """A comment under one of the community's posts; any other is a 404."""
    found = Comment.objects.filter(pk=comment_id, post__community=community).first()
    if found is None:
        raise NotFound
    return found


def mark_comment_negative(
    *, actor: Any, community: Community, comment: Comment, negative: bool
) -> bool:
    """Mark a comment negative, or take the mark off (moderators and up: MODERATE); returns
    whether it is marked now. Marking twice or unmarking an unmarked comment changes nothing."""
    require(actor, Action.MODERATE, community)
    if comment.post is None or comment.post.community_id != community.pk:
        raise NotFound
    with transaction.atomic():
        if negative:
            _mark, created = NegativeComment.objects.get_or_create(
                comment=comment, defaults={"community": community, "marked_by": actor}
            )
            changed = created
        else:
            changed = NegativeComment.objects.filter(comment=comment).delete()[0] > 0
        if changed:
            record_audit(
                actor=actor,
                community=community,
                action="comment.mark_negative" if negative else "comment.unmark_negative",
                target=comment,
            )
    return negative

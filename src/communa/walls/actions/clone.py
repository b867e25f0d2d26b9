""" "More like this" (R9.4): a post cloned into a new one of the same community, to edit.

The clone copies the words (title, text, blocks), the link, the labels (rubric, tone, the
promotional mark, the signature, the UTM tags of its links) and the images and document, whose
files are copied through the storage so that deleting either post never takes the other's away.
Counters, comments, likes and history start from zero; the original is not touched.
"""

from __future__ import annotations

from typing import Final

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.errors import PermissionRefused, ValidationFailed
from communa.core.gate import member_gate, text_gate
from communa.core.limits import limit_write
from communa.walls.access import require_post_visible
from communa.walls.actions.drafts import record_transitions
from communa.walls.actions.links import set_link_tags, track_links
from communa.walls.actions.posts import _render, screen_post
from communa.walls.models import (
    LinkTags,
    Post,
    PostDocument,
    PostImage,
    PostStatus,
    Signature,
)
from communa.walls.tracking import UTM_KEYS
from communa.walls.validation import PostContent, clean_labels

# The status a clone starts in: a draft of the planner (R8.3) for the planning team, who then
# schedule it or send it for approval; for anyone else held (seen by its author and the
# community's moderators), published by saving it from its edit page once the checks pass.
CLONE_STATUS: Final[str] = PostStatus.HELD
CLONE_STATUSES: Final = frozenset({CLONE_STATUS, PostStatus.DRAFT, PostStatus.PUBLISHED})


def _copy_of(field: FieldFile) -> ContentFile[bytes]:
    storage: Storage = field.storage
    with storage.open(str(field.name), "rb") as source:
        return ContentFile(source.read())


def _extension(field: FieldFile) -> str:
    name = str(field.name)
    return name.rsplit(".", 1)[-1] if "." in name else "bin"


def _copy_files(source: Post, clone: Post) -> None:
    """New files with the same bytes: each post owns its own."""
    rows = []
    for image in source.images.order_by("position", "id"):
        row = PostImage(post=clone, width=image.width, height=image.height, position=image.position)
        row.image.save(f"image.{_extension(image.image)}", _copy_of(image.image), save=False)
        row.thumbnail.save(
            f"thumb.{_extension(image.thumbnail)}", _copy_of(image.thumbnail), save=False
        )
        rows.append(row)
    PostImage.objects.bulk_create(rows)
    document = PostDocument.objects.filter(post=source).first()
    if document is not None:
        copy = PostDocument(
            post=clone, name=document.name, size=document.size, content_type=document.content_type
        )
        copy.file.save(document.name, _copy_of(document.file), save=False)
        copy.save()


def clone_post(
    *, actor: User, post: Post, status: str | None = None, ip: str | None = None
) -> Post:
    """ "More like this": a new post of the same community made from this one, in `status`
    (not published by default), by someone who may post there; the original is not touched."""
    require_post_visible(actor, post)
    community = post.community
    if community is None:
        raise PermissionRefused(_("Only a community's posts can be cloned."))
    if post.shared_from_id is not None:
        raise PermissionRefused(_("A share cannot be cloned: open the original and clone it."))
    if status is None:
        planner = can(actor, Action.PLAN_CONTENT, community)
        status = PostStatus.DRAFT if planner else CLONE_STATUS
    if status == PostStatus.DRAFT:
        require(actor, Action.PLAN_CONTENT, community)
    if status not in CLONE_STATUSES:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(sorted(CLONE_STATUSES))}
                ]
            }
        )
    standing = require(actor, Action.POST, community)
    member_gate().require_not_muted(actor, community)
    team = can(actor, Action.MANAGE_POSTS, community, standing=standing)
    # The labels are the team's: others get the defaults, as on a post of their own.
    labels = {} if team else {"signed_as": Signature.AUTHOR}
    rubric, tone, promotional, signed_as = clean_labels(
        labels, community=community, current=post if team else None
    )
    content = PostContent(
        kind=post.kind,
        title=post.title,
        body=post.body,
        blocks=[dict(block) for block in post.blocks or []],
        link_url=post.link_url,
        link_title=post.link_title,
    )
    screened = screen_post(
        actor=actor, community=community, content=content, team=team, history=False
    )
    held = status == PostStatus.PUBLISHED and screened.holds
    if held:
        status = PostStatus.HELD
    limit_write("draft" if status == PostStatus.DRAFT else "post", actor=actor, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        clone = Post.objects.create(
            community=community,
            author=actor,
            signed_as=signed_as if team else Signature.AUTHOR,
            kind=content.kind,
            title=content.title,
            body=content.body,
            blocks=content.blocks,
            link_url=content.link_url,
            link_title=content.link_title,
            rubric=rubric,
            tone=tone,
            promotional=promotional,
            status=status,
            created_at=now,
            published_at=now if status == PostStatus.PUBLISHED else None,
            language=screened.language,
            flags=list(screened.found),
        )
        _copy_files(post, clone)
        _render(clone)
        clone.save(update_fields=["body_html"])
        track_links(clone)
        if team:
            chosen = LinkTags.objects.filter(post=post).values(*UTM_KEYS).first()
            set_link_tags(clone, chosen)
        if held:
            text_gate().hold(community=community, author=actor, target=clone, screened=screened)
        if status == PostStatus.DRAFT:
            record_transitions(
                [clone],
                from_status="",
                to_status=PostStatus.DRAFT,
                actor=actor,
                note=str(post)[:80],
            )
        if team and clone.signed_as == Signature.COMMUNITY:
            record_audit(
                actor=actor,
                community=community,
                action="post.clone",
                target=clone,
                after={"from": post.pk},
            )
    return clone

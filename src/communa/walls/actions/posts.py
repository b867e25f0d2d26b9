"""Writes of posts: publish, suggest and review, edit with history, delete, pin, share.

Uploads are checked before the transaction starts, so a refused image leaves no post behind;
a post and its images, document, revision, audit entry and event are written together.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind, User
from communa.communities.models import Community, Privacy
from communa.communities.permissions import Action, can, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, PermissionRefused, ValidationFailed
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.gate import Screened, member_gate, text_gate
from communa.core.limits import limit_write
from communa.core.uploads import CheckedImage, make_thumbnail
from communa.walls.access import (
    may_manage_post,
    require_on_post,
    require_post_visible,
    require_signature,
)
from communa.walls.actions.links import require_link_tags_right, set_link_tags, track_links
from communa.walls.formatting import render_blocks, render_markdown
from communa.walls.models import (
    Post,
    PostDocument,
    PostImage,
    PostKind,
    PostRevision,
    PostStatus,
    Share,
    Signature,
)
from communa.walls.states import move_post, new_post_status
from communa.walls.validation import (
    Attachment,
    PostContent,
    check_embeds,
    check_post_document,
    check_post_images,
    clean_labels,
    clean_link_tags,
    clean_post_content,
)

# Drafts the team may still change: not while the worker is publishing one.
EDITABLE_DRAFTS = frozenset(
    {PostStatus.DRAFT, PostStatus.PENDING, PostStatus.SCHEDULED, PostStatus.FAILED}
)


def _render(post: Post) -> None:
    """Fill body_html from the Markdown body and, for a long-read, its blocks."""
    html = render_markdown(post.body) if post.body else ""
    if post.kind == PostKind.LONGREAD:
        urls = [image.image.url for image in post.images.all()] if post.pk else []
        html += render_blocks(post.blocks, urls)
    post.body_html = html


def _post_texts(content: PostContent) -> dict[str, str]:
    """Every text of a post by a field name that says where it is (blocks by index and key)."""
    texts = {"title": content.title, "body": content.body, "link_title": content.link_title}
    for index, block in enumerate(content.blocks):
        for key, value in block.items():
            if isinstance(value, str) and key != "type":
                texts[f"blocks.{index}.{key}"] = value
        for position, item in enumerate(block.get("items", []) or []):
            if isinstance(item, str):
                texts[f"blocks.{index}.items.{position}"] = item
    texts["link_url"] = content.link_url
    return texts


def screen_post(
    *,
    actor: User,
    community: Community | None,
    content: PostContent,
    team: bool,
    history: bool = True,
) -> Screened:
    """R5.1: run the automatic checks on a post's texts and put the masked words back."""
    screened = text_gate().screen(
        author=actor,
        community=community,
        texts=_post_texts(content),
        primary="body",
        exempt=team,
        history=history,
    )
    texts = screened.texts
    content.title, content.body = texts["title"], texts["body"]
    content.link_title = texts["link_title"]
    for name, value in texts.items():
        if name.startswith("blocks."):
            parts = name.split(".")
            block = content.blocks[int(parts[1])]
            if parts[2] == "items":
                block["items"][int(parts[3])] = value
            else:
                block[parts[2]] = value
    return screened


def _attach(post: Post, images: list[Attachment], document: Attachment | None) -> None:
    side = int_setting("THUMBNAIL_PIXELS")
    rows = []
    for position, attachment in enumerate(images):
        checked = attachment.checked
        assert isinstance(checked, CheckedImage)  # noqa: S101 — check_post_images made it
        thumb_bytes, thumb_ext = make_thumbnail(attachment.upload, max_side=side)
        row = PostImage(post=post, width=checked.width, height=checked.height, position=position)
        attachment.upload.seek(0)
        row.image.save(
            f"image.{checked.extension}", ContentFile(attachment.upload.read()), save=False
        )
        row.thumbnail.save(f"thumb.{thumb_ext}", ContentFile(thumb_bytes), save=False)
        rows.append(row)
    PostImage.objects.bulk_create(rows)
    if document is not None:
        doc = document.checked
        attached = PostDocument(
            post=post,
            name=doc.name,  # type: ignore[union-attr]
            size=doc.size,  # type: ignore[union-attr]
            content_type=doc.content_type,  # type: ignore[union-attr]
        )
        document.upload.seek(0)
        attached.file.save(doc.name, ContentFile(document.upload.read()), save=False)  # type: ignore[union-attr]
        attached.save()


def _new_post(
    *,
    actor: User,
    community: Community,
    data: dict[str, Any],
    images: list[IO[bytes]],
    document: IO[bytes] | None,
    document_name: str,
    status: str,
    team: bool,
    ip: str | None,
) -> Post:
    checked_images = check_post_images(images)
    checked_document = check_post_document(document, document_name)
    content = clean_post_content(
        data, image_count=len(checked_images), has_document=checked_document is not None
    )
    check_embeds(content, community_id=community.pk)
    labels = data if team else {"signed_as": Signature.AUTHOR}
    rubric, tone, promotional, signed_as = clean_labels(labels, community=community)
    link_tags = clean_link_tags(data)
    require_link_tags_right(link_tags, team=team)
    screened = screen_post(actor=actor, community=community, content=content, team=team)
    suggested = status == PostStatus.SUGGESTED
    draft = status == PostStatus.DRAFT
    # A draft goes out through its approval and the worker, not through the member checks.
    held = screened.holds and not suggested and not draft
    status = PostStatus.DRAFT if draft else new_post_status(suggested=suggested, held=held)
    limit_write("draft" if draft else "post", actor=actor, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        post = Post.objects.create(
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
            suggested_by=actor if status == PostStatus.SUGGESTED else None,
            created_at=now,
            published_at=now if status == PostStatus.PUBLISHED else None,
            language=screened.language,
            flags=list(screened.found),
        )
        _attach(post, checked_images, checked_document)
        _render(post)
        post.save(update_fields=["body_html"])
        track_links(post)
        set_link_tags(post, link_tags)
        if held:
            text_gate().hold(community=community, author=actor, target=post, screened=screened)
        if team and signed_as == Signature.COMMUNITY and not draft:
            record_audit(actor=actor, community=community, action="post.publish", target=post)
    return post


def create_post(
    *,
    actor: User,
    community: Community,
    data: dict[str, Any],
    images: list[IO[bytes]] | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    ip: str | None = None,
) -> Post:
    """Publish a post on a community wall as the wall mode allows (R1.3, R4.1)."""
    standing = require(actor, Action.POST, community)
    member_gate().require_not_muted(actor, community)
    team = can(actor, Action.MANAGE_POSTS, community, standing=standing)
    require_signature(data.get("signed_as"), team=team)
    return _new_post(
        actor=actor,
        community=community,
        data=data,
        images=images or [],
        document=document,
        document_name=document_name,
        status=PostStatus.PUBLISHED,
        team=team,
        ip=ip,
    )


def suggest_post(
    *,
    actor: User,
    community: Community,
    data: dict[str, Any],
    images: list[IO[bytes]] | None = None,
    document: IO[bytes] | None = None,
    document_name: str = "",
    ip: str | None = None,
) -> Post:
    """A member suggests a post to a public page; editors publish or reject it (R4.4)."""
    standing = require(actor, Action.SUGGEST_POST, community)
    member_gate().require_not_muted(actor, community)
    # The page signs a suggestion when it publishes it; a member may not sign it so beforehand.
    require_signature(
        data.get("signed_as"),
        team=can(actor, Action.MANAGE_POSTS, community, standing=standing),
    )
    return _new_post(
        actor=actor,
        community=community,
        data=data,
        images=images or [],
        document=document,
        document_name=document_name,
        status=PostStatus.SUGGESTED,
        team=False,
        ip=ip,
    )


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().get(pk=post.pk)


def _snapshot(post: Post, actor: User) -> PostRevision:
    return PostRevision.objects.create(
        post=post,
        title=post.title,
        body=post.body,
        blocks=post.blocks,
        link_url=post.link_url,
        edited_by=actor,
    )


def _apply_content(post: Post, data: dict[str, Any]) -> PostContent:
    merged = {
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "blocks": post.blocks,
        "link_url": post.link_url,
        "link_title": post.link_title,
    }
    merged.update({k: v for k, v in data.items() if k in merged and k != "kind"})
    content = clean_post_content(
        merged,
        image_count=post.images.count(),
        has_document=PostDocument.objects.filter(post=post).exists(),
    )
    check_embeds(content, community_id=post.community_id)
    post.title, post.body, post.blocks = content.title, content.body, content.blocks
    post.link_url, post.link_title = content.link_url, content.link_title
    return content


def edit_post(*, actor: User, post: Post, data: dict[str, Any]) -> Post:
    """Change a post; the previous version is kept in its history (R4.8)."""
    require_post_visible(actor, post)
    editable = post.status == PostStatus.PUBLISHED or (
        post.status == PostStatus.HELD and post.author_id == actor.pk
    )
    if post.status in EDITABLE_DRAFTS:
        # R8.3: the team edits a draft until it goes out (a claimed one is on its way).
        editable = post.community is not None and can(actor, Action.PLAN_CONTENT, post.community)
    if not editable or not may_manage_post(actor, post):
        raise PermissionRefused(_("Only the author or the community's editors may edit this post."))
    team = post.community is not None and can(actor, Action.MANAGE_POSTS, post.community)
    require_signature(data.get("signed_as"), team=team)
    link_tags = clean_link_tags(data)
    require_link_tags_right(link_tags, team=team)
    with transaction.atomic():
        post = _locked(post)
        before = {"title": post.title, "body": post.body}
        _snapshot(post, actor)
        content = _apply_content(post, data)
        # The author's own edit is checked again; an editor's edit of a member's post is not.
        screened = screen_post(
            actor=actor,
            community=post.community,
            content=content,
            team=team,
            history=False,
        )
        post.title, post.body, post.blocks = content.title, content.body, content.blocks
        post.link_title = content.link_title
        fields = ["title", "body", "blocks", "link_url", "link_title", "body_html", "edited_at"]
        fields += ["language", "flags"]
        post.language, post.flags = screened.language, list(screened.found)
        if post.status == PostStatus.HELD and post.community is not None:
            # Edit and resubmit (R5.2): released when the checks pass, held again if not.
            text_gate().rehold(
                target=post, screened=screened, community=post.community, author=actor
            )
            if not screened.holds:
                move_post(post, PostStatus.PUBLISHED, since=PostStatus.HELD)
        elif screened.holds and post.community is not None:
            move_post(post, PostStatus.HELD, since=PostStatus.PUBLISHED)
            text_gate().hold(community=post.community, author=actor, target=post, screened=screened)
        if team and post.community is not None:
            rubric, tone, promotional, signed_as = clean_labels(
                data, community=post.community, current=post
            )
            post.rubric, post.tone, post.promotional = rubric, tone, promotional
            post.signed_as = signed_as
            fields += ["rubric", "tone", "promotional", "signed_as"]
        _render(post)
        post.edited_at = timezone.now()
        post.save(update_fields=fields)
        track_links(post)
        set_link_tags(post, link_tags)
        if (team and post.author_id != actor.pk) or post.signed_as == Signature.COMMUNITY:
            record_audit(
                actor=actor,
                community=post.community,
                action="post.edit",
                target=post,
                before=before,
                after={"title": post.title, "body": post.body},
            )
    return post


def delete_post(*, actor: User, post: Post) -> None:
    """Take a post off its wall; its rows stay for the history and the statistics."""
    require_post_visible(actor, post)
    reviewer = post.community is not None and can(actor, Action.REVIEW_SUGGESTIONS, post.community)
    own_suggestion = post.status == PostStatus.SUGGESTED and post.suggested_by_id == actor.pk
    if not (may_manage_post(actor, post) or own_suggestion or reviewer):
        raise PermissionRefused(
            _("Only the author or the community's editors may delete this post.")
        )
    with transaction.atomic():
        post = _locked(post)
        if not move_post(post, PostStatus.DELETED, by=actor):
            return
        text_gate().withdraw(post)
        if post.author_id != actor.pk or post.signed_as == Signature.COMMUNITY:
            record_audit(actor=actor, community=post.community, action="post.delete", target=post)


def pin_post(*, actor: User, post: Post) -> Post:
    """Make this the community's one pinned post, unpinning the previous one (R4.1)."""
    require_on_post(actor, Action.MANAGE_POSTS, post)
    if post.community_id is None or post.status != PostStatus.PUBLISHED:
        raise PermissionRefused(_("Only a published community post can be pinned."))
    try:
        with transaction.atomic():
            Post.objects.filter(community_id=post.community_id, pinned=True).exclude(
                pk=post.pk
            ).update(pinned=False)
            Post.objects.filter(pk=post.pk).update(pinned=True)
            record_audit(actor=actor, community=post.community, action="post.pin", target=post)
    except IntegrityError as exc:
        raise Conflict(_("Another post was pinned at the same moment; try again.")) from exc
    post.pinned = True
    return post


def unpin_post(*, actor: User, post: Post) -> Post:
    """Unpin the community's pinned post."""
    require_on_post(actor, Action.MANAGE_POSTS, post)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(pinned=False)
        record_audit(actor=actor, community=post.community, action="post.unpin", target=post)
    post.pinned = False
    return post


def publish_suggestion(*, actor: User, post: Post, data: dict[str, Any] | None = None) -> Post:
    """Publish a suggested post, optionally edited, signed by the page and "suggested by" (R4.4)."""
    community = post.community
    if community is None or post.status != PostStatus.SUGGESTED:
        raise PermissionRefused(_("This post is not waiting for review."))
    require(actor, Action.REVIEW_SUGGESTIONS, community)
    data = data or {}
    with transaction.atomic():
        post = _locked(post)
        if post.status != PostStatus.SUGGESTED:
            raise Conflict(_("Someone else has already reviewed this post."))
        if any(k in data for k in ("title", "body", "blocks", "link_url", "link_title")):
            _snapshot(post, actor)
            _apply_content(post, data)
            _render(post)
        rubric, tone, promotional, _signed = clean_labels(data, community=community, current=post)
        now = timezone.now()
        post.rubric, post.tone, post.promotional = rubric, tone, promotional
        post.signed_as = Signature.COMMUNITY
        move_post(
            post,
            PostStatus.PUBLISHED,
            since=PostStatus.SUGGESTED,
            now=now,
            extra={"reviewed_by": actor, "reviewed_at": now},
        )
        post.save()
        track_links(post)
        record_audit(actor=actor, community=community, action="suggestion.publish", target=post)
        notify(
            recipients=[post.suggested_by_id],
            kind=NotificationKind.SUGGESTION_PUBLISHED,
            actor=actor,
            community=community,
            subject=str(post)[:80],
            url=reverse("walls:post", args=[post.pk]),
        )
    return post


def reject_suggestion(*, actor: User, post: Post, reason: str) -> Post:
    """Reject a suggested post with a reason its author sees (R4.4)."""
    community = post.community
    if community is None or post.status != PostStatus.SUGGESTED:
        raise PermissionRefused(_("This post is not waiting for review."))
    require(actor, Action.REVIEW_SUGGESTIONS, community)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Tell the author why.")]})
    if len(reason) > 500:
        raise ValidationFailed(fields={"reason": [_("A reason has at most 500 characters.")]})
    with transaction.atomic():
        post = _locked(post)
        if post.status != PostStatus.SUGGESTED:
            raise Conflict(_("Someone else has already reviewed this post."))
        move_post(
            post,
            PostStatus.REJECTED,
            since=PostStatus.SUGGESTED,
            extra={"review_reason": reason, "reviewed_by": actor, "reviewed_at": timezone.now()},
        )
        record_audit(
            actor=actor,
            community=community,
            action="suggestion.reject",
            target=post,
            after={"reason": reason},
        )
        notify(
            recipients=[post.suggested_by_id],
            kind=NotificationKind.SUGGESTION_REJECTED,
            actor=actor,
            community=community,
            subject=str(post)[:80],
            url=reverse("communities:home", args=[community.slug]),
        )
    return post


def share_post(
    *,
    actor: User,
    post: Post,
    to_community: Community | None = None,
    comment: str = "",
    viewer: Viewer | None = None,
    ip: str | None = None,
) -> Post:
    """Repost to one's profile wall or to a community where one may post (R4.3)."""
    require_on_post(actor, Action.INTERACT, post)
    original = post.shared_from or post
    if original.status != PostStatus.PUBLISHED:
        raise PermissionRefused(_("The original post is no longer published."))
    source = original.community
    if source is not None and source.privacy != Privacy.OPEN:
        # A share is readable by anyone who can read its wall; closed content stays inside.
        raise PermissionRefused(_("Posts of closed and private communities cannot be shared."))
    comment = (comment or "").strip()
    if len(comment) > int_setting("COMMENT_MAX_CHARS"):
        raise ValidationFailed(fields={"comment": [_("The comment is too long.")]})
    rubric = tone = None
    signed_as: str = Signature.AUTHOR
    if to_community is not None:
        standing = require(actor, Action.POST, to_community)
        team = can(actor, Action.MANAGE_POSTS, to_community, standing=standing)
        labels = {"signed_as": Signature.COMMUNITY if team else Signature.AUTHOR}
        rubric, tone, _promo, signed_as = clean_labels(labels, community=to_community)
    team = to_community is not None and can(actor, Action.MANAGE_POSTS, to_community)
    screened = text_gate().screen(
        author=actor,
        community=to_community,
        texts={"comment": comment},
        primary="comment",
        exempt=team,
    )
    comment = screened.texts["comment"]
    held = screened.holds and to_community is not None
    limit_write("post", actor=actor, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        repost = Post.objects.create(
            community=to_community,
            profile=None if to_community is not None else actor,
            author=actor,
            signed_as=signed_as,
            body=comment,
            body_html=render_markdown(comment) if comment else "",
            rubric=rubric,
            tone=tone or "",
            shared_from=original,
            status=new_post_status(held=held),
            created_at=now,
            published_at=None if held else now,
            language=screened.language,
            flags=list(screened.found),
        )
        if held:
            text_gate().hold(community=to_community, author=actor, target=repost, screened=screened)
        track_links(repost)
        Share.objects.create(post=original, user=actor, to_community=to_community, repost=repost)
        Post.objects.filter(pk=original.pk).update(share_count=F("share_count") + 1)
        record_event(EventKind.SHARE, viewer=viewer or viewer_for_user(actor), post=original)
    return repost

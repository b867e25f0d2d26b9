"""Writes of tracked links (R8.8): keep a post's links in step with its words, keep the team's
UTM tags, and count a click on a short link.

A click moves three things in one transaction: the link's own counter, the post's
`link_click_count` (the sum over its links) and one link-click event, so the counters always
equal the events. The target of a redirect is only ever an address stored from a post.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import Actor
from communa.core.errors import NotFound, PermissionRefused
from communa.core.events import EventKind, Viewer, record_event
from communa.core.links import is_web_address
from communa.walls.access import require_post_visible
from communa.walls.models import LinkTags, Post, PostStatus, TrackedLink
from communa.walls.tracking import (
    CODE_MAX_LENGTH,
    UTM_KEYS,
    digest_of,
    new_code,
    outbound_links,
    tag_url,
    tags_of,
)

_CODE_ATTEMPTS = 3


def track_links(post: Post) -> None:
    """Give each outbound link of the post its short code; a link no longer in the post keeps its
    row and clicks but stops redirecting. Call inside the writer's transaction, after the post's
    `body_html` and `link_url` are saved."""
    urls = outbound_links(post)
    wanted = {digest_of(url): (position, url) for position, url in enumerate(urls)}
    existing = {row.url_digest: row for row in TrackedLink.objects.filter(post=post)}
    gone = [row.pk for key, row in existing.items() if key not in wanted and row.in_post]
    if gone:
        TrackedLink.objects.filter(pk__in=gone).update(in_post=False)
    fresh: list[TrackedLink] = []
    for key, (position, url) in wanted.items():
        row = existing.get(key)
        if row is None:
            fresh.append(
                TrackedLink(post=post, url=url, url_digest=key, code=new_code(), position=position)
            )
        elif not row.in_post or row.position != position:
            TrackedLink.objects.filter(pk=row.pk).update(in_post=True, position=position)
    if fresh:
        _insert(fresh)


def _insert(rows: list[TrackedLink]) -> None:
    # Codes are random: a clash with an existing one is all but impossible, and then new codes
    # are drawn (inside a savepoint, so the writer's transaction goes on).
    for attempt in range(_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                TrackedLink.objects.bulk_create(rows)
        except IntegrityError:
            if attempt == _CODE_ATTEMPTS - 1:
                raise
            for row in rows:
                row.code = new_code()
        else:
            return


def require_link_tags_right(tags: dict[str, str] | None, *, team: bool) -> None:
    """Only the community's editors choose the UTM tags of a post's links."""
    if tags is None or team:
        return
    message = _("Only the community's editors may choose the tags of a post's links.")
    raise PermissionRefused(message, fields={field: [message] for field in tags})


def set_link_tags(post: Post, tags: dict[str, str] | None) -> None:
    """Keep the team's UTM tags for the post's links: the named ones change, "" means the
    default; a post left with no choice keeps no row. Inside the writer's transaction."""
    if tags is None:
        return
    row = LinkTags.objects.select_for_update().filter(post=post).first()
    values = {key: getattr(row, key) if row else "" for key in UTM_KEYS}
    values.update(tags)
    if not any(values.values()):
        LinkTags.objects.filter(post=post).delete()
        return
    LinkTags.objects.update_or_create(post=post, defaults={**values, "updated_at": timezone.now()})


def _count(link: TrackedLink, viewer: Viewer) -> None:
    with transaction.atomic():
        TrackedLink.objects.filter(pk=link.pk).update(click_count=F("click_count") + 1)
        Post.objects.filter(pk=link.post_id).update(link_click_count=F("link_click_count") + 1)
        record_event(EventKind.LINK_CLICK, viewer=viewer, post=link.post)


def follow_link(*, code: str, viewer: Viewer, actor: Actor) -> str:
    """Count a click on a short link and return the tagged address to send the person to.

    Only a link that is in a published post the person may read redirects; anything else (an
    unknown or altered code, a link an edit removed, a deleted, held or unpublished post, a wall
    closed to them) is the same 404. Known crawlers (link previews) are sent on, not counted.
    """
    if not code or len(code) > CODE_MAX_LENGTH:
        raise NotFound
    link = (
        TrackedLink.objects.select_related("post__community", "post__rubric")
        .filter(code=code)
        .first()
    )
    if link is None or not link.in_post or link.post.status != PostStatus.PUBLISHED:
        raise NotFound
    require_post_visible(actor, link.post)
    target = tag_url(link.url, tags_of(link.post))
    if not is_web_address(target):
        raise NotFound
    if not viewer.crawler:
        _count(link, viewer)
    return target


def click_post_link(*, viewer: Viewer, actor: Actor, post: Post) -> str:
    """Count a click on the post's own link (the card's `/p/<id>/go/` and the API's click) and
    return its tagged address; counted on its tracked link like a short link's click."""
    require_post_visible(actor, post)
    if not post.link_url or not is_web_address(post.link_url):
        raise PermissionRefused(_("This post has no link."))
    if post.status != PostStatus.PUBLISHED:
        raise PermissionRefused(_("This post is not published."))
    with transaction.atomic():
        link = _tracked(post)
        if link is None:
            # Rows written by another path than the actions: track the post's links now, under
            # the post's lock, as an edit does.
            post = Post.objects.select_for_update().get(pk=post.pk)
            track_links(post)
            link = _tracked(post)
        if link is None:
            raise PermissionRefused(_("This post has no link."))
        link.post = post
        _count(link, viewer)
    return tag_url(link.url, tags_of(post))


def _tracked(post: Post) -> TrackedLink | None:
    if not post.link_url or not is_web_address(post.link_url):
        return None
    key = digest_of(post.link_url)
    return TrackedLink.objects.filter(post=post, url_digest=key, in_post=True).first()

"""Reads of discussion boards, event attendance, documents and albums, and the event's .ics.

Every list is a keyset page read in one query (its authors or uploaders joined), after the
community lookup and the viewer's standing, so a page costs the same whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from communa import __version__
from communa.accounts.models import Actor
from communa.communities.models import Community, Kind
from communa.communities.permissions import MEMBERS, Action, Standing, require
from communa.core.errors import NotFound, PermissionRefused
from communa.core.pagination import Page, keyset_page
from communa.walls.access import require_topic_visible
from communa.walls.actions.boards import require_group
from communa.walls.comment_selectors import comments_page
from communa.walls.formatting import plain_text
from communa.walls.models import (
    Album,
    Attendance,
    AttendanceStatus,
    Comment,
    Document,
    Photo,
    Topic,
)

TOPIC_ORDER = ["-pinned", "-last_activity_at", "-id"]
NEWEST_FIRST = ["-created_at", "-id"]


# --- discussion topics ----------------------------------------------------------------------


def topics_page(
    *,
    actor: Actor,
    community: Community,
    cursor: str | None,
    limit: int,
    standing: Standing | None = None,
) -> Page[Topic]:
    """The board: pinned topics first, then the most recently active."""
    require(actor, Action.VIEW_WALL, community, standing=standing)
    topics = Topic.objects.filter(community=community, deleted_at__isnull=True)
    if getattr(actor, "is_authenticated", False):
        topics = topics.filter(Q(held=False) | Q(author=actor))
    else:
        topics = topics.filter(held=False)
    topics = topics.select_related("author")
    return keyset_page(topics, TOPIC_ORDER, cursor=cursor, limit=limit)


def topic_for(*, actor: Actor, topic_id: int) -> tuple[Topic, Standing]:
    """One topic with its community and author, or 404 when deleted or hidden from the actor."""
    topic = Topic.objects.select_related("community", "author").filter(pk=topic_id).first()
    if topic is None:
        raise NotFound
    return topic, require_topic_visible(actor, topic)


def topic_comments_page(
    *, actor: Actor, topic: Topic, cursor: str | None, limit: int
) -> Page[Comment]:
    """A topic's comments, oldest first, each with its replies."""
    return comments_page(actor=actor, topic=topic, cursor=cursor, limit=limit)


def topic_comment(*, topic: Topic, comment_id: int) -> Comment:
    """A comment of this topic (the one a reply answers), or 404."""
    comment = Comment.objects.filter(pk=comment_id, topic=topic).first()
    if comment is None:
        raise NotFound(_("The comment you reply to is gone."))
    return comment


# --- event attendance -----------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    """How many are going or might go, and the viewer's own answer ("" for none)."""

    going: int
    maybe: int
    mine: str


def require_event(community: Community) -> None:
    if community.kind != Kind.EVENT:
        raise PermissionRefused(_("Only events have attendance."))


def attendance_summary(
    *, actor: Actor, community: Community, standing: Standing | None = None
) -> AttendanceSummary:
    """The counts shown on an event's page, in one query."""
    require(actor, Action.SEE, community, standing=standing)
    require_event(community)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    mine = Q(user=actor) if signed_in else Q(pk__in=[])
    counts = Attendance.objects.filter(community=community).aggregate(
        going=Count("pk", filter=Q(status=AttendanceStatus.GOING)),
        maybe=Count("pk", filter=Q(status=AttendanceStatus.MAYBE)),
        mine=Max("status", filter=mine),
    )
    return AttendanceSummary(counts["going"] or 0, counts["maybe"] or 0, counts["mine"] or "")


def attendees_page(
    *,
    actor: Actor,
    community: Community,
    status: str,
    cursor: str | None,
    limit: int,
    standing: Standing | None = None,
) -> Page[Attendance]:
    """Who is going (or might go), latest answers first; the event's members see this list."""
    standing = require(actor, Action.SEE, community, standing=standing)
    require_event(community)
    if standing.relation not in MEMBERS:
        raise PermissionRefused(_("Only the event's members see who is going."))
    rows = Attendance.objects.filter(community=community, status=status).select_related("user")
    return keyset_page(rows, ["-updated_at", "-id"], cursor=cursor, limit=limit)


# --- documents ------------------------------------------------------------------------------


def documents_page(
    *,
    actor: Actor,
    community: Community,
    cursor: str | None,
    limit: int,
    standing: Standing | None = None,
) -> Page[Document]:
    """A group's documents, newest first."""
    require(actor, Action.VIEW_WALL, community, standing=standing)
    require_group(community)
    documents = Document.objects.filter(community=community).select_related("uploaded_by")
    return keyset_page(documents, NEWEST_FIRST, cursor=cursor, limit=limit)


def document_for(*, actor: Actor, document_id: int) -> Document:
    """One document, or 404 when missing or in a community the actor may not read."""
    document = Document.objects.select_related("community").filter(pk=document_id).first()
    if document is None:
        raise NotFound
    try:
        require(actor, Action.VIEW_WALL, document.community)
    except PermissionRefused as exc:
        raise NotFound from exc
    return document


# --- albums and photos ----------------------------------------------------------------------


def albums_page(
    *,
    actor: Actor,
    community: Community,
    cursor: str | None,
    limit: int,
    standing: Standing | None = None,
) -> Page[Album]:
    """A community's albums, newest first, each with the thumbnail of its latest photo."""
    require(actor, Action.VIEW_WALL, community, standing=standing)
    albums = with_cover(Album.objects.filter(community=community))
    return keyset_page(albums, NEWEST_FIRST, cursor=cursor, limit=limit)


def with_cover(albums: QuerySet[Album]) -> QuerySet[Album]:
    """Annotate each album with the thumbnail of its newest photo (its cover), in the same query."""
    latest = Photo.objects.filter(album=OuterRef("pk")).order_by(*NEWEST_FIRST)
    return albums.annotate(cover_thumbnail=Subquery(latest.values("thumbnail")[:1]))


def album_for(*, actor: Actor, album_id: int) -> tuple[Album, Standing]:
    """One album with its community, or 404 when missing or hidden from the actor."""
    album = with_cover(Album.objects.select_related("community").filter(pk=album_id)).first()
    if album is None:
        raise NotFound
    try:
        standing = require(actor, Action.VIEW_WALL, album.community)
    except PermissionRefused as exc:
        raise NotFound from exc
    return album, standing


def photos_page(*, album: Album, cursor: str | None, limit: int) -> Page[Photo]:
    """The photos of an album the actor may see (album_for checked that), newest first."""
    return keyset_page(Photo.objects.filter(album=album), NEWEST_FIRST, cursor=cursor, limit=limit)


def photo_for(*, actor: Actor, photo_id: int) -> Photo:
    """One photo with its album and community, or 404."""
    photo = Photo.objects.select_related("album", "album__community").filter(pk=photo_id).first()
    if photo is None:
        raise NotFound
    try:
        require(actor, Action.VIEW_WALL, photo.album.community)
    except PermissionRefused as exc:
        raise NotFound from exc
    return photo


# --- the event as an iCalendar file (RFC 5545) ----------------------------------------------


def ics_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters other than the line break are not allowed in TEXT.
    value = "".join(ch for ch in value if ch in {"\n", "\t"} or ord(ch) >= 32)
    value = value.replace("\x7f", "")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def ics_fold(line: str, limit: int = 75) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character.

    Each continuation starts with one space, which counts towards its 75 octets (§3.1).
    """
    pieces: list[bytes] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current)
            current = b" "
        current += encoded
    pieces.append(current)
    return "\r\n".join(piece.decode("utf-8") for piece in pieces)


def ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_calendar(*, actor: Actor, community: Community, url: str) -> str:
    """The event as a one-event calendar file, with CRLF line ends and folded lines."""
    require(actor, Action.SEE, community)
    if community.kind != Kind.EVENT:
        raise NotFound(_("Only events have a calendar file."))
    if community.event_starts_at is None:
        raise NotFound(_("This event has no date yet."))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Communa//Communa {__version__}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{community.slug}@communa",
        f"DTSTAMP:{ics_time(timezone.now())}",
        f"DTSTART:{ics_time(community.event_starts_at)}",
    ]
    # Without an end the event ends when it starts (RFC 5545 §3.6.1): better than a made-up end.
    if community.event_ends_at is not None and community.event_ends_at >= community.event_starts_at:
        lines.append(f"DTEND:{ics_time(community.event_ends_at)}")
    lines.append(f"SUMMARY:{ics_text(community.name)}")
    if community.event_place:
        lines.append(f"LOCATION:{ics_text(community.event_place)}")
    description = plain_text(community.description) if community.description else ""
    if description:
        lines.append(f"DESCRIPTION:{ics_text(description)}")
    lines += [f"URL:{url}", "END:VEVENT", "END:VCALENDAR"]
    return "".join(ics_fold(line) + "\r\n" for line in lines)

"""Writes of discussion boards, event attendance, group documents and photo albums (R4.5, R4.6).

Uploads are checked (type, size, pixels) and thumbnails made before the transaction starts, so
a refused file leaves nothing behind. Files of deleted rows are removed from storage only after
the transaction commits: a rolled-back delete never loses a file that a row still names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import Actor, User, signed_in
from communa.accounts.validation import FieldErrors
from communa.communities.models import Community, Kind
from communa.communities.permissions import Action, Standing, can, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import PermissionRefused, ValidationFailed
from communa.core.events import Viewer
from communa.core.gate import Screened, member_gate, text_gate
from communa.core.limits import limit_write
from communa.core.uploads import CheckedImage, check_document, check_image, make_thumbnail
from communa.walls.access import require_topic_visible
from communa.walls.actions.comments import add_comment
from communa.walls.formatting import render_markdown
from communa.walls.models import (
    Album,
    Attendance,
    AttendanceStatus,
    Comment,
    Document,
    Photo,
    Topic,
)

TITLE_MAX = 200
CAPTION_MAX = 300
ALBUM_DESCRIPTION_MAX = 2000
# One upload request adds at most this many photos; an album holds any number.
PHOTOS_PER_UPLOAD = 50


# --- shared ---------------------------------------------------------------------------------


def _clean_line(errors: FieldErrors, field: str, value: Any, *, required: bool, limit: int) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(
            field,
            _("At most %(max)d characters; this has %(count)d.")
            % {"max": limit, "count": len(text)},
        )
    if "\x00" in text:
        errors.add(field, _("The text contains a NUL character."))
    return text


def _clean_text(errors: FieldErrors, field: str, value: Any, *, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        errors.add(
            field,
            _("At most %(max)d characters; this has %(count)d.")
            % {"max": limit, "count": len(text)},
        )
    if "\x00" in text:
        errors.add(field, _("The text contains a NUL character."))
    return text


def _remove_files_after_commit(*files: FieldFile) -> None:
    """Delete stored files once the rows naming them are gone for good."""
    targets = [(file.storage, file.name) for file in files if file and file.name]

    def remove() -> None:
        for storage, name in targets:
            storage.delete(name)

    transaction.on_commit(remove)


# --- discussion topics (R4.5) ---------------------------------------------------------------


def _clean_topic(title: Any, body: Any) -> tuple[str, str]:
    errors = FieldErrors()
    clean_title = _clean_line(errors, "title", title, required=True, limit=TITLE_MAX)
    clean_body = _clean_text(errors, "body", body, limit=int_setting("POST_MAX_CHARS"))
    errors.raise_if_any()
    return clean_title, clean_body


def _screen_topic(
    actor: User,
    community: Community,
    standing: Standing,
    title: str,
    body: str,
    *,
    history: bool = True,
) -> Screened:
    """R5.1: the automatic checks on a topic's title and text (the team is not checked)."""
    return text_gate().screen(
        author=actor,
        community=community,
        texts={"title": title, "body": body},
        primary="body" if body.strip() else "title",
        exempt=can(actor, Action.MANAGE_POSTS, community, standing=standing),
        history=history,
    )


def start_topic(
    *, actor: User, community: Community, title: str, body: str = "", ip: str | None = None
) -> Topic:
    """Open a discussion on the community's board; its title says what it is about."""
    standing = require(actor, Action.VIEW_WALL, community)
    require(actor, Action.START_TOPIC, community, standing=standing)
    member_gate().require_not_muted(actor, community)
    clean_title, clean_body = _clean_topic(title, body)
    screened = _screen_topic(actor, community, standing, clean_title, clean_body)
    clean_title, clean_body = screened.texts["title"], screened.texts["body"]
    limit_write("post", actor=actor, ip=ip)
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            community=community,
            author=actor,
            title=clean_title,
            body=clean_body,
            body_html=render_markdown(clean_body) if clean_body else "",
            created_at=now,
            last_activity_at=now,
            held=screened.holds,
            language=screened.language,
        )
        if screened.holds:
            text_gate().hold(community=community, author=actor, target=topic, screened=screened)
        return topic


def _may_manage_topics(actor: Actor, topic: Topic, standing: Standing) -> bool:
    return can(actor, Action.MANAGE_TOPICS, topic.community, standing=standing)


def edit_topic(
    *, actor: User, topic: Topic, title: str | None = None, body: str | None = None
) -> Topic:
    """Change a topic's title or text: its author, or the community's moderators."""
    standing = require_topic_visible(actor, topic)
    team = _may_manage_topics(actor, topic, standing)
    own = signed_in(actor) and topic.author_id == actor.pk
    if not (own or team):
        raise PermissionRefused(_("Only the author or the moderators may edit this discussion."))
    if topic.held and text_gate().held_state(topic)[0] == "rejected":
        raise PermissionRefused(_("A moderator rejected this discussion; it can no longer change."))
    clean_title, clean_body = _clean_topic(
        topic.title if title is None else title, topic.body if body is None else body
    )
    screened = _screen_topic(
        actor, topic.community, standing, clean_title, clean_body, history=False
    )
    clean_title, clean_body = screened.texts["title"], screened.texts["body"]
    before = {"title": topic.title, "body": topic.body}
    with transaction.atomic():
        topic.title, topic.body = clean_title, clean_body
        topic.body_html = render_markdown(clean_body) if clean_body else ""
        topic.language = screened.language
        fields = ["title", "body", "body_html", "language"]
        if topic.held or screened.holds:
            # Edit and resubmit (R5.2): released when the checks pass, held again if not.
            text_gate().rehold(
                target=topic, screened=screened, community=topic.community, author=actor
            )
            topic.held = screened.holds
            fields.append("held")
        topic.save(update_fields=fields)
        if not own:
            record_audit(
                actor=actor,
                community=topic.community,
                action="topic.edit",
                target=topic,
                before=before,
                after={"title": clean_title, "body": clean_body},
            )
    return topic


def _set_topic_flag(*, actor: User, topic: Topic, field: str, value: bool, audit: str) -> Topic:
    standing = require_topic_visible(actor, topic)
    require(actor, Action.MANAGE_TOPICS, topic.community, standing=standing)
    with transaction.atomic():
        # A conditional update: of two moderators pressing the same button, one writes and audits.
        changed = (
            Topic.objects.filter(pk=topic.pk, deleted_at__isnull=True)
            .exclude(**{field: value})
            .update(**{field: value})
        )
        setattr(topic, field, value)
        if changed:
            record_audit(
                actor=actor,
                community=topic.community,
                action=audit,
                target=topic,
                before={field: not value},
                after={field: value},
            )
    return topic


def pin_topic(*, actor: User, topic: Topic) -> Topic:
    """Keep a topic at the top of the board (moderators)."""
    return _set_topic_flag(actor=actor, topic=topic, field="pinned", value=True, audit="topic.pin")


def unpin_topic(*, actor: User, topic: Topic) -> Topic:
    """Let a pinned topic take its place by activity again (moderators)."""
    return _set_topic_flag(
        actor=actor, topic=topic, field="pinned", value=False, audit="topic.unpin"
    )


def close_topic(*, actor: User, topic: Topic) -> Topic:
    """Close a discussion: it stays readable, new comments are refused (moderators)."""
    return _set_topic_flag(
        actor=actor, topic=topic, field="closed", value=True, audit="topic.close"
    )


def reopen_topic(*, actor: User, topic: Topic) -> Topic:
    """Open a closed discussion to comments again (moderators)."""
    return _set_topic_flag(
        actor=actor, topic=topic, field="closed", value=False, audit="topic.reopen"
    )


def delete_topic(*, actor: User, topic: Topic) -> None:
    """Remove a topic from the board (its author or the moderators); the row stays, marked."""
    standing = require_topic_visible(actor, topic)
    own = signed_in(actor) and topic.author_id == actor.pk
    if not (own or _may_manage_topics(actor, topic, standing)):
        raise PermissionRefused(_("Only the author or the moderators may delete this discussion."))
    now = timezone.now()
    with transaction.atomic():
        deleted = Topic.objects.filter(pk=topic.pk, deleted_at__isnull=True).update(deleted_at=now)
        topic.deleted_at = now
        if deleted and topic.held:
            text_gate().withdraw(topic)
        if deleted and not own:
            record_audit(
                actor=actor,
                community=topic.community,
                action="topic.delete",
                target=topic,
                before={"title": topic.title, "body": topic.body},
            )


def reply_in_topic(
    *,
    actor: User,
    topic: Topic,
    body: str,
    parent: Comment | None = None,
    viewer: Viewer | None = None,
    ip: str | None = None,
) -> Comment:
    """Comment in a discussion, or answer a comment there (a closed topic refuses both)."""
    return add_comment(actor=actor, topic=topic, body=body, parent=parent, viewer=viewer, ip=ip)


# --- event attendance (R4.6) ----------------------------------------------------------------


def _clean_status(status: Any) -> str:
    if status not in AttendanceStatus.values:
        raise ValidationFailed(
            fields={
                "status": [
                    _("Choose one of: %(choices)s.")
                    % {"choices": ", ".join(AttendanceStatus.values)}
                ]
            }
        )
    return str(status)


def set_attendance(*, actor: User, community: Community, status: str) -> Attendance:
    """Say whether one is going to an event or might go; saying it again changes the answer."""
    require(actor, Action.ATTEND, community)
    clean = _clean_status(status)
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                changed = Attendance.objects.filter(community=community, user=actor).update(
                    status=clean, updated_at=now
                )
                if changed:
                    return Attendance.objects.get(community=community, user=actor)
                return Attendance.objects.create(
                    community=community, user=actor, status=clean, updated_at=now
                )
        except IntegrityError:
            # Two answers of one person at once: the unique constraint let one insert win;
            # the second attempt updates that row.
            continue
    raise ValidationFailed(fields={"status": [_("Try again.")]})


def remove_attendance(*, actor: User, community: Community) -> None:
    """Withdraw one's answer (also after leaving the event's community)."""
    require(actor, Action.SEE, community)
    if community.kind != Kind.EVENT:
        raise PermissionRefused(_("Only events have attendance."))
    if not signed_in(actor):
        raise PermissionRefused(_("Log in first."))
    with transaction.atomic():
        Attendance.objects.filter(community=community, user=actor).delete()


# --- group documents (R4.6) -----------------------------------------------------------------


def require_group(community: Community) -> None:
    """Only groups have a documents section; say so to a public page or an event."""
    if community.kind != Kind.GROUP:
        raise PermissionRefused(
            _("Only groups have a documents section; public pages and events do not.")
        )


def add_document(
    *, actor: User, community: Community, upload: IO[bytes], title: str = "", name: str = ""
) -> Document:
    """Put a file in a group's documents section (the community's editors)."""
    require(actor, Action.MANAGE_MEDIA, community)
    require_group(community)
    checked = check_document(
        upload,
        field="file",
        name=name or getattr(upload, "name", "") or "document",
        max_bytes=int_setting("DOCUMENT_MAX_BYTES"),
    )
    errors = FieldErrors()
    clean_title = _clean_line(errors, "title", title, required=False, limit=TITLE_MAX)
    errors.raise_if_any()
    upload.seek(0)
    content = upload.read()
    with transaction.atomic():
        document = Document(
            community=community,
            title=clean_title or checked.name,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
        )
        document.file.save(checked.name, ContentFile(content), save=False)
        document.save()
    return document


def delete_document(*, actor: User, document: Document) -> None:
    """Remove a file from the documents section (the community's editors)."""
    require(actor, Action.MANAGE_MEDIA, document.community)
    with transaction.atomic():
        deleted, _rows = Document.objects.filter(pk=document.pk).delete()
        if deleted:
            record_audit(
                actor=actor,
                community=document.community,
                action="document.delete",
                target=document,
                before={"title": document.title, "size": document.size},
            )
            _remove_files_after_commit(document.file)


# --- photo albums (R4.6) --------------------------------------------------------------------


def _clean_album(title: Any, description: Any) -> tuple[str, str]:
    errors = FieldErrors()
    clean_title = _clean_line(errors, "title", title, required=True, limit=TITLE_MAX)
    clean_description = _clean_text(errors, "description", description, limit=ALBUM_DESCRIPTION_MAX)
    errors.raise_if_any()
    return clean_title, clean_description


def create_album(*, actor: User, community: Community, title: str, description: str = "") -> Album:
    """Start a photo album of the community (the community's editors)."""
    require(actor, Action.MANAGE_MEDIA, community)
    clean_title, clean_description = _clean_album(title, description)
    with transaction.atomic():
        return Album.objects.create(
            community=community,
            title=clean_title,
            description=clean_description,
            created_by=actor,
        )


@dataclass
class _CheckedPhoto:
    content: bytes
    checked: CheckedImage
    thumbnail: bytes
    thumbnail_extension: str


def _check_photos(uploads: list[IO[bytes]]) -> list[_CheckedPhoto]:
    if not uploads:
        raise ValidationFailed(fields={"photos": [_("Choose at least one photo.")]})
    if len(uploads) > PHOTOS_PER_UPLOAD:
        raise ValidationFailed(
            fields={
                "photos": [
                    _("Add at most %(max)d photos at once; you chose %(count)d.")
                    % {"max": PHOTOS_PER_UPLOAD, "count": len(uploads)}
                ]
            }
        )
    side = int_setting("THUMBNAIL_PIXELS")
    checked_photos = []
    for upload in uploads:
        checked = check_image(
            upload,
            field="photos",
            max_bytes=int_setting("POST_IMAGE_MAX_BYTES"),
            max_side=int_setting("POST_IMAGE_MAX_PIXELS"),
        )
        thumbnail, extension = make_thumbnail(upload, max_side=side)
        upload.seek(0)
        checked_photos.append(_CheckedPhoto(upload.read(), checked, thumbnail, extension))
    return checked_photos


def add_photos(
    *, actor: User, album: Album, uploads: list[IO[bytes]], caption: str = ""
) -> list[Photo]:
    """Add photos to an album, each with its thumbnail; the album's count follows exactly."""
    require(actor, Action.MANAGE_MEDIA, album.community)
    errors = FieldErrors()
    clean_caption = _clean_line(errors, "caption", caption, required=False, limit=CAPTION_MAX)
    errors.raise_if_any()
    checked_photos = _check_photos(uploads)
    now = timezone.now()
    with transaction.atomic():
        photos = []
        for item in checked_photos:
            photo = Photo(
                album=album,
                width=item.checked.width,
                height=item.checked.height,
                caption=clean_caption,
                uploaded_by=actor,
                created_at=now,
            )
            photo.image.save(
                f"photo.{item.checked.extension}", ContentFile(item.content), save=False
            )
            photo.thumbnail.save(
                f"thumb.{item.thumbnail_extension}", ContentFile(item.thumbnail), save=False
            )
            photos.append(photo)
        Photo.objects.bulk_create(photos)
        Album.objects.filter(pk=album.pk).update(photo_count=F("photo_count") + len(photos))
    return photos


def delete_photo(*, actor: User, photo: Photo) -> None:
    """Remove a photo from its album (the community's editors)."""
    album = photo.album
    require(actor, Action.MANAGE_MEDIA, album.community)
    with transaction.atomic():
        deleted, _rows = Photo.objects.filter(pk=photo.pk).delete()
        # Only the request that removed the row lowers the count, so it stays exact.
        if deleted:
            Album.objects.filter(pk=album.pk).update(photo_count=F("photo_count") - 1)
            record_audit(
                actor=actor, community=album.community, action="photo.delete", target=photo
            )
            _remove_files_after_commit(photo.image, photo.thumbnail)


def delete_album(*, actor: User, album: Album) -> None:
    """Remove an album with all its photos (the community's editors)."""
    require(actor, Action.MANAGE_MEDIA, album.community)
    with transaction.atomic():
        files: list[FieldFile] = []
        for photo in Photo.objects.filter(album=album).only("image", "thumbnail"):
            files += [photo.image, photo.thumbnail]
        deleted, _rows = Album.objects.filter(pk=album.pk).delete()
        if deleted:
            record_audit(
                actor=actor,
                community=album.community,
                action="album.delete",
                target=album,
                before={"title": album.title, "photo_count": album.photo_count},
            )
            _remove_files_after_commit(*files)

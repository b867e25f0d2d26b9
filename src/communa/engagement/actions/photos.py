"""Photo contests (R6.2): members send photos while the contest is open and vote for the others'.

A photo is checked like a post image (type, size, dimensions: core.uploads with walls' limits).
A vote is one row that the database keeps unique per member and per entry (or per contest, as
the rules say), so two votes sent at the same instant count once: the second is answered as
already done (the same entry) or refused with a 409 (another entry), never a 500. Entries and
votes take the contest's row lock, so none slips in after the worker closed the contest.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from communa.communities.permissions import Action, active_block, require
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.limits import limit_write
from communa.core.uploads import check_image, make_thumbnail
from communa.engagement.actions.draws import personal_refusal
from communa.engagement.models import (
    Contest,
    ContestEntry,
    ContestKind,
    ContestState,
    ContestVote,
    VoteScope,
)


def _open_photo_contest(contest: Contest, *, doing: str) -> Contest:
    """The contest, locked, if it takes photos and votes now."""
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if locked.kind != ContestKind.PHOTO:
        raise Conflict(_("This contest takes no photos: it is a draw."))
    if locked.state != ContestState.OPEN:
        if locked.reached(ContestState.CLOSED):
            raise Conflict(_("The contest closed: %(doing)s is over.") % {"doing": doing})
        raise Conflict(_("The contest is not open yet."))
    return locked


def _may_take_part(actor: Any, contest: Contest) -> None:
    require(actor, Action.TAKE_PART, contest.community)
    if active_block(contest.community, actor) is not None:
        # A block normally ends the membership; one written beside it still refuses.
        raise PermissionRefused(_("You are blocked in this community."))
    refusal = personal_refusal(contest, actor)
    if refusal:
        raise PermissionRefused(refusal)


def submit_photo(
    *,
    actor: Any,
    contest: Contest,
    upload: IO[bytes],
    caption: str = "",
    viewer: Viewer | None = None,
) -> ContestEntry:
    """Enter a photo in an open photo contest (up to CONTEST_MAX_ENTRIES_PER_MEMBER each)."""
    _may_take_part(actor, contest)
    limit_write("take_part", actor=actor)
    caption = " ".join(str(caption or "").split())
    if len(caption) > int_setting("CONTEST_CAPTION_MAX_CHARS"):
        raise ValidationFailed(
            fields={
                "caption": [
                    _("At most %(n)d characters.") % {"n": int_setting("CONTEST_CAPTION_MAX_CHARS")}
                ]
            }
        )
    checked = check_image(
        upload,
        field="photo",
        max_bytes=int_setting("POST_IMAGE_MAX_BYTES"),
        max_side=int_setting("POST_IMAGE_MAX_PIXELS"),
    )
    thumb_bytes, thumb_ext = make_thumbnail(upload, max_side=int_setting("THUMBNAIL_PIXELS"))
    with transaction.atomic():
        locked = _open_photo_contest(contest, doing=_("sending photos"))
        limit = int_setting("CONTEST_MAX_ENTRIES_PER_MEMBER")
        if ContestEntry.objects.filter(contest=locked, user=actor).count() >= limit:
            raise Conflict(
                _("You have sent the most photos allowed: %(n)d.") % {"n": limit},
                fields={"photo": [_("At most %(n)d photos per member.") % {"n": limit}]},
            )
        last = ContestEntry.objects.filter(contest=locked).aggregate(n=Max("number"))["n"] or 0
        entry = ContestEntry(
            contest=locked,
            user=actor,
            number=last + 1,
            name=actor.username,
            caption=caption,
            width=checked.width,
            height=checked.height,
        )
        upload.seek(0)
        entry.photo.save(f"photo.{checked.extension}", ContentFile(upload.read()), save=False)
        entry.thumbnail.save(f"thumb.{thumb_ext}", ContentFile(thumb_bytes), save=False)
        entry.save()
        record_event(
            EventKind.ENTRY,
            viewer=viewer or viewer_for_user(actor),
            community_id=locked.community_id,
        )
    return entry


def vote_for_entry(
    *, actor: Any, entry: ContestEntry, viewer: Viewer | None = None
) -> tuple[ContestEntry, bool]:
    """Vote for a photo; the entry and whether this call counted a new vote (a repeat of the
    same vote is no error and counts nothing)."""
    contest = entry.contest
    _may_take_part(actor, contest)
    if entry.user_id == actor.pk:
        raise PermissionRefused(_("You cannot vote for your own photo."))
    if entry.excluded:
        raise NotFound
    limit_write("take_part", actor=actor)
    with transaction.atomic():
        locked = _open_photo_contest(contest, doing=_("voting"))
        slot = entry.pk if locked.vote_scope == VoteScope.ENTRY else 0
        try:
            with transaction.atomic():
                ContestVote.objects.create(contest=locked, entry=entry, voter=actor, slot=slot)
        except IntegrityError:
            earlier = ContestVote.objects.filter(contest=locked, voter=actor, slot=slot).first()
            if earlier is not None and earlier.entry_id != entry.pk:
                number = ContestEntry.objects.filter(pk=earlier.entry_id).values_list(
                    "number", flat=True
                )
                raise Conflict(
                    _(
                        "You have already voted in this contest, for entry #%(n)s: take that"
                        " vote back first."
                    )
                    % {"n": number.first()}
                ) from None
            entry.refresh_from_db(fields=["vote_count"])
            return entry, False
        ContestEntry.objects.filter(pk=entry.pk).update(vote_count=F("vote_count") + 1)
        record_event(
            EventKind.CONTEST_VOTE,
            viewer=viewer or viewer_for_user(actor),
            community_id=locked.community_id,
        )
    entry.refresh_from_db(fields=["vote_count"])
    return entry, True


def take_back_vote(*, actor: Any, entry: ContestEntry) -> ContestEntry:
    """Take back one's vote for a photo while the contest is open (nothing to take back is fine)."""
    require(actor, Action.TAKE_PART, entry.contest.community)
    with transaction.atomic():
        _open_photo_contest(entry.contest, doing=_("voting"))
        deleted, _rows = ContestVote.objects.filter(entry=entry, voter=actor).delete()
        if deleted:
            ContestEntry.objects.filter(pk=entry.pk).update(vote_count=F("vote_count") - deleted)
    entry.refresh_from_db(fields=["vote_count"])
    return entry

"""Every write of benchmarks: import and delete a watched page, import reaction events.

Who may write (ADR 0016): the people who plan content (PLAN_CONTENT: owner, administrators,
editors) import and delete watched pages; analysts read them (VIEW_STATISTICS) but, as R2.5
says, only see. Reaction events make placeholder members, so only the owner and administrators
(EDIT_SETTINGS) import them. The command line runs as the server's operator (`operator=True`):
whoever can run it already holds the database, so no role is asked, and the audit entry names
nobody in particular.

Each import parses the whole file first (nothing written) and then writes in one transaction,
so a bad row, a database error or a concurrent import of the same name leaves the previous
state whole.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.actions import placeholder_accounts
from communa.accounts.models import Actor
from communa.analytics.benchmarks.parsers import (
    ACTIVITY_FORMATS,
    parse_klout,
    parse_posts,
)
from communa.analytics.models import (
    ActivityImport,
    Event,
    ImportedPerson,
    WatchedPage,
    WatchedPost,
)
from communa.communities.actions import enrol_placeholder_members
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.events import EventKind

WEEK = timedelta(days=7)


def _clean_name(name: str, field: str = "name") -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > 120:
        raise ValidationFailed(fields={field: [_("Give a name of 1 to 120 characters.")]})
    return cleaned


def _check_size(data: bytes) -> None:
    most = int_setting("IMPORT_MAX_BYTES")
    if len(data) > most:
        raise ValidationFailed(
            fields={
                "file": [
                    _("The file has %(size)d bytes; at most %(most)d are read.")
                    % {"size": len(data), "most": most}
                ]
            }
        )
    if not data.strip():
        raise ValidationFailed(fields={"file": [_("The file is empty.")]})


def read_upload(upload: Any) -> bytes:
    """An uploaded file's bytes, refused by its size before it is read."""
    size = getattr(upload, "size", None)
    most = int_setting("IMPORT_MAX_BYTES")
    if size is not None and size > most:
        raise ValidationFailed(
            fields={
                "file": [
                    _("The file has %(size)d bytes; at most %(most)d are read.")
                    % {"size": size, "most": most}
                ]
            }
        )
    data: bytes = upload.read(most + 1)
    return data


def _check_year(year: int | None) -> None:
    if year is not None and not 1970 <= year <= 2100:
        raise ValidationFailed(fields={"year": [_("Give a year between 1970 and 2100.")]})


def import_watched_page(
    *,
    actor: Actor,
    community: Community,
    name: str,
    source_format: str,
    data: bytes,
    file_name: str = "",
    mapping: Mapping[str, Any] | None = None,
    year: int | None = None,
    operator: bool = False,
) -> WatchedPage:
    """Read an export into the watched page of this name: a new page, or, when the community
    watches one of that name already, the page's posts replaced by the file's, all at once."""
    if not operator:
        require(actor, Action.PLAN_CONTENT, community)
    name = _clean_name(name)
    _check_year(year)
    _check_size(data)
    parsed = parse_posts(data, source_format, mapping)  # raises before anything is written
    if not parsed:
        raise ValidationFailed(fields={"file": [_("The file holds no posts.")]})
    with transaction.atomic():
        page = (
            WatchedPage.objects.select_for_update().filter(community=community, name=name).first()
        )
        replaced = 0
        if page is None:
            page = WatchedPage(community=community, name=name)
        else:
            replaced, _rows = WatchedPost.objects.filter(page=page).delete()
        page.source_format = source_format
        page.file_name = (file_name or "")[-200:]
        page.year = year
        page.imported_at = timezone.now()
        page.imported_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[assignment]
        page.save()
        WatchedPost.objects.bulk_create(
            [WatchedPost(page=page, row=post.row, **post.values) for post in parsed],
            batch_size=1000,
        )
        record_audit(
            actor=actor,
            action="benchmark.import",
            community=community,
            target=page,
            after={
                "name": name,
                "format": source_format,
                "posts": len(parsed),
                "replaced": replaced,
            },
        )
    page.imported_posts = len(parsed)  # type: ignore[attr-defined]
    return page


def delete_watched_page(*, actor: Actor, page: WatchedPage, operator: bool = False) -> None:
    """Stop watching a page: it goes with its posts."""
    if not operator:
        require(actor, Action.PLAN_CONTENT, page.community)
    with transaction.atomic():
        posts = WatchedPost.objects.filter(page=page).count()
        record_audit(
            actor=actor,
            action="benchmark.delete",
            community=page.community,
            target=page,
            before={"name": page.name, "posts": posts},
        )
        WatchedPage.objects.filter(pk=page.pk).delete()


@dataclass(frozen=True)
class ActivityImported:
    """What an activity import did."""

    name: str
    events: int
    people: int
    joined: int
    shifted_weeks: int


def _placeholder_name(community: Community, source: ActivityImport, person: str) -> str:
    digest = hashlib.sha256(f"{community.pk}:{source.pk}:{person}".encode()).hexdigest()[:16]
    return f"imported-{digest}"


def _zone_of_each(reactions: list[Any]) -> dict[str, str]:
    """Each person's zone: the one most of their rows name (the first named on a tie); rows
    that name no zone count for none."""
    seen: dict[str, Counter[str]] = {}
    first: dict[tuple[str, str], int] = {}
    for index, reaction in enumerate(reactions):
        seen.setdefault(reaction.person, Counter())
        if reaction.zone:
            seen[reaction.person][reaction.zone] += 1
            first.setdefault((reaction.person, reaction.zone), index)
    zones: dict[str, str] = {}
    for person, counts in seen.items():
        if not counts:
            zones[person] = ""
            continue
        zones[person] = min(counts, key=lambda zone: (-counts[zone], first[(person, zone)]))
    return zones


def whole_weeks_to_now(latest: datetime, now: datetime) -> int:
    """Whole weeks that bring `latest` into the week before `now` (weekday and UTC hour kept)."""
    return max(0, math.floor((now - latest) / WEEK))


def import_activity(
    *,
    actor: Actor,
    community: Community,
    source_format: str,
    data: bytes,
    name: str,
    file_name: str = "",
    recent: bool = False,
    operator: bool = False,
) -> ActivityImported:
    """Import reaction events as likes of placeholder members (ADR 0016): the best-time grid
    reads them as it reads anyone's; they touch no post and no post counter. Importing the same
    name again replaces its events. `recent` moves every moment by the whole weeks that bring the
    latest into the last week, so the grid of the last weeks shows them."""
    if not operator:
        require(actor, Action.EDIT_SETTINGS, community)
    name = _clean_name(name)
    if source_format not in ACTIVITY_FORMATS:
        raise ValidationFailed(
            fields={
                "format": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(ACTIVITY_FORMATS)}
                ]
            }
        )
    _check_size(data)
    reactions = parse_klout(data)
    weeks = 0
    if recent:
        weeks = whole_weeks_to_now(max(r.at for r in reactions), timezone.now())
    shift = weeks * WEEK
    zones = _zone_of_each(reactions)
    with transaction.atomic():
        source, _created = ActivityImport.objects.select_for_update().get_or_create(
            community=community, name=name, defaults={"source_format": source_format}
        )
        known = {
            p.external_id: p
            for p in ImportedPerson.objects.filter(source=source).select_related("user")
        }
        # The events of the earlier import of this name go; its people stay (the same ids).
        Event.objects.filter(
            community=community, user_id__in=[p.user_id for p in known.values()]
        ).delete()
        usernames = {person: _placeholder_name(community, source, person) for person in zones}
        users = placeholder_accounts(
            zones={usernames[person]: zone for person, zone in zones.items()}
        )
        ImportedPerson.objects.bulk_create(
            [
                ImportedPerson(
                    community=community,
                    external_id=person,
                    user=users[usernames[person]],
                    source=source,
                )
                for person in zones
                if person not in known
            ],
            batch_size=500,
        )
        joined = enrol_placeholder_members(
            community=community, users=[users[usernames[person]] for person in zones]
        )
        Event.objects.bulk_create(
            [
                Event(
                    kind=EventKind.LIKE,
                    community=community,
                    user=users[usernames[r.person]],
                    viewer=f"u{users[usernames[r.person]].pk}",
                    at=(r.at + shift).astimezone(UTC),
                )
                for r in reactions
            ],
            batch_size=1000,
        )
        source.source_format = source_format
        source.file_name = (file_name or "")[-200:]
        source.events = len(reactions)
        source.imported_at = timezone.now()
        source.save()
        record_audit(
            actor=actor,
            action="activity.import",
            community=community,
            target=source,
            after={
                "name": name,
                "events": len(reactions),
                "people": len(zones),
                "shifted_weeks": weeks,
            },
        )
    return ActivityImported(name, len(reactions), len(zones), joined, weeks)

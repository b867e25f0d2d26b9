"""Words for the audit log (R5.6): actions, fields, values, and the objects entries are about.

The log stores codes and raw values as they were; this module turns them into what a person
reads, in the viewer's language and time zone. Objects are looked up by the model label the
entry stored (one query per kind of object on a page), so a name is today's and a link is only
given to what still exists and is shown to the team.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.communities.models import (
    Community,
    OwnershipTransfer,
    Role,
    VerificationRequest,
)
from communa.core.gate import ReportReason
from communa.core.models import AuditEntry
from communa.moderation.filters import CATEGORIES
from communa.moderation.models import Outcome, SanctionAction
from communa.moderation.screening import CATEGORY_LABELS

# What each recorded action means, for people; an action missing here shows its code.
ACTION_LABELS: dict[str, Promise] = {
    "community.create": gettext_lazy("Created the community"),
    "community.update": gettext_lazy("Changed the settings"),
    "community.convert": gettext_lazy("Converted the community"),
    "community.cover": gettext_lazy("Replaced the cover"),
    "community.avatar": gettext_lazy("Replaced the avatar"),
    "community.verification_request": gettext_lazy("Asked for the verified mark"),
    "verification.approve": gettext_lazy("Verified mark granted"),
    "verification.reject": gettext_lazy("Verified mark refused"),
    "wiki.create": gettext_lazy("Added a wiki page"),
    "wiki.update": gettext_lazy("Edited a wiki page"),
    "wiki.delete": gettext_lazy("Deleted a wiki page"),
    "request.approve": gettext_lazy("Approved a join request"),
    "request.reject": gettext_lazy("Rejected a join request"),
    "invitation.send": gettext_lazy("Sent invitations"),
    "invitation.cancel": gettext_lazy("Cancelled an invitation"),
    "member.block": gettext_lazy("Blocked a member"),
    "member.unblock": gettext_lazy("Unblocked a member"),
    "team.role": gettext_lazy("Changed a role"),
    "team.leave": gettext_lazy("Left the team"),
    "ownership.request": gettext_lazy("Started an ownership handover"),
    "ownership.cancel": gettext_lazy("Cancelled an ownership handover"),
    "ownership.complete": gettext_lazy("Ownership handed over"),
    "ownership.void": gettext_lazy("Ownership handover voided"),
    "post.publish": gettext_lazy("Published a post"),
    "post.edit": gettext_lazy("Edited a post"),
    "post.delete": gettext_lazy("Deleted a post"),
    "post.clone": gettext_lazy("Cloned a post"),
    "post.pin": gettext_lazy("Pinned a post"),
    "post.unpin": gettext_lazy("Unpinned a post"),
    "suggestion.publish": gettext_lazy("Published a suggested post"),
    "suggestion.reject": gettext_lazy("Rejected a suggested post"),
    "comment.delete": gettext_lazy("Deleted a comment"),
    "topic.edit": gettext_lazy("Edited a discussion"),
    "topic.delete": gettext_lazy("Deleted a discussion"),
    "topic.pin": gettext_lazy("Pinned a discussion"),
    "topic.unpin": gettext_lazy("Unpinned a discussion"),
    "topic.close": gettext_lazy("Closed a discussion"),
    "topic.reopen": gettext_lazy("Reopened a discussion"),
    "document.delete": gettext_lazy("Deleted a document"),
    "album.delete": gettext_lazy("Deleted an album"),
    "photo.delete": gettext_lazy("Deleted a photo"),
    "rubric.create": gettext_lazy("Added a rubric"),
    "rubric.update": gettext_lazy("Changed a rubric"),
    "plan.create": gettext_lazy("Added a content plan"),
    "plan.update": gettext_lazy("Changed a content plan"),
    "plan.delete": gettext_lazy("Deleted a content plan"),
    "plan.copy": gettext_lazy("Copied a content plan here"),
    "slot.create": gettext_lazy("Added a slot to a plan"),
    "slot.update": gettext_lazy("Changed a slot of a plan"),
    "slot.delete": gettext_lazy("Removed a slot from a plan"),
    "promotion.create": gettext_lazy("Added a promotion"),
    "promotion.update": gettext_lazy("Changed a promotion"),
    "promotion.delete": gettext_lazy("Deleted a promotion"),
    "mix_targets.update": gettext_lazy("Changed the mix targets"),
    "report.uphold": gettext_lazy("Upheld a report (content removed)"),
    "report.dismiss": gettext_lazy("Dismissed a report (content kept)"),
    "playbook.update": gettext_lazy("Changed the playbook"),
    "playbook.warn": gettext_lazy("Warned a member (playbook)"),
    "playbook.mute": gettext_lazy("Muted a member (playbook)"),
    "playbook.block": gettext_lazy("Blocked a member (playbook)"),
    "playbook.lift": gettext_lazy("Lifted a sanction"),
    "filters.update": gettext_lazy("Changed the automatic checks"),
    "held.approve": gettext_lazy("Approved a held item"),
    "held.reject": gettext_lazy("Rejected a held item"),
    "held.delete": gettext_lazy("Deleted a held item"),
    # Engagement (R6)
    "poll.create": gettext_lazy("Opened a poll"),
    "poll.update": gettext_lazy("Changed a poll"),
    "poll.close": gettext_lazy("Closed a poll"),
    "poll.delete": gettext_lazy("Deleted a poll"),
    "contest.create": gettext_lazy("Wrote a contest"),
    "contest.update": gettext_lazy("Changed a contest's rules"),
    "contest.announce": gettext_lazy("Announced a contest"),
    "contest.correct": gettext_lazy("Corrected a contest's rules"),
    "contest.delete": gettext_lazy("Deleted a contest"),
    "contest.prize_delivered": gettext_lazy("Marked a prize delivered"),
    "form.create": gettext_lazy("Made a form"),
    "form.update": gettext_lazy("Changed a form"),
    "form.delete": gettext_lazy("Deleted a form"),
    "form.field_add": gettext_lazy("Added a question to a form"),
    "form.field_update": gettext_lazy("Changed a question of a form"),
    "form.field_delete": gettext_lazy("Removed a question from a form"),
    "form.fields_reorder": gettext_lazy("Reordered a form's questions"),
    "form.response_decide": gettext_lazy("Decided on an application"),
    "guide.create": gettext_lazy("Made a guide"),
    "guide.update": gettext_lazy("Changed a guide"),
    "guide.delete": gettext_lazy("Deleted a guide"),
    "guide.module_add": gettext_lazy("Added a module to a guide"),
    "guide.module_update": gettext_lazy("Changed a module of a guide"),
    "guide.module_delete": gettext_lazy("Removed a module from a guide"),
    "guide.modules_reorder": gettext_lazy("Reordered a guide's modules"),
    "guide.step_add": gettext_lazy("Added a step to a guide"),
    "guide.step_update": gettext_lazy("Changed a step of a guide"),
    "guide.step_delete": gettext_lazy("Removed a step from a guide"),
    "guide.steps_reorder": gettext_lazy("Reordered a module's steps"),
    "recognition.badge.award": gettext_lazy("Gave a badge"),
    "recognition.badge.revoke": gettext_lazy("Took back a badge"),
    "recognition.month.compute": gettext_lazy("Computed a month's leaders"),
    "recognition.rule.create": gettext_lazy("Added a badge rule"),
    "recognition.rule.update": gettext_lazy("Changed a badge rule"),
    "recognition.rule.delete": gettext_lazy("Deleted a badge rule"),
    "recognition.settings": gettext_lazy("Changed the recognition settings"),
}

# The before/after keys the actions record; community settings use the model's own names.
FIELD_LABELS: dict[str, Promise] = {
    "reason": gettext_lazy("Reason"),
    "checks": gettext_lazy("Checks"),
    "steps": gettext_lazy("Steps"),
    "default": gettext_lazy("Default steps"),
    "user": gettext_lazy("Member"),
    "action": gettext_lazy("Sanction"),
    "step": gettext_lazy("Step"),
    "offences": gettext_lazy("Offences"),
    "ends_at": gettext_lazy("Ends"),
    "owner": gettext_lazy("Owner"),
    "to": gettext_lazy("New owner"),
    "effective_at": gettext_lazy("Takes effect"),
    "title": gettext_lazy("Title"),
    "body": gettext_lazy("Text"),
    "size": gettext_lazy("Size"),
    "photo_count": gettext_lazy("Photos"),
    "role": gettext_lazy("Role"),
    "kind": gettext_lazy("Kind"),
    "invitees": gettext_lazy("Invited people"),
    "reviewed_by": gettext_lazy("Reviewed by"),
    "reviewed_at": gettext_lazy("Reviewed at"),
    "review_reason": gettext_lazy("Reason of the review"),
    "outcomes": gettext_lazy("What each check does"),
    "stop_words": gettext_lazy("Stop words and phrases"),
    "spam_domains": gettext_lazy("Spam sites"),
    "allowed_link_domains": gettext_lazy("Sites always allowed"),
    "max_links": gettext_lazy("Most links in one text"),
    "max_mentions": gettext_lazy("Most people mentioned in one text"),
    "copied_from": gettext_lazy("Copied from"),
    "rubrics_added": gettext_lazy("Rubrics added"),
    "slots": gettext_lazy("Slots"),
}

# Values that are codes of a known list, shown by their words.
_CHOICES: dict[str, dict[str, Any]] = {
    "role": dict(Role.choices),
    "action": dict(SanctionAction.choices),
    "reason": dict(ReportReason.choices),
    "checks": dict(CATEGORY_LABELS),
}

_SHOWN_VALUE = 80


def action_label(code: str) -> str:
    """The words for a recorded action, or its code when it has none yet."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def target_type_label(label: str) -> str:
    """ "walls.post" → "Post": the model's own name, or the label when the model is gone."""
    try:
        return capfirst(str(apps.get_model(label)._meta.verbose_name))
    except (LookupError, ValueError):
        return label


def _model_field(label: str, name: str) -> models.Field[Any, Any] | None:
    for model_label in (label, "communities.community"):
        try:
            field = apps.get_model(model_label)._meta.get_field(name)
        except (LookupError, ValueError, FieldDoesNotExist):
            continue
        if isinstance(field, models.Field):
            return field
    return None


def field_label(name: str, target_type: str = "") -> str:
    """The words for a recorded field: ours, else the model's verbose name, else the name."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    field = _model_field(target_type, name) if target_type else _model_field("", name)
    if field is not None and field.verbose_name:
        return capfirst(str(field.verbose_name))
    return capfirst(name.replace("_", " "))


def _moment(value: str) -> datetime | None:
    if "T" not in value and " " not in value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _one_value(value: Any, choices: dict[str, Any] | None) -> str:
    if value is None:
        text = "—"
    elif isinstance(value, bool):
        text = _("Yes") if value else _("No")
    elif isinstance(value, str):
        moment = _moment(value)
        if choices and value in choices:
            text = str(choices[value])
        elif moment is not None:
            text = date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        else:
            text = value
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text


def shown_value(name: str, value: Any, target_type: str = "") -> str:
    """A value for people: words for codes and yes/no, local dates, lists joined, kept short."""
    choices = _CHOICES.get(name)
    if choices is None and target_type:
        field = _model_field(target_type, name)
        if field is not None and field.choices:
            choices = {str(k): v for k, v in field.flatchoices}
    if name == "outcomes" and isinstance(value, dict):
        outcomes = dict(Outcome.choices)
        text = "; ".join(
            f"{CATEGORY_LABELS.get(k, k) if k in CATEGORIES else k}: {outcomes.get(v, v)}"
            for k, v in value.items()
        )
    elif isinstance(value, (list, tuple)):
        text = ", ".join(_one_value(v, choices) for v in value) if value else ""
    else:
        text = _one_value(value, choices)
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


# --- the objects entries are about -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What an entry is about, as the page shows it: its kind, its name, a link if it is there."""

    kind: str
    name: str
    url: str | None = None
    gone: bool = False


def _short(text: str, size: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _content(obj: Any, community: Community) -> tuple[str, str | None]:
    """A post, comment or discussion: its words, and a link while the team can open it."""
    if obj is None or getattr(obj, "community_id", community.pk) not in (community.pk, None):
        return "", None
    meta = obj._meta.label_lower
    if meta == "walls.post":
        name = _short(obj.title or obj.body)
        return name, _url("walls:post", obj.pk) if obj.status == "published" else None
    if meta == "walls.comment":
        name = _short(obj.body)
        if obj.status != "visible":
            return name, None
        if obj.post_id:
            url = _url("walls:post", obj.post_id)
        elif obj.topic_id:
            url = _url("walls:topic", obj.topic_id)
        else:
            url = None
        return name, f"{url}#comment-{obj.pk}" if url else None
    if meta == "walls.topic":
        return _short(obj.title), _url("walls:topic", obj.pk) if obj.deleted_at is None else None
    return _short(str(obj)), None


def _person(user: Any) -> str:
    return f"{user.shown_name} (@{user.username})"


# Rows about one person, and where that person is.
_PERSON_OF = {
    "accounts.user": "self",
    "communities.membership": "user",
    "communities.joinrequest": "user",
    "communities.block": "user",
    "communities.invitation": "invitee",
}


def _plain_name(obj: Any) -> str | None:
    """Rows named by the person or community they are about (their own names are ids)."""
    person = _PERSON_OF.get(obj._meta.label_lower)
    if person is not None:
        return _person(obj if person == "self" else getattr(obj, person))
    if isinstance(obj, OwnershipTransfer):
        return f"{_person(obj.from_user)} → {_person(obj.to_user)}"
    if isinstance(obj, VerificationRequest):
        return str(obj.community.name)
    if obj._meta.label_lower == "moderation.sanction":
        return _("%(action)s for %(name)s") % {
            "action": SanctionAction(obj.action).label,
            "name": obj.user.shown_name,
        }
    return None


def _report_name(report: Any, community: Community) -> tuple[str, str | None]:
    reason = str(ReportReason(report.reason).label) if report.reason in ReportReason.values else ""
    about, url = _content(report.post or report.comment, community)
    name = _("Report by %(name)s (%(reason)s)") % {
        "name": report.reporter.shown_name,
        "reason": reason,
    }
    return (f"{name}: {about}" if about else name), url


def _name_of(obj: Any, community: Community) -> tuple[str, str | None]:
    """The object's name today, and a link when it is a page the team can open."""
    meta = obj._meta.label_lower
    plain = _plain_name(obj)
    if plain is not None:
        return plain, None
    if meta == "communities.community":
        return obj.name, _url("communities:home", obj.slug) if obj.pk == community.pk else None
    if meta == "moderation.report":
        return _report_name(obj, community)
    if meta in ("walls.post", "walls.comment", "walls.topic"):
        name, url = _content(obj, community)
        return name or str(obj), url
    return _short(str(obj)), None


# What to load with each kind of object, so naming a page of them costs one query per kind.
_RELATED = {
    "moderation.report": ("reporter", "post", "comment"),
    "moderation.sanction": ("user",),
    "communities.membership": ("user",),
    "communities.joinrequest": ("user",),
    "communities.block": ("user",),
    "communities.invitation": ("invitee",),
    "communities.ownershiptransfer": ("from_user", "to_user"),
    "communities.verificationrequest": ("community",),
}


def targets_of(entries: Iterable[AuditEntry], community: Community) -> dict[int, Target]:
    """Each entry's object, named as it is today; a removed one says so and has no link."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.target_type and entry.target_id:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    found: dict[tuple[str, str], Any] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        keys = [int(i) for i in ids if i.isdigit()]
        if not keys:
            continue
        rows = model._default_manager.filter(pk__in=keys)
        related = [name for name in _RELATED.get(label, ()) if name]
        if related:
            rows = rows.select_related(*related)
        for obj in rows:
            found[(label, str(obj.pk))] = obj
    out: dict[int, Target] = {}
    for entry in entries:
        if not entry.target_type:
            continue
        kind = target_type_label(entry.target_type)
        obj = found.get((entry.target_type, entry.target_id))
        if obj is None:
            gone = format_lazy("{} #{}", kind, entry.target_id)
            out[entry.pk] = Target(kind=kind, name=str(gone), gone=True)
            continue
        name, url = _name_of(obj, community)
        out[entry.pk] = Target(kind=kind, name=name, url=url)
    return out

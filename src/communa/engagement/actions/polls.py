"""Polls (R6.1): the team puts a question to the members, members vote, the poll closes.

A member's vote is one `Ballot` row (unique per poll and member) with a `BallotChoice` per option
chosen, so results are a grouped COUNT of rows and stay exact whatever runs at once. A vote locks
the poll's row first: a close or an edit cannot slip between the check that the poll is open and
the ballot's insert, and two votes of one member arriving together are taken one after the other
(the second finds the first's ballot). The unique constraint still stands behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, ValidationFailed
from communa.core.events import EventKind, Viewer, record_event, viewer_for_user
from communa.core.limits import limit_write
from communa.core.schemas import moment_in_range
from communa.engagement.models import (
    Ballot,
    BallotChoice,
    Poll,
    PollOption,
    PollState,
    ResultsShown,
)
from communa.walls.actions.refresh import mark_post_widgets
from communa.walls.models import Post, PostStatus

QUESTION_MAX = 300
OPTION_MAX = 200
MIN_OPTIONS = 2
# What the team may set; `options` is the list of the options' texts in order.
FIELDS = (
    "question",
    "options",
    "multiple",
    "max_choices",
    "anonymous",
    "results_shown",
    "changeable",
    "closes_at",
    "post_id",
)
# Once someone has voted, only these may change: the rest would change what they voted on.
AFTER_VOTES = frozenset({"closes_at", "post_id"})


def max_options() -> int:
    """The most options a poll may offer (COMMUNA["POLL_MAX_OPTIONS"])."""
    return int_setting("POLL_MAX_OPTIONS")


# --- checking what the team wrote --------------------------------------------------------------


def _question(value: Any, errors: FieldErrors) -> str:
    question = " ".join(str(value or "").split())
    if not question:
        errors.add("question", _("Write the question."))
    elif len(question) > QUESTION_MAX:
        errors.add("question", _("A question has at most %(n)d characters.") % {"n": QUESTION_MAX})
    return question


def _options(value: Any, errors: FieldErrors) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add("options", _("Give the options as a list of texts."))
        return []
    texts = [" ".join(text.split()) for text in value]
    texts = [text for text in texts if text]
    most = max_options()
    if len(texts) < MIN_OPTIONS:
        errors.add("options", _("Give at least %(n)d options.") % {"n": MIN_OPTIONS})
    elif len(texts) > most:
        errors.add("options", _("A poll offers at most %(n)d options.") % {"n": most})
    if any(len(text) > OPTION_MAX for text in texts):
        errors.add("options", _("An option has at most %(n)d characters.") % {"n": OPTION_MAX})
    folded = [text.casefold() for text in texts]
    if len(set(folded)) != len(folded):
        errors.add("options", _("Each option must be different."))
    return texts


def _flag(field: str) -> Any:
    def check(value: Any, errors: FieldErrors) -> bool:
        if not isinstance(value, bool):
            errors.add(field, _("Answer yes or no."))
        return bool(value)

    return check


def _max_choices(value: Any, errors: FieldErrors) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors.add("max_choices", _("Give a whole number of at least 1, or nothing."))
        return None
    return int(value)


def _results_shown(value: Any, errors: FieldErrors) -> str:
    if value not in ResultsShown.values:
        errors.add(
            "results_shown",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ResultsShown.values)},
        )
    return str(value or "")


def _closes_at(value: Any, errors: FieldErrors) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, datetime) or not moment_in_range(value):
        errors.add("closes_at", _("Give a date and time such as 2026-05-01T18:00:00Z."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    now = timezone.now()
    horizon = int_setting("PLAN_HORIZON_DAYS")
    if value <= now:
        errors.add("closes_at", _("This time has passed: choose a time in the future."))
    elif value > now + timedelta(days=horizon):
        errors.add("closes_at", _("Close at most %(days)d days ahead.") % {"days": horizon})
    return value


def _post_id(value: Any, errors: FieldErrors) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 2**63 - 1:
        errors.add("post_id", _("Give the id of a post, or nothing."))
        return None
    return int(value)


CHECKS = {
    "question": _question,
    "options": _options,
    "multiple": _flag("multiple"),
    "max_choices": _max_choices,
    "anonymous": _flag("anonymous"),
    "results_shown": _results_shown,
    "changeable": _flag("changeable"),
    "closes_at": _closes_at,
    "post_id": _post_id,
}


def _clean(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    return {field: check(data[field], errors) for field, check in CHECKS.items() if field in data}


def _choices_fit(
    multiple: bool, max_choices: int | None, option_count: int, errors: FieldErrors
) -> None:
    if max_choices is None:
        return
    if not multiple and max_choices != 1:
        errors.add("max_choices", _("A single-choice poll takes one choice."))
    elif option_count and max_choices > option_count:
        errors.add(
            "max_choices", _("At most %(n)d: there are that many options.") % {"n": option_count}
        )


def _post_fits(
    community: Community, post_id: int | None, errors: FieldErrors, poll: Poll | None
) -> None:
    """A poll goes under a published post of its own community that has no poll yet."""
    if post_id is None or "post_id" in errors.fields:
        return
    found = Post.objects.filter(
        pk=post_id, community=community, status=PostStatus.PUBLISHED
    ).exists()
    if not found:
        errors.add("post_id", _("Choose a published post of this community."))
        return
    taken = Poll.objects.filter(post_id=post_id)
    if poll is not None:
        taken = taken.exclude(pk=poll.pk)
    if taken.exists():
        errors.add("post_id", _("This post already has a poll."))


def _facts(poll: Poll, options: Iterable[str] | None = None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        field: getattr(poll, field) for field in FIELDS if field not in ("options", "closes_at")
    }
    facts["closes_at"] = poll.closes_at.isoformat() if poll.closes_at else None
    if options is not None:
        facts["options"] = list(options)
    return facts


def _write_options(poll: Poll, texts: list[str]) -> None:
    PollOption.objects.filter(poll=poll).delete()
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, position=index, text=text) for index, text in enumerate(texts, 1)]
    )


def _renew_post(post_id: int) -> None:
    """Tell walls whether a poll shows under the post now and renew the pages that show it
    (ADR 0020): called in the change's transaction, after it, so the mark is read from the rows
    as they now are."""
    mark_post_widgets(post_id=post_id, present=Poll.objects.filter(post_id=post_id).exists())


def _locked(poll: Poll) -> Poll:
    """The poll's row, locked until the transaction ends; NotFound when it was just deleted."""
    found = Poll.objects.select_for_update().filter(pk=poll.pk).first()
    if found is None:
        raise NotFound
    found.community = poll.community
    return found


# --- the team's actions ------------------------------------------------------------------------


def create_poll(*, actor: Any, community: Community, data: dict[str, Any]) -> Poll:
    """Put a poll to the community's members, on its own or under one of its published posts.
    Editors, administrators and the owner."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, errors)
    for field in ("question", "options"):
        if field not in data:
            errors.add(field, _("This field is required."))
    multiple = cleaned.get("multiple", False)
    _choices_fit(multiple, cleaned.get("max_choices"), len(cleaned.get("options", [])), errors)
    _post_fits(community, cleaned.get("post_id"), errors, None)
    errors.raise_if_any()
    texts = cleaned.pop("options")
    if not multiple:
        cleaned["max_choices"] = None
    try:
        with transaction.atomic():
            poll = Poll.objects.create(community=community, created_by=actor, **cleaned)
            _write_options(poll, texts)
            if poll.post_id is not None:
                _renew_post(poll.post_id)
            record_audit(
                actor=actor,
                community=community,
                action="poll.create",
                target=poll,
                after=_facts(poll, texts),
            )
    except IntegrityError as exc:  # another poll took the post a moment ago
        raise ValidationFailed(fields={"post_id": [_("This post already has a poll.")]}) from exc
    return poll


def _changes(poll: Poll, cleaned: dict[str, Any], options: list[str]) -> dict[str, Any]:
    """What the cleaned input changes; a single-choice poll keeps no choice limit."""
    texts = cleaned.pop("options", None)
    changed = {key: value for key, value in cleaned.items() if getattr(poll, key) != value}
    if texts is not None and texts != options:
        changed["options"] = texts
    if not changed.get("multiple", poll.multiple):
        changed.pop("max_choices", None)
        if poll.max_choices is not None:
            changed["max_choices"] = None
    return changed


def _check_changes(poll: Poll, changed: dict[str, Any], options: list[str]) -> None:
    if set(changed) - AFTER_VOTES and Ballot.objects.filter(poll=poll).exists():
        raise Conflict(
            _("Members have voted: only the closing time and the post can change."),
            code="voted",
        )
    errors = FieldErrors()
    _choices_fit(
        changed.get("multiple", poll.multiple),
        changed.get("max_choices", poll.max_choices),
        len(changed.get("options", options)),
        errors,
    )
    if "post_id" in changed:
        _post_fits(poll.community, changed["post_id"], errors, poll)
    errors.raise_if_any()


def _audited(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def update_poll(*, actor: Any, poll: Poll, data: dict[str, Any]) -> Poll:
    """Change a poll; only the keys given change. Before the first vote anything may change;
    after it only the deadline and the post it is shown under. A closed poll stays as it is."""
    community = poll.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, errors)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            poll = _locked(poll)
            if not poll.is_open_at():
                raise Conflict(_("This poll is closed: it can no longer change."), code="closed")
            options = [option.text for option in poll.options.all()]
            changed = _changes(poll, cleaned, options)
            _check_changes(poll, changed, options)
            if not changed:
                return poll
            before = _facts(poll, options)
            columns = {key: value for key, value in changed.items() if key != "options"}
            for key, value in columns.items():
                setattr(poll, key, value)
            if columns:
                poll.save(update_fields=list(columns))
            if "options" in changed:
                _write_options(poll, changed["options"])
            # The placeholder under a post names the question: renew the pages that show it.
            if "post_id" in changed or "question" in changed:
                for post_id in sorted({before["post_id"], poll.post_id} - {None}):
                    _renew_post(post_id)
            record_audit(
                actor=actor,
                community=community,
                action="poll.update",
                target=poll,
                before={key: before[key] for key in changed},
                after={key: _audited(value) for key, value in changed.items()},
            )
    except IntegrityError as exc:
        raise ValidationFailed(fields={"post_id": [_("This post already has a poll.")]}) from exc
    return poll


def close_poll(*, actor: Any, poll: Poll) -> Poll:
    """Close a poll by hand: it takes no more votes, and everyone who may see it sees results."""
    community = poll.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    with transaction.atomic():
        closed = Poll.objects.filter(pk=poll.pk, state=PollState.OPEN).update(
            state=PollState.CLOSED, closed_at=timezone.now()
        )
        if not closed:
            raise Conflict(_("This poll is already closed."), code="closed")
        record_audit(actor=actor, community=community, action="poll.close", target=poll)
    poll.refresh_from_db(fields=["state", "closed_at"])
    return poll


def delete_poll(*, actor: Any, poll: Poll) -> None:
    """Delete a poll with its votes; the post it was under stays."""
    community = poll.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    with transaction.atomic():
        options = list(poll.options.values_list("text", flat=True))
        record_audit(
            actor=actor,
            community=community,
            action="poll.delete",
            target=poll,
            before=_facts(poll, options),
        )
        post_id = poll.post_id
        poll.delete()
        if post_id is not None:
            _renew_post(post_id)


def close_due_polls() -> int:
    """The lifecycle runner: close every open poll whose deadline has passed, each exactly once.

    One conditional UPDATE: a row another worker (or the team) closed first no longer matches
    (PostgreSQL re-reads the condition after waiting for that row's lock), so the sum of what
    the workers report is the number of polls closed."""
    now = timezone.now()
    return Poll.objects.filter(state=PollState.OPEN, closes_at__lte=now).update(
        state=PollState.CLOSED, closed_at=now
    )


# --- members' votes ----------------------------------------------------------------------------


def _option_ids(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ValidationFailed(fields={"option_ids": [_("Give the ids of the options chosen.")]})
    chosen = list(dict.fromkeys(value))
    if any(not 1 <= pk <= 2**63 - 1 for pk in chosen):
        raise ValidationFailed(fields={"option_ids": [_("Choose among this poll's options.")]})
    return chosen


def _check_choices(poll: Poll, chosen: list[int]) -> None:
    if not chosen:
        raise ValidationFailed(fields={"option_ids": [_("Choose an option.")]})
    most = (poll.max_choices or len(chosen)) if poll.multiple else 1
    if len(chosen) > most:
        message = (
            _("Choose one option.")
            if most == 1
            else _("Choose at most %(n)d options.") % {"n": most}
        )
        raise ValidationFailed(fields={"option_ids": [message]})
    known = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if known != set(chosen):
        raise ValidationFailed(fields={"option_ids": [_("Choose among this poll's options.")]})


def _require_open(poll: Poll) -> None:
    if not poll.is_open_at():
        raise Conflict(_("This poll is closed."), code="closed")


CAST, CHANGED, SAME = "cast", "changed", "same"


def vote_in_poll(
    *, actor: Any, poll: Poll, option_ids: Any, viewer: Viewer | None = None
) -> tuple[Ballot, str]:
    """Cast the member's vote, or change it where the poll allows that, before it closes.

    Returns the ballot and what happened: CAST, CHANGED, or SAME when the same choices came
    again (a vote sent twice at once counts once). Every cast or changed vote records a
    POLL_VOTE event."""
    community = poll.community
    require(actor, Action.TAKE_PART, community)
    chosen = _option_ids(option_ids)
    limit_write("take_part", actor=actor)
    try:
        with transaction.atomic():
            poll = _locked(poll)
            _require_open(poll)
            _check_choices(poll, chosen)
            ballot = Ballot.objects.filter(poll=poll, voter=actor).first()
            if ballot is not None:
                mine = set(ballot.choices.values_list("option_id", flat=True))
                if mine == set(chosen):
                    return ballot, SAME
                if not poll.changeable:
                    raise Conflict(
                        _("You have voted, and this poll does not let votes change."),
                        code="already_voted",
                    )
                BallotChoice.objects.filter(ballot=ballot).delete()
                ballot.changed_at = timezone.now()
                ballot.save(update_fields=["changed_at"])
                outcome = CHANGED
            else:
                ballot = Ballot.objects.create(poll=poll, voter=actor)
                outcome = CAST
            BallotChoice.objects.bulk_create(
                [BallotChoice(ballot=ballot, poll=poll, option_id=pk) for pk in chosen]
            )
            record_event(
                EventKind.POLL_VOTE,
                viewer=viewer or viewer_for_user(actor),
                community_id=community.pk,
            )
    except IntegrityError as exc:
        # The poll's lock orders a member's votes, so this is the constraint standing behind it.
        if not Ballot.objects.filter(poll=poll, voter=actor).exists():
            raise Conflict(_("The poll changed while you voted: try again.")) from exc
        raise Conflict(_("Your vote is already counted."), code="already_voted") from exc
    return ballot, outcome


def withdraw_vote(*, actor: Any, poll: Poll) -> None:
    """Take the member's vote back, where the poll lets votes change and before it closes."""
    community = poll.community
    require(actor, Action.TAKE_PART, community)
    with transaction.atomic():
        poll = _locked(poll)
        _require_open(poll)
        if not poll.changeable:
            raise Conflict(_("This poll does not let votes change."), code="not_changeable")
        deleted, _rows = Ballot.objects.filter(poll=poll, voter=actor).delete()
        if not deleted:
            raise Conflict(_("You have not voted in this poll."), code="not_voted")

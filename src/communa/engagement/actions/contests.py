"""Contests (R6.2): the team writes the rules, announces the contest with its commitment, the
rules freeze when it opens (a typo is fixed by a logged correction), the worker moves it at its
dates, and the team marks each winner's prize delivered.

Lifecycle, exactly once: `advance_due_contests` takes one due contest at a time with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer) and moves it one step by a
conditional UPDATE on its state, doing the step's work (the draw or the count, the winners'
notifications and post) in the same transaction. A worker killed mid-step leaves the contest
where it was for the next run; two workers never do a step twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries as known_countries

from communa.accounts.actions import notify
from communa.accounts.models import NotificationKind
from communa.accounts.validation import FieldErrors
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, DomainError, ValidationFailed
from communa.engagement import draws
from communa.engagement.actions.draws import decide_contest
from communa.engagement.models import (
    Contest,
    ContestCorrection,
    ContestKind,
    ContestState,
    ContestWinner,
    CorrectableField,
    DrawSource,
    VoteScope,
)
from communa.walls.actions.posts import create_post
from communa.walls.models import Post, PostStatus

logger = logging.getLogger(__name__)

TITLE_MAX = 120
MECHANICS_MAX = 5000
PRIZE_MAX = 1000
DELIVERY_MAX = 1000
NOTE_MAX = 500
ACCOUNT_DAYS_MAX = 3650
TEXTS = {
    "title": TITLE_MAX,
    "mechanics": MECHANICS_MAX,
    "prize": PRIZE_MAX,
    "delivery": DELIVERY_MAX,
}
DATES = ("announce_at", "open_at", "close_at", "decide_at", "winners_at")
FLAGS = ("members_only", "live_counts", "post_winners")
FIELDS = (
    "kind",
    "title",
    "mechanics",
    "prize",
    "delivery",
    "source",
    "post",
    "winners_count",
    "members_only",
    "min_account_days",
    "countries",
    "vote_scope",
    "live_counts",
    "post_winners",
    *DATES,
)
# What a correction may change after the contest opened: words, not the mechanics' numbers.
CORRECTABLE = tuple(CorrectableField.values)


# --- the rules, checked ------------------------------------------------------------------------


def _text_of(field: str, errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = str(value or "").replace("\r\n", "\n").strip()
        if "\x00" in text:
            errors.add(field, _("The text contains a character that cannot be stored."))
        if len(text) > TEXTS[field]:
            errors.add(field, _("At most %(n)d characters.") % {"n": TEXTS[field]})
        return text

    return check


def _choice_of(field: str, choices: list[str], errors: FieldErrors) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            errors.add(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return str(value or "")

    return check


def _number_of(field: str, low: int, high: int, errors: FieldErrors) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.add(
                field, _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
            )
            return low
        return value

    return check


def _flag_of(field: str, errors: FieldErrors) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            errors.add(field, _("Answer true or false."))
        return bool(value)

    return check


def _moment_of(field: str, errors: FieldErrors) -> Callable[[Any], datetime | None]:
    def check(value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            errors.add(field, _("Give a date and time such as 2026-03-29T18:00."))
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    return check


def _countries_of(errors: FieldErrors) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        if not isinstance(value, list | tuple):
            errors.add("countries", _("A list of ISO 3166 country codes, such as DE FR."))
            return []
        codes = sorted({str(code).strip().upper() for code in value if str(code).strip()})
        unknown = [code for code in codes if code not in dict(known_countries)]
        if unknown:
            errors.add(
                "countries",
                _("Not known ISO 3166 country codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        return codes

    return check


def _post_of(community: Community, errors: FieldErrors) -> Callable[[Any], Post | None]:
    def check(value: Any) -> Post | None:
        if value in (None, ""):
            return None
        post_id = value.pk if isinstance(value, Post) else value
        if isinstance(post_id, bool) or not isinstance(post_id, int):
            errors.add("post", _("Give the id of a post of this community."))
            return None
        post = Post.objects.filter(
            pk=post_id, community=community, status=PostStatus.PUBLISHED, deleted_at__isnull=True
        ).first()
        if post is None:
            errors.add("post", _("Choose a published post of this community."))
        return post

    return check


def _clean(data: dict[str, Any], community: Community, errors: FieldErrors) -> dict[str, Any]:
    checks: dict[str, Callable[[Any], Any]] = {
        "kind": _choice_of("kind", ContestKind.values, errors),
        "source": _choice_of("source", ["", *DrawSource.values], errors),
        "post": _post_of(community, errors),
        "winners_count": _number_of("winners_count", 1, int_setting("CONTEST_MAX_WINNERS"), errors),
        "min_account_days": _number_of("min_account_days", 0, ACCOUNT_DAYS_MAX, errors),
        "countries": _countries_of(errors),
        "vote_scope": _choice_of("vote_scope", VoteScope.values, errors),
        **{field: _text_of(field, errors) for field in TEXTS},
        **{field: _flag_of(field, errors) for field in FLAGS},
        **{field: _moment_of(field, errors) for field in DATES},
    }
    return {field: check(data[field]) for field, check in checks.items() if field in data}


def _check_whole(rules: dict[str, Any], errors: FieldErrors) -> None:
    """The rules taken together: what is required, what goes with what, the dates' order."""
    for field in ("title", "prize"):
        if not rules.get(field) and field not in errors.fields:
            errors.add(field, _("This field is required."))
    for field in DATES[:4]:
        if rules.get(field) is None and field not in errors.fields:
            errors.add(field, _("Give a date and time such as 2026-03-29T18:00."))
    if rules.get("kind") == ContestKind.DRAW:
        source = rules.get("source")
        if not source and "source" not in errors.fields:
            errors.add("source", _("Say who enters the draw."))
        needs_post = source in (DrawSource.SHARED, DrawSource.COMMENTED)
        if needs_post and rules.get("post") is None and "post" not in errors.fields:
            errors.add("post", _("Choose the post members share or comment on."))
    order = [
        ("open_at", "announce_at", _("The contest cannot open before it is announced.")),
        ("close_at", "open_at", _("Entries cannot close before they open.")),
        ("decide_at", "close_at", _("The draw or count cannot come before entries close.")),
        ("winners_at", "decide_at", _("The winners cannot be announced before they are found.")),
    ]
    for later, earlier, message in order:
        late, early = rules.get(later), rules.get(earlier)
        if late is None or early is None or later in errors.fields:
            continue
        if late < early or (later == "close_at" and late == early):
            errors.add(later, message)


def _facts(contest: Contest) -> dict[str, Any]:
    facts = {field: getattr(contest, field) for field in FIELDS if field != "post"}
    facts["post"] = contest.post_id
    return facts


def _rules_of(contest: Contest) -> dict[str, Any]:
    rules = {field: getattr(contest, field) for field in FIELDS}
    return rules


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else (value.pk if isinstance(value, Post) else value)
        for key, value in values.items()
    }


# --- the team's actions ------------------------------------------------------------------------


def create_contest(*, actor: Any, community: Community, data: dict[str, Any]) -> Contest:
    """Write a contest's rules as a draft; nothing is shown to members until it is announced."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, community, errors)
    if "kind" not in cleaned and "kind" not in errors.fields:
        errors.add("kind", _("This field is required."))
    rules = {
        "vote_scope": VoteScope.ENTRY,
        "source": "",
        **cleaned,
    }
    _check_whole(rules, errors)
    errors.raise_if_any()
    if rules["kind"] == ContestKind.PHOTO:
        rules["source"], rules["post"] = "", None
    with transaction.atomic():
        contest = Contest.objects.create(community=community, created_by=actor, **rules)
        record_audit(
            actor=actor,
            community=community,
            action="contest.create",
            target=contest,
            after=_jsonable(_facts(contest)),
        )
    return contest


def _locked(contest: Contest) -> Contest:
    return Contest.objects.select_for_update().select_related("community").get(pk=contest.pk)


def update_contest(*, actor: Any, contest: Contest, data: dict[str, Any]) -> Contest:
    """Change the rules while the contest is a draft or announced; from its opening they are
    frozen: a change is refused (409) naming the field, a typo is fixed by a correction."""
    community = contest.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean(data, community, errors)
    errors.raise_if_any()
    with transaction.atomic():
        contest = _locked(contest)
        before = _rules_of(contest)
        changed = {key: value for key, value in cleaned.items() if before[key] != value}
        if not changed:
            return contest
        if contest.frozen:
            message = _(
                "The rules are frozen since the contest opened; fix a typo with a correction."
            )
            raise Conflict(
                _("The rules cannot change once the contest is open."),
                fields={field: [message] for field in changed},
            )
        rules = {**before, **changed}
        _check_whole(rules, errors)
        errors.raise_if_any()
        if rules["kind"] == ContestKind.PHOTO:
            changed.update(source="", post=None)
        facts = _facts(contest)
        for key, value in changed.items():
            setattr(contest, key, value)
        contest.updated_at = timezone.now()
        contest.save()
        record_audit(
            actor=actor,
            community=community,
            action="contest.update",
            target=contest,
            before=_jsonable({key: facts[key] for key in changed}),
            after=_jsonable({key: _facts(contest)[key] for key in changed}),
        )
    return contest


def announce_contest(*, actor: Any, contest: Contest, now: datetime | None = None) -> Contest:
    """Publish a draft: its commitment (the SHA-256 of a secret seed) is shown from now on; it
    is announced at once, or by the worker at its announcement date."""
    require(actor, Action.RUN_ENGAGEMENT, contest.community)
    now = now or timezone.now()
    with transaction.atomic():
        contest = _locked(contest)
        if contest.state != ContestState.DRAFT or contest.ready:
            raise Conflict(_("The contest has already been announced."))
        seed = draws.new_seed()
        contest.seed = seed
        contest.commitment = draws.commitment_of(seed)
        contest.ready = True
        if contest.announce_at <= now:
            contest.state = ContestState.ANNOUNCED
        contest.updated_at = now
        contest.save()
        record_audit(
            actor=actor,
            community=contest.community,
            action="contest.announce",
            target=contest,
            after={
                "commitment": contest.commitment,
                "announce_at": contest.announce_at.isoformat(),
            },
        )
    return contest


def delete_contest(*, actor: Any, contest: Contest) -> None:
    """Throw away a draft that was never announced."""
    require(actor, Action.RUN_ENGAGEMENT, contest.community)
    with transaction.atomic():
        contest = _locked(contest)
        if contest.state != ContestState.DRAFT or contest.ready:
            raise Conflict(_("Only a draft that was never announced can be deleted."))
        record_audit(
            actor=actor,
            community=contest.community,
            action="contest.delete",
            target=contest,
            before=_jsonable(_facts(contest)),
        )
        contest.delete()


def correct_contest(
    *, actor: Any, contest: Contest, field: str, value: str, note: str = ""
) -> ContestCorrection:
    """Fix a typo in the words of frozen rules; the correction is logged and shown, dated, on
    the contest's page."""
    require(actor, Action.RUN_ENGAGEMENT, contest.community)
    errors = FieldErrors()
    if field not in CORRECTABLE:
        errors.add("field", _("Choose one of: %(choices)s.") % {"choices": ", ".join(CORRECTABLE)})
        errors.raise_if_any()
    text = _text_of(field, errors)(value)
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        errors.add("note", _("At most %(n)d characters.") % {"n": NOTE_MAX})
    if field in ("title", "prize") and not text:
        errors.add("value", _("This field is required."))
    if field in errors.fields:
        errors.fields["value"] = errors.fields.pop(field)
    errors.raise_if_any()
    with transaction.atomic():
        contest = _locked(contest)
        if not contest.frozen:
            raise Conflict(
                _("The rules are not frozen yet: change them directly."),
                fields={"field": [_("Edit the rules until the contest opens.")]},
            )
        before = getattr(contest, field)
        if before == text:
            raise ValidationFailed(fields={"value": [_("This is what the rules already say.")]})
        setattr(contest, field, text)
        contest.updated_at = timezone.now()
        contest.save(update_fields=[field, "updated_at"])
        correction = ContestCorrection.objects.create(
            contest=contest, field=field, before=before, after=text, note=note, made_by=actor
        )
        record_audit(
            actor=actor,
            community=contest.community,
            action="contest.correct",
            target=contest,
            before={field: before},
            after={field: text, "note": note},
        )
    return correction


def mark_prize_delivered(*, actor: Any, winner: ContestWinner, note: str = "") -> ContestWinner:
    """Record that a winner has their prize; with the last one, the contest is done."""
    contest = winner.contest
    require(actor, Action.RUN_ENGAGEMENT, contest.community)
    note = " ".join(str(note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationFailed(fields={"note": [_("At most %(n)d characters.") % {"n": NOTE_MAX}]})
    with transaction.atomic():
        contest = _locked(contest)
        winner = ContestWinner.objects.select_for_update().get(pk=winner.pk)
        if winner.delivered_at is not None:
            return winner
        now = timezone.now()
        winner.delivered_at, winner.delivered_by, winner.delivery_note = now, actor, note
        winner.save(update_fields=["delivered_at", "delivered_by", "delivery_note"])
        waiting = ContestWinner.objects.filter(contest=contest, delivered_at__isnull=True)
        if contest.state == ContestState.WINNERS and not waiting.exists():
            Contest.objects.filter(pk=contest.pk, state=ContestState.WINNERS).update(
                state=ContestState.DELIVERED, updated_at=now
            )
        record_audit(
            actor=actor,
            community=contest.community,
            action="contest.prize_delivered",
            target=contest,
            after={"winner": winner.user_id, "place": winner.place, "note": note},
        )
    winner.contest = Contest.objects.get(pk=contest.pk)
    return winner


# --- the lifecycle -----------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return (
        Q(state=ContestState.DRAFT, ready=True, announce_at__lte=now)
        | Q(state=ContestState.ANNOUNCED, open_at__lte=now)
        | Q(state=ContestState.OPEN, close_at__lte=now)
        | Q(state=ContestState.CLOSED, decide_at__lte=now)
        | Q(state=ContestState.DECIDED, winners_at__lte=now)
        | Q(state=ContestState.DECIDED, winners_at__isnull=True, decide_at__lte=now)
    )


NEXT_STATE = {
    ContestState.DRAFT: ContestState.ANNOUNCED,
    ContestState.ANNOUNCED: ContestState.OPEN,
    ContestState.OPEN: ContestState.CLOSED,
    ContestState.CLOSED: ContestState.DECIDED,
    ContestState.DECIDED: ContestState.WINNERS,
}


def contest_url(contest: Contest) -> str:
    """The members' page of a contest."""
    return reverse("engagement:contest", args=[contest.community.slug, contest.pk])


def _announce_winners(contest: Contest, now: datetime) -> None:
    winners = list(ContestWinner.objects.filter(contest=contest).select_related("user"))
    notify(
        recipients=[winner.user for winner in winners],
        kind=NotificationKind.CONTEST_WON,
        community=contest.community,
        subject=contest.title,
        url=contest_url(contest),
    )
    if not contest.post_winners or contest.created_by is None:
        return
    names = ", ".join(f"@{winner.user.username}" for winner in winners) or _("nobody")
    body = _("The winners of “%(title)s”: %(names)s. Congratulations! Verify the draw: %(url)s") % {
        "title": contest.title,
        "names": names,
        "url": contest_url(contest),
    }
    try:
        with transaction.atomic():
            post = create_post(
                actor=contest.created_by,
                community=contest.community,
                data={"body": body, "signed_as": "community"},
            )
    except DomainError as exc:
        logger.warning("contest %s: the winners' post was refused: %s", contest.pk, exc.message)
        Contest.objects.filter(pk=contest.pk).update(winners_post_error=exc.message[:500])
    else:
        Contest.objects.filter(pk=contest.pk).update(winners_post=post)


def _step(contest: Contest, now: datetime) -> bool:
    """Move one claimed contest one step; False when another worker moved it first."""
    to_state = NEXT_STATE[ContestState(contest.state)]
    moved = Contest.objects.filter(pk=contest.pk, state=contest.state).update(
        state=to_state, updated_at=now
    )
    if not moved:
        return False
    contest.state = to_state
    if to_state == ContestState.DECIDED:
        decide_contest(contest, now=now)
    elif to_state == ContestState.WINNERS:
        _announce_winners(contest, now)
    return True


def advance_due_contests(*, now: datetime | None = None, limit: int | None = None) -> int:
    """Move every contest whose date has come one step at a time; how many steps were taken."""
    limit = limit or int_setting("CONTEST_LIFECYCLE_BATCH")
    done = 0
    while done < limit:
        moment = now or timezone.now()
        with transaction.atomic():
            due = Contest.objects.filter(_due(moment)).order_by("updated_at", "id")
            if connection.features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True, of=("self",))
            contest = due.select_related("community", "created_by").first()
            if contest is None:
                break
            if _step(contest, moment):
                done += 1
    return done

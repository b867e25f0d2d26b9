"""The automatic checks (R5.1) applied to what people write, with the outcomes of R5.2.

An action calls `screen()` before its transaction, with the texts it is about to store. The
community's `FilterSettings` say what each finding does: publish, hide the words (masked with
"∗", which Markdown leaves alone), hold for a moderator, or reject with the reason. A rejection
raises `ValidationFailed` naming the field and the reason, so the form keeps what was written;
a hold stores the row unpublished with a `HeldItem` that the queue shows (ADR 0005).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.core import gate
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.rows import read_one
from communa.core.writes import insert
from communa.moderation.filters import (
    CATEGORIES,
    FilterRules,
    Finding,
    check_text,
    detect_language,
)
from communa.moderation.filters.obscene import mask_spans
from communa.moderation.models import FilterSettings, HeldItem, HeldStatus, Outcome

MASK = "∗"
SEVERITY = {Outcome.PUBLISH: 0, Outcome.HIDE: 1, Outcome.HOLD: 2, Outcome.REJECT: 3}
HIDEABLE = frozenset({"obscene", "stop_word"})
DEFAULT_OUTCOMES: dict[str, str] = {
    "obscene": Outcome.HIDE,
    "links": Outcome.REJECT,
    "link_farm": Outcome.HOLD,
    "spam_repeat": Outcome.HOLD,
    "spam_burst": Outcome.HOLD,
    "spam_domain": Outcome.REJECT,
    "mass_mentions": Outcome.HOLD,
    "stop_word": Outcome.HOLD,
}

CATEGORY_LABELS: dict[str, Promise] = {
    "obscene": gettext_lazy("Obscene language"),
    "links": gettext_lazy("Links where the community bans them"),
    "link_farm": gettext_lazy("Link farms"),
    "spam_repeat": gettext_lazy("The same text again"),
    "spam_burst": gettext_lazy("Bursts from new accounts"),
    "spam_domain": gettext_lazy("Known spam sites"),
    "mass_mentions": gettext_lazy("Mass mentions"),
    "stop_word": gettext_lazy("The community's stop words"),
}

_REASONS: dict[str, Promise] = {
    "obscene": gettext_lazy("The text contains obscene language."),
    "links": gettext_lazy("Links are not allowed in this community (found: %(detail)s)."),
    "link_farm": gettext_lazy("The text has too many links (%(detail)s)."),
    "spam_repeat": gettext_lazy("You posted the same or nearly the same text a short while ago."),
    "spam_burst": gettext_lazy("New accounts cannot post this much in a few minutes."),
    "spam_domain": gettext_lazy("The text links to a site known for spam (%(detail)s)."),
    "mass_mentions": gettext_lazy("The text mentions too many people (%(detail)s)."),
    "stop_word": gettext_lazy(
        "The text contains words this community does not allow (%(detail)s)."
    ),
}


def reason_of(category: str, detail: str = "") -> str:
    """The reason shown to the author for one finding, in the active language."""
    message = _REASONS.get(category)
    if message is None:
        return category
    text = str(message)
    return text % {"detail": detail[:80]} if "%(detail)s" in text else text


@dataclass(frozen=True)
class Screened(gate.Screened):
    """What the checks decided for one submission."""

    outcome: str
    language: str
    texts: dict[str, str]
    # The findings that hold the submission (category, detail), and every category found.
    held: tuple[tuple[str, str], ...] = ()
    found: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.outcome == Outcome.HOLD

    def reasons(self) -> list[str]:
        return [reason_of(category, detail) for category, detail in self.held]


class AuthorHistory:
    """`TextHistory` over what the author wrote in posts, comments and topics (any community).

    One query reads the author's texts of the last `span` (the longest window a check asks
    for), newest first and at most `SAMPLE` of them; both checks are answered from those rows.
    """

    SAMPLE = 100

    def __init__(self, author: Any, span: timedelta) -> None:
        self.author = author
        self.span = span
        self.now = timezone.now()
        self._rows: list[tuple[str, Any]] | None = None

    def _recent(self) -> list[tuple[str, Any]]:
        if self._rows is None:
            self._rows = list(
                gate.moderated_content().recent_texts(
                    self.author, self.now - self.span, self.SAMPLE
                )
            )
        return self._rows

    def recent_texts(self, within: timedelta) -> Sequence[str]:
        since = self.now - within
        return [body for body, at in self._recent() if body and at >= since]

    def recent_count(self, within: timedelta) -> int:
        since = self.now - within
        return sum(1 for _body, at in self._recent() if at >= since)

    def account_age_hours(self) -> float | None:
        joined = getattr(self.author, "date_joined", None)
        if joined is None:
            return None
        return (self.now - joined).total_seconds() / 3600


# Where `keep_settings` leaves a community's filter settings read with another row (a writer's
# mute, just before their text is checked), for `settings_of` to take instead of reading them.
_SETTINGS_READ = "_moderation_settings_read"


def keep_settings(community: Any, stored: FilterSettings | None) -> None:
    """Leave the community's settings, just read, for the check of the text that follows."""
    community.__dict__[_SETTINGS_READ] = (stored,)


def settings_of(community: Any) -> FilterSettings | None:
    if community is None:
        return None
    kept = community.__dict__.pop(_SETTINGS_READ, None)
    if kept is not None:
        return kept[0]  # read with the writer's mute, for this check (taken once)
    # Read before every checked post and comment: a statement written once (core.rows).
    return read_one(FilterSettings, 't0."community_id" = %s', [community.pk])


# The outcomes a community may choose (Django's `Outcome.values` builds its list on every read:
# eight times before every checked text, 30 µs).
_OUTCOMES = frozenset(Outcome.values)


def outcomes_of(stored: FilterSettings | None) -> dict[str, str]:
    """Each category's outcome: the community's choice, else the default."""
    chosen = dict(stored.outcomes) if stored is not None else {}
    return {
        category: chosen[category]
        if chosen.get(category) in _OUTCOMES
        else DEFAULT_OUTCOMES[category]
        for category in CATEGORIES
    }


def _windows() -> tuple[timedelta, timedelta]:
    """How far back the repeat check and the burst check look (the site's settings)."""
    return (
        timedelta(hours=int_setting("FILTER_REPEAT_HOURS")),
        timedelta(minutes=int_setting("FILTER_BURST_MINUTES")),
    )


def history_wanted() -> tuple[datetime, int]:
    """The author's writing the next check may read (`AuthorHistory`): since when, how much."""
    return timezone.now() - max(_windows()), AuthorHistory.SAMPLE


def rules_of(community: Any, stored: FilterSettings | None) -> FilterRules:
    """The engine's rules for a community (or for a profile, with `community` None).

    The community's "obscene language" switch (`Community.obscene_filter`) turns the obscene
    check off altogether, whatever outcome the automatic-checks page gives it; profiles are
    always checked.
    """
    repeat_window, burst_window = _windows()
    base = FilterRules(
        check_obscene=community is None or bool(community.obscene_filter),
        links_allowed=community is None or bool(community.links_allowed),
        repeat_window=repeat_window,
        burst_window=burst_window,
        burst_posts=max(1, int_setting("FILTER_BURST_TEXTS")),
        new_account_hours=float(int_setting("FILTER_BURST_ACCOUNT_HOURS")),
        detect_language=bool(int_setting("FILTER_DETECT_LANGUAGE")),
    )
    if stored is None:
        return base
    return dataclasses.replace(
        base,
        stop_words=tuple(stored.stop_words),
        spam_domains=tuple(stored.spam_domains),
        allowed_link_domains=tuple(stored.allowed_link_domains),
        max_links=stored.max_links,
        max_mentions=stored.max_mentions,
    )


def _language(text: str) -> str:
    if not int_setting("FILTER_DETECT_LANGUAGE") or not text.strip():
        return ""
    return detect_language(text) or ""


@dataclass
class _Verdict:
    """The findings of a submission's fields, sorted by the outcome the community chose."""

    result_texts: dict[str, str]
    worst: Outcome = Outcome.PUBLISH
    held: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    found: list[str] = dataclasses.field(default_factory=list)
    refused: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def take(
        self,
        field: str,
        text: str,
        findings: Sequence[Finding],
        outcomes: Mapping[str, str],
        *,
        hold_possible: bool,
    ) -> None:
        hide_spans: list[tuple[int, int]] = []
        for finding in findings:
            outcome = Outcome(outcomes[finding.category])
            self.found.append(finding.category)
            if outcome == Outcome.HIDE and finding.category not in HIDEABLE:
                outcome = Outcome.HOLD if hold_possible else Outcome.REJECT
            if SEVERITY[outcome] > SEVERITY[self.worst]:
                self.worst = outcome
            if outcome == Outcome.REJECT:
                reason = reason_of(finding.category, finding.detail)
                self.refused.setdefault(field, []).append(reason)
            elif outcome == Outcome.HOLD:
                self.held.append((finding.category, finding.detail))
            elif outcome == Outcome.HIDE:
                hide_spans.extend(finding.spans)
        if hide_spans:
            self.result_texts[field] = mask_spans(text, hide_spans, mark=MASK)


def screen(
    *,
    author: Any,
    community: Any,
    texts: Mapping[str, str],
    primary: str,
    exempt: bool = False,
    history: bool = True,
) -> Screened:
    """Check the texts of one submission and decide its outcome; raise on a rejection.

    `primary` names the main text: its language is recorded, and the author's history (repeats,
    bursts) is checked against it. `exempt` (the community's team) skips the checks but still
    records the language. Without a community (a profile), nobody could review a hold, so a
    hold becomes a rejection.
    """
    values = {field: value or "" for field, value in texts.items()}
    if exempt:
        return Screened(Outcome.PUBLISH, _language(values.get(primary, "")), values)
    stored = settings_of(community)
    rules = rules_of(community, stored)
    outcomes = outcomes_of(stored)
    if community is None:
        outcomes = {c: Outcome.REJECT if o == Outcome.HOLD else o for c, o in outcomes.items()}
    quiet = dataclasses.replace(rules, detect_language=False)
    language = ""
    verdict = _Verdict(result_texts=dict(values))
    for field, text in values.items():
        if not text.strip():
            continue
        is_primary = field == primary
        result = check_text(
            text,
            rules=rules if is_primary else quiet,
            history=(
                AuthorHistory(author, max(rules.repeat_window, rules.burst_window))
                if is_primary and history
                else None
            ),
        )
        if is_primary:
            language = result.language or ""
        verdict.take(field, text, result.findings, outcomes, hold_possible=community is not None)
    refused, worst, held, found = verdict.refused, verdict.worst, verdict.held, verdict.found
    if refused:
        raise ValidationFailed(fields=refused)
    return Screened(
        worst,
        language,
        verdict.result_texts,
        held=tuple(dict.fromkeys(held)),
        found=tuple(dict.fromkeys(found)),
    )


# Where `hold` leaves the item it has just written on the held row, for `held_state` to answer
# without reading it back (the author's answer names the reasons at once).
_JUST_HELD = "_moderation_held_item"


def hold(*, community: Any, author: Any, target: Model, screened: Screened) -> HeldItem:
    """Record that the checks held this row for a moderator (inside the writer's transaction):
    one INSERT written once (`core.writes`), the item left on the row for `held_state`."""
    (item,) = insert(
        HeldItem(
            community=community,
            author=author,
            **_of(target),
            categories=[category for category, _detail in screened.held],
            reason=screened.held[0][0] if screened.held else "",
            details=dict(screened.held),
        )
    )
    setattr(target, _JUST_HELD, item)
    return item


def _of(target: Model) -> dict[str, Any]:
    """The HeldItem lookup for a post, comment or topic."""
    return {str(target._meta.model_name): target}


def rehold(*, target: Model, screened: Screened, community: Any, author: Any) -> None:
    """After the author edited a held row: keep it held with the new reasons, or release it."""
    with transaction.atomic():
        waiting = HeldItem.objects.filter(**_of(target), status=HeldStatus.HELD)
        if screened.holds:
            if not waiting.update(
                categories=[c for c, _d in screened.held],
                reason=screened.held[0][0],
                details=dict(screened.held),
            ):
                hold(community=community, author=author, target=target, screened=screened)
        else:
            waiting.update(status=HeldStatus.WITHDRAWN, decided_at=timezone.now())


def withdraw(target: Model) -> None:
    """The author deleted a held row: it no longer waits."""
    HeldItem.objects.filter(**_of(target), status=HeldStatus.HELD).update(
        status=HeldStatus.WITHDRAWN, decided_at=timezone.now()
    )


def held_state(target: Model) -> tuple[str, list[str]]:
    """Where a held row stands ("held", "rejected", or "" when never held) and the reasons its
    author sees: the checks' while it waits, the moderator's once refused (active language)."""
    item = target.__dict__.get(_JUST_HELD)
    if item is not None:  # held by this very request: the item is the one just written
        return "held", [reason_of(c, str(item.details.get(c, ""))) for c in item.categories]
    column = HeldItem._meta.get_field(str(target._meta.model_name)).column  # type: ignore[union-attr]
    item = read_one(
        HeldItem,
        f't0."{column}" = %s',  # post_id, comment_id or topic_id: our columns
        [target.pk],
        order_by='t0."created_at" DESC, t0."id" DESC',
    )
    if item is None:
        return "", []
    if item.status == HeldStatus.REJECTED:
        return "rejected", [item.decision_reason or held_note(item)]
    return "held", [reason_of(c, str(item.details.get(c, ""))) for c in item.categories]


def held_reasons(target: Model) -> list[str]:
    """Why a held row waits, or why a moderator refused it, for its author (active language)."""
    return held_state(target)[1]


def held_note(item: HeldItem) -> str:
    """One line for the queue and the author: every reason the item was held."""
    return " ".join(reason_of(c, str(item.details.get(c, ""))) for c in item.categories) or _(
        "Held by the automatic checks."
    )


def screen_profile(texts: Mapping[str, str]) -> None:
    """R5.1 on profile texts (name, city): no community reviews them, so any finding refuses."""
    refused: dict[str, list[str]] = {}
    rules = FilterRules(detect_language=False)
    for field, text in texts.items():
        if not (text or "").strip():
            continue
        result = check_text(text, rules=rules)
        if result.findings:
            refused[field] = [reason_of(f.category, f.detail) for f in result.findings]
    if refused:
        raise ValidationFailed(fields=refused)

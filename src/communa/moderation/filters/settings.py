"""Reading and changing a community's choices for the automatic checks (R5.1, R5.2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.moderation.filters import CATEGORIES
from communa.moderation.filters.links import host_of
from communa.moderation.models import FilterSettings, Outcome
from communa.moderation.screening import CATEGORY_LABELS, HIDEABLE, outcomes_of

WORD_MAX = 100
MAX_LINKS = (1, 50)
MAX_MENTIONS = (1, 100)


@dataclass
class FilterChoices:
    """What a community chose, with every category's outcome filled in."""

    outcomes: dict[str, str]
    stop_words: list[str] = field(default_factory=list)
    spam_domains: list[str] = field(default_factory=list)
    allowed_link_domains: list[str] = field(default_factory=list)
    max_links: int = 3
    max_mentions: int = 5
    customised: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcomes": self.outcomes,
            "stop_words": self.stop_words,
            "spam_domains": self.spam_domains,
            "allowed_link_domains": self.allowed_link_domains,
            "max_links": self.max_links,
            "max_mentions": self.max_mentions,
            "customised": self.customised,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per check for the settings page: its name, outcome and allowed outcomes."""
        return [
            {
                "category": category,
                "label": CATEGORY_LABELS[category],
                "outcome": self.outcomes[category],
                "choices": [
                    (value, label)
                    for value, label in Outcome.choices
                    if value != Outcome.HIDE or category in HIDEABLE
                ],
            }
            for category in CATEGORIES
        ]


def _choices_of(stored: FilterSettings | None) -> FilterChoices:
    if stored is None:
        return FilterChoices(outcomes=outcomes_of(None))
    return FilterChoices(
        outcomes=outcomes_of(stored),
        stop_words=list(stored.stop_words),
        spam_domains=list(stored.spam_domains),
        allowed_link_domains=list(stored.allowed_link_domains),
        max_links=stored.max_links,
        max_mentions=stored.max_mentions,
        customised=True,
    )


def read_filter_settings(*, actor: Any, community: Community) -> FilterChoices:
    """The community's choices (its admins only)."""
    require(actor, Action.EDIT_SETTINGS, community)
    return _choices_of(FilterSettings.objects.filter(community=community).first())


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.replace(",", "\n").splitlines()]
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value]
    raise TypeError


def _clean_words(errors: dict[str, list[str]], name: str, value: Any) -> list[str]:
    try:
        words = [w for w in _lines(value) if w]
    except TypeError:
        errors[name] = [_("Give a list of words, one per line.")]
        return []
    limit = int_setting("FILTER_LIST_MAX")
    long = [w for w in words if len(w) > WORD_MAX]
    if long:
        errors[name] = [
            _("Each entry has at most %(n)d characters: %(word)s")
            % {"n": WORD_MAX, "word": long[0][:40]}
        ]
    elif len(set(words)) > limit:
        errors[name] = [_("Use at most %(n)d entries.") % {"n": limit}]
    return list(dict.fromkeys(words))


def _clean_domains(errors: dict[str, list[str]], name: str, value: Any) -> list[str]:
    entries = _clean_words(errors, name, value)
    if name in errors:
        return []
    domains = []
    for entry in entries:
        host = host_of(entry.strip())
        if not host or "." not in host or " " in host:
            errors[name] = [_("This is not a domain name: %(entry)s") % {"entry": entry[:60]}]
            return []
        domains.append(host)
    return list(dict.fromkeys(domains))


def _clean_number(
    errors: dict[str, list[str]], name: str, value: Any, bounds: tuple[int, int], current: int
) -> int:
    if value is None or value == "":
        return current
    low, high = bounds
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        errors[name] = [
            _("Use a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        ]
        return current
    return number


def clean_filter_choices(data: dict[str, Any], current: FilterChoices) -> FilterChoices:
    """Check a change of settings; every fault is named by its field."""
    errors: dict[str, list[str]] = {}
    outcomes = dict(current.outcomes)
    raw = data.get("outcomes") or {}
    if not isinstance(raw, dict):
        errors["outcomes"] = [_("Give an outcome for each check.")]
        raw = {}
    for category, outcome in raw.items():
        if category not in CATEGORIES:
            errors[f"outcomes.{category}"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(CATEGORIES)}
            ]
            continue
        allowed = [v for v in Outcome.values if v != Outcome.HIDE or category in HIDEABLE]
        if outcome not in allowed:
            errors[f"outcomes.{category}"] = [
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}
            ]
            continue
        outcomes[category] = outcome
    choices = FilterChoices(
        outcomes=outcomes,
        stop_words=_clean_words(errors, "stop_words", data.get("stop_words", current.stop_words)),
        spam_domains=_clean_domains(
            errors, "spam_domains", data.get("spam_domains", current.spam_domains)
        ),
        allowed_link_domains=_clean_domains(
            errors,
            "allowed_link_domains",
            data.get("allowed_link_domains", current.allowed_link_domains),
        ),
        max_links=_clean_number(
            errors, "max_links", data.get("max_links"), MAX_LINKS, current.max_links
        ),
        max_mentions=_clean_number(
            errors, "max_mentions", data.get("max_mentions"), MAX_MENTIONS, current.max_mentions
        ),
        customised=True,
    )
    if errors:
        raise ValidationFailed(fields=errors)
    return choices


def save_filter_settings(
    *, actor: User, community: Community, data: dict[str, Any]
) -> FilterChoices:
    """Change what the checks do in this community; the change is in the audit log."""
    require(actor, Action.EDIT_SETTINGS, community)
    with transaction.atomic():
        stored = FilterSettings.objects.select_for_update().filter(community=community).first()
        before = _choices_of(stored)
        choices = clean_filter_choices(data, before)
        if stored is None:
            stored = FilterSettings(community=community)
        stored.outcomes = choices.outcomes
        stored.stop_words = choices.stop_words
        stored.spam_domains = choices.spam_domains
        stored.allowed_link_domains = choices.allowed_link_domains
        stored.max_links = choices.max_links
        stored.max_mentions = choices.max_mentions
        stored.updated_at = timezone.now()
        stored.updated_by = actor
        stored.save()
        shown_before = before.as_dict()
        shown_after = choices.as_dict()
        shown_before.pop("customised")
        shown_after.pop("customised")
        record_audit(
            actor=actor,
            community=community,
            action="filters.update",
            target=community,
            before={k: v for k, v in shown_before.items() if shown_after[k] != v},
            after={k: v for k, v in shown_after.items() if shown_before[k] != v},
        )
    return choices

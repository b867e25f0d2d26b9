"""Playbooks (R5.4): a community's escalation steps, its own or the defaults, and their editing.

The playbook counts a member's offences in the community within each step's window and applies
the highest step that is due (`sanctions.record_offence`): warn, mute for N days, or block. A
community without steps of its own follows `DEFAULT_STEPS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.accounts.models import User
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.errors import ValidationFailed
from communa.moderation.models import PlaybookStep, SanctionAction

MAX_STEPS = 10
MAX_OFFENCES = 1000
WINDOW_DAYS = (1, 365)
DURATION_DAYS = (1, 3650)
MAX_MESSAGE = 1000


@dataclass(frozen=True)
class StepSpec:
    """A step as configured, whether stored or one of the defaults."""

    offences: int
    window_days: int
    action: str
    duration_days: int | None
    message: str | Promise = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "offences": self.offences,
            "window_days": self.window_days,
            "action": self.action,
            "duration_days": self.duration_days,
            "message": str(self.message),
        }


# The playbook of a community that has not written its own: 1st offence → warning,
# 3rd within 30 days → muted for 7 days, 5th within 30 days → blocked for 30 days.
DEFAULT_STEPS: tuple[StepSpec, ...] = (
    StepSpec(
        1,
        30,
        SanctionAction.WARN,
        None,
        gettext_lazy("Please keep to the rules of this community: this is a warning."),
    ),
    StepSpec(
        3,
        30,
        SanctionAction.MUTE,
        7,
        gettext_lazy(
            "You broke the rules three times in 30 days: you cannot post or comment for 7 days."
        ),
    ),
    StepSpec(
        5,
        30,
        SanctionAction.BLOCK,
        30,
        gettext_lazy("You broke the rules five times in 30 days: you are blocked for 30 days."),
    ),
)


@dataclass
class Playbook:
    """A community's steps in order, and whether they are the defaults."""

    steps: list[StepSpec]
    stored: list[PlaybookStep | None]
    is_default: bool


def _spec_of(step: PlaybookStep) -> StepSpec:
    return StepSpec(step.offences, step.window_days, step.action, step.duration_days, step.message)


def playbook_of(community: Community) -> Playbook:
    """The steps this community follows: its own, or the defaults when it has none."""
    rows = list(PlaybookStep.objects.filter(community=community).order_by("position"))
    if not rows:
        return Playbook(list(DEFAULT_STEPS), [None] * len(DEFAULT_STEPS), is_default=True)
    return Playbook([_spec_of(row) for row in rows], list(rows), is_default=False)


def read_playbook(*, actor: Any, community: Community) -> Playbook:
    """The playbook for the team that enforces it (moderators and up); only some may change it."""
    require(actor, Action.MODERATE, community)
    return playbook_of(community)


# --- editing the steps -------------------------------------------------------------------------


def _whole(
    raw: Any, field: str, errors: dict[str, list[str]], bounds: tuple[int, int], *, required: bool
) -> int | None:
    """A whole number within bounds (text from a form or a number from JSON), or None if empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        value = None
    low, high = bounds
    if value is None or not low <= value <= high:
        errors.setdefault(field, []).append(
            _("Use a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
        return None
    return value


def clean_steps(raw_steps: Any) -> list[StepSpec]:
    """Check configured steps; each reason names its field as `steps.<index>.<name>`."""
    if not isinstance(raw_steps, (list, tuple)):
        raise ValidationFailed(fields={"steps": [_("Expected a list.")]})
    if len(raw_steps) > MAX_STEPS:
        raise ValidationFailed(fields={"steps": [_("Use at most %(n)d steps.") % {"n": MAX_STEPS}]})
    errors: dict[str, list[str]] = {}
    steps: list[StepSpec] = []
    previous: int | None = None
    for index, raw in enumerate(raw_steps):
        name = f"steps.{index}"
        if not isinstance(raw, dict):
            errors.setdefault(name, []).append(_("Expected an object."))
            continue
        offences = _whole(
            raw.get("offences"), f"{name}.offences", errors, (1, MAX_OFFENCES), required=True
        )
        if offences is not None and previous is not None and offences <= previous:
            errors.setdefault(f"{name}.offences", []).append(
                _("Each step needs more offences than the step before it (%(n)d).")
                % {"n": previous}
            )
        if offences is not None:
            previous = offences if previous is None else max(previous, offences)
        window = _whole(
            raw.get("window_days"), f"{name}.window_days", errors, WINDOW_DAYS, required=True
        )
        action = raw.get("action")
        if action not in SanctionAction.values:
            errors.setdefault(f"{name}.action", []).append(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(SanctionAction.values)}
            )
        duration = _whole(
            raw.get("duration_days"),
            f"{name}.duration_days",
            errors,
            DURATION_DAYS,
            required=action == SanctionAction.MUTE,
        )
        message = raw.get("message") or ""
        if not isinstance(message, str):
            errors.setdefault(f"{name}.message", []).append(_("Expected text."))
            message = ""
        message = message.strip()
        if len(message) > MAX_MESSAGE:
            errors.setdefault(f"{name}.message", []).append(
                _("Use at most %(n)d characters.") % {"n": MAX_MESSAGE}
            )
        if offences is not None and window is not None and action in SanctionAction.values:
            steps.append(StepSpec(offences, window, action, duration, message))
    if errors:
        raise ValidationFailed(fields=errors)
    return steps


def save_playbook(*, actor: User, community: Community, steps: Any) -> Playbook:
    """Replace the community's steps (owner, administrators); no steps means the defaults."""
    require(actor, Action.EDIT_SETTINGS, community)
    cleaned = clean_steps(steps)
    with transaction.atomic():
        before = playbook_of(community)
        PlaybookStep.objects.filter(community=community).delete()
        PlaybookStep.objects.bulk_create(
            PlaybookStep(
                community=community,
                position=position,
                offences=step.offences,
                window_days=step.window_days,
                action=step.action,
                duration_days=step.duration_days,
                message=str(step.message),
            )
            for position, step in enumerate(cleaned, start=1)
        )
        record_audit(
            actor=actor,
            community=community,
            action="playbook.update",
            before={"steps": [_summary(s) for s in before.steps], "default": before.is_default},
            after={"steps": [_summary(s) for s in cleaned], "default": not cleaned},
        )
    return playbook_of(community)


def _summary(step: StepSpec) -> str:
    length = f" {step.duration_days}d" if step.duration_days else ""
    return f"{step.offences} in {step.window_days}d → {step.action}{length}"

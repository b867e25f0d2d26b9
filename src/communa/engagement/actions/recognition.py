"""Recognition's writes (R6.3): computing a month's leaders (the worker once after the month
ends, the team again on demand), badge rules, badges given and taken back by hand, the
community's setting, and promoting a core member into the team.

A month's board is one row per community and month (`leaders_once_a_month`): the worker inserts
it and fills it in one transaction, so two workers never compute the same month twice and a
worker killed half-way leaves nothing (the month is computed on its next run). Every change of a
badge shows at once beside the member's name: it raises the community's badges version
(communities' `refresh_member_badges`) in its transaction, and the cached cards, threads and
walls put that version in their keys (ADR 0021).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communa.accounts.models import User
from communa.accounts.validation import FieldErrors
from communa.communities.actions.badges import refresh_member_badges
from communa.communities.actions.team import set_member_role
from communa.communities.models import Community, Membership, Role
from communa.communities.permissions import Action, require
from communa.core.audit import record_audit
from communa.core.conf import int_setting
from communa.core.errors import Conflict, ValidationFailed
from communa.engagement.models import (
    BadgeKind,
    BadgeRule,
    Contribution,
    Leader,
    MemberBadge,
    MonthlyLeaders,
    RecognitionSettings,
    RuleScope,
)
from communa.engagement.selectors import recognition as selectors

logger = logging.getLogger(__name__)

TITLE_LABEL = gettext_noop("Member of the month")
LABEL_MAX = 40
DESCRIPTION_MAX = 200
REASON_MAX = 500
THRESHOLD_MAX = 1_000_000
PROMOTION_ROLES = (Role.MODERATOR, Role.EDITOR)
RULE_FIELDS = ("label", "description", "contribution", "threshold", "scope", "active")


# --- computing a month -----------------------------------------------------------------------


def _earned_by_rules(
    community: Community,
    *,
    month: date,
    places: list[selectors.Ranked],
    month_tallies: dict[int, selectors.Tally],
    end: datetime,
    include_team: bool,
) -> list[MemberBadge]:
    rules = [rule for rule in selectors.rules_of(community) if rule.active]
    ranks = {place.tally.user_id: place for place in places}
    weighting = selectors.weights()
    totals: dict[int, selectors.Tally] | None = None
    earned: list[MemberBadge] = []
    for rule in rules:
        if rule.scope == RuleScope.TOTAL:
            if totals is None:
                totals = selectors.tallies(
                    community, start=None, end=end, include_team=include_team
                )
            pool, period = totals, ""
        else:
            pool, period = month_tallies, selectors.label_of(month)
        for user_id, tally in pool.items():
            if rule.contribution == Contribution.RANK:
                place = ranks.get(user_id)
                ok = place is not None and place.rank <= rule.threshold
            elif rule.contribution == Contribution.SCORE:
                ok = tally.score(weighting) >= rule.threshold
            else:
                ok = getattr(tally, rule.contribution) >= rule.threshold
            if ok:
                earned.append(
                    MemberBadge(
                        community=community,
                        user_id=user_id,
                        kind=BadgeKind.BADGE,
                        label=rule.label,
                        description=rule.description,
                        rule=rule,
                        period=period,
                    )
                )
    return earned


def _fill_board(board: MonthlyLeaders) -> bool:
    """Compute the board's leaders and give the month's titles and rule badges; True when a
    badge was given or taken away (the community's badges version is then raised)."""
    community = board.community
    include_team = selectors.settings_of(community).include_team
    weighting = selectors.weights()
    start, end = selectors.month_bounds(community, board.month)
    month_tallies = selectors.tallies(community, start=start, end=end, include_team=include_team)
    places = selectors.ranked(month_tallies, weighting)
    board.weights = weighting
    board.include_team = include_team
    board.members_counted = len(places)
    board.save(
        update_fields=["weights", "include_team", "members_counted", "computed_at", "computed_by"]
    )
    board.leaders.all().delete()
    Leader.objects.bulk_create(
        Leader(
            board=board,
            user_id=place.tally.user_id,
            rank=place.rank,
            score=place.score,
            **place.tally.breakdown(),
        )
        for place in places[: max(1, int_setting("RECOGNITION_BOARD_SIZE"))]
    )
    period = selectors.label_of(board.month)
    earned = [
        MemberBadge(
            community=community,
            user_id=place.tally.user_id,
            kind=BadgeKind.TITLE,
            label=TITLE_LABEL,
            period=period,
        )
        for place in places
        if place.rank == 1
    ]
    earned += _earned_by_rules(
        community,
        month=board.month,
        places=places,
        month_tallies=month_tallies,
        end=end,
        include_team=include_team,
    )
    # A recomputed month takes back the month's automatic badges no longer earned (never those
    # the team took back, which stay as they were).
    month_auto = MemberBadge.objects.filter(
        community=community, period=period, revoked_at__isnull=True
    ).filter(Q(kind=BadgeKind.TITLE) | Q(rule__isnull=False))
    keep = {(badge.kind, badge.rule_id, badge.user_id) for badge in earned}
    stale = [
        badge.pk for badge in month_auto if (badge.kind, badge.rule_id, badge.user_id) not in keep
    ]
    removed = MemberBadge.objects.filter(pk__in=stale).delete()[0] if stale else 0
    before = MemberBadge.objects.filter(community=community).count()
    MemberBadge.objects.bulk_create(earned, ignore_conflicts=True)
    added = MemberBadge.objects.filter(community=community).count() - before
    changed = bool(removed or added)
    if changed:
        refresh_member_badges(community_id=community.pk)
    return changed


def compute_month(*, actor: User, community: Community, month: date) -> MonthlyLeaders:
    """Compute (again) a finished month's leaders, titles and rule badges. The team
    (RUN_ENGAGEMENT); the month must have ended on the community's clock."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    if month >= selectors.current_month(community):
        raise ValidationFailed(fields={"month": [_("Leaders are computed once a month is over.")]})
    with transaction.atomic():
        board, created = MonthlyLeaders.objects.select_for_update().get_or_create(
            community=community, month=month, defaults={"computed_by": actor}
        )
        board.computed_at = timezone.now()
        board.computed_by = actor
        _fill_board(board)
        record_audit(
            actor=actor,
            community=community,
            action="recognition.month.compute",
            target=board,
            after={"month": selectors.label_of(month), "first_time": created},
        )
    return board


def _due_candidates(now: datetime) -> list[tuple[Community, date]]:
    """Communities whose last finished month has no board yet, with that month."""
    utc_month = now.astimezone(UTC).date().replace(day=1)
    utc_previous = selectors.previous_month(utc_month)
    months = [utc_previous]
    # Zones up to 14 hours ahead of UTC start the next month before UTC does.
    if (now + timedelta(hours=14)).astimezone(UTC).date().replace(day=1) != utc_month:
        months.append(utc_month)
    found: list[tuple[Community, date]] = []
    limit = max(1, int_setting("RECOGNITION_MONTHS_PER_RUN"))
    for candidate_month in months:
        after = selectors.next_month(candidate_month)
        # No community made after the month ended anywhere (UTC−12) has anything to compute.
        ended = datetime(after.year, after.month, 1, tzinfo=UTC) + timedelta(hours=12)
        missing = (
            Community.objects.exclude(monthly_leaders__month=candidate_month)
            .filter(created_at__lt=min(now, ended))
            .order_by("id")
        )
        for community in missing.iterator():
            month = selectors.last_finished_month(community, now)
            start, _end = selectors.month_bounds(community, selectors.next_month(month))
            # Nothing to compute for a month that ended before the community existed.
            if month != candidate_month or community.created_at >= start:
                continue
            found.append((community, month))
            if len(found) >= limit:
                return found
    return found


def compute_due_months(*, now: datetime | None = None) -> int:
    """The worker: compute each community's last finished month once (lifecycle runner)."""
    now = now or timezone.now()
    done = 0
    for community, month in _due_candidates(now):
        try:
            with transaction.atomic():
                # The unique row is the claim: a second worker's insert waits for this
                # transaction and then fails, so a month is computed exactly once.
                board = MonthlyLeaders.objects.create(community=community, month=month)
                _fill_board(board)
        except IntegrityError:
            continue
        done += 1
    return done


# --- the community's setting -----------------------------------------------------------------


def update_recognition_settings(
    *, actor: User, community: Community, include_team: bool
) -> RecognitionSettings:
    """Whether the team is listed among the leaders (from the next computed month)."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    with transaction.atomic():
        found, _created = RecognitionSettings.objects.select_for_update().get_or_create(
            community=community
        )
        if found.include_team != include_team:
            before = found.include_team
            found.include_team = include_team
            found.save(update_fields=["include_team"])
            record_audit(
                actor=actor,
                community=community,
                action="recognition.settings",
                target=found,
                before={"include_team": before},
                after={"include_team": include_team},
            )
    return found


# --- badge rules -----------------------------------------------------------------------------


def _clean_rule(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "label" in data:
        label = " ".join(str(data["label"] or "").split())
        if not label:
            errors.add("label", _("Give the badge a name."))
        elif len(label) > LABEL_MAX:
            errors.add("label", _("A badge name has at most %(n)d characters.") % {"n": LABEL_MAX})
        cleaned["label"] = label
    if "description" in data:
        text = " ".join(str(data["description"] or "").split())
        if len(text) > DESCRIPTION_MAX:
            errors.add(
                "description",
                _("A description has at most %(n)d characters.") % {"n": DESCRIPTION_MAX},
            )
        cleaned["description"] = text
    if "contribution" in data:
        if data["contribution"] not in Contribution.values:
            errors.add(
                "contribution",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Contribution.values)},
            )
        cleaned["contribution"] = str(data["contribution"] or "")
    if "scope" in data:
        if data["scope"] not in RuleScope.values:
            errors.add(
                "scope",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(RuleScope.values)},
            )
        cleaned["scope"] = str(data["scope"] or "")
    if "threshold" in data:
        threshold = data["threshold"]
        if (
            not isinstance(threshold, int)
            or isinstance(threshold, bool)
            or not (1 <= threshold <= THRESHOLD_MAX)
        ):
            errors.add(
                "threshold",
                _("Give a whole number from 1 to %(n)d.") % {"n": THRESHOLD_MAX},
            )
        cleaned["threshold"] = threshold
    if "active" in data:
        cleaned["active"] = bool(data["active"])
    return cleaned


def _rank_is_monthly(contribution: str, scope: str, errors: FieldErrors) -> None:
    if contribution == Contribution.RANK and scope == RuleScope.TOTAL:
        errors.add("scope", _("A place on the board is earned in one month."))


def _rule_facts(rule: BadgeRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def create_badge_rule(*, actor: User, community: Community, data: dict[str, Any]) -> BadgeRule:
    """Add a rule that gives a badge when a month is computed (e.g. "Top contributor": rank ≤ 3
    in a month; "First post": posts ≥ 1 in total)."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_rule(data, errors)
    for name in ("label", "contribution", "threshold"):
        if name not in cleaned:
            errors.add(name, _("This field is required."))
    cleaned.setdefault("scope", RuleScope.MONTH)
    _rank_is_monthly(cleaned.get("contribution", ""), cleaned["scope"], errors)
    errors.raise_if_any()
    limit = int_setting("RECOGNITION_RULES_PER_COMMUNITY")
    with transaction.atomic():
        # The community's row serialises rule creation, so the limit holds under concurrency.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        if BadgeRule.objects.filter(community=community).count() >= limit:
            raise Conflict(
                _("A community has at most %(n)d badge rules; delete one first.") % {"n": limit}
            )
        rule = BadgeRule.objects.create(community=community, **cleaned)
        record_audit(
            actor=actor,
            community=community,
            action="recognition.rule.create",
            target=rule,
            after=_rule_facts(rule),
        )
    return rule


def update_badge_rule(*, actor: User, rule: BadgeRule, data: dict[str, Any]) -> BadgeRule:
    """Change a rule; badges it gave keep their name. Only the keys given change."""
    community = rule.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_rule(data, errors)
    _rank_is_monthly(
        cleaned.get("contribution", rule.contribution), cleaned.get("scope", rule.scope), errors
    )
    errors.raise_if_any()
    before = _rule_facts(rule)
    changed = {key: value for key, value in cleaned.items() if before[key] != value}
    if changed:
        with transaction.atomic():
            for key, value in changed.items():
                setattr(rule, key, value)
            rule.save(update_fields=list(changed))
            record_audit(
                actor=actor,
                community=community,
                action="recognition.rule.update",
                target=rule,
                before={key: before[key] for key in changed},
                after=changed,
            )
    return rule


def delete_badge_rule(*, actor: User, rule: BadgeRule) -> None:
    """Delete a rule; the badges it gave stay with their members."""
    community = rule.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    with transaction.atomic():
        record_audit(
            actor=actor,
            community=community,
            action="recognition.rule.delete",
            target=rule,
            before=_rule_facts(rule),
        )
        rule.delete()


# --- badges by hand --------------------------------------------------------------------------


def award_badge(
    *,
    actor: User,
    community: Community,
    user: User,
    label: str,
    reason: str,
    description: str = "",
) -> MemberBadge:
    """Give a member a badge by hand with a reason (the team, RUN_ENGAGEMENT)."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    errors = FieldErrors()
    cleaned = _clean_rule({"label": label, "description": description}, errors)
    reason = " ".join(str(reason or "").split())
    if not reason:
        errors.add("reason", _("Say why the member gets this badge."))
    elif len(reason) > REASON_MAX:
        errors.add("reason", _("A reason has at most %(n)d characters.") % {"n": REASON_MAX})
    if not Membership.objects.filter(community=community, user=user).exists():
        errors.add("username", _("Only members of the community get its badges."))
    errors.raise_if_any()
    with transaction.atomic():
        badge = MemberBadge.objects.create(
            community=community,
            user=user,
            kind=BadgeKind.BADGE,
            label=cleaned["label"],
            description=cleaned["description"] or reason[:DESCRIPTION_MAX],
            reason=reason,
            awarded_by=actor,
        )
        refresh_member_badges(community_id=community.pk)
        record_audit(
            actor=actor,
            community=community,
            action="recognition.badge.award",
            target=badge,
            after={"user": user.username, "label": badge.label, "reason": reason},
        )
    return badge


def revoke_badge(*, actor: User, badge: MemberBadge, reason: str = "") -> MemberBadge:
    """Take a title or badge back (the row stays, marked; a rule does not give it again)."""
    community = badge.community
    require(actor, Action.RUN_ENGAGEMENT, community)
    reason = " ".join(str(reason or "").split())
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            fields={"reason": [_("A reason has at most %(n)d characters.") % {"n": REASON_MAX}]}
        )
    with transaction.atomic():
        locked = MemberBadge.objects.select_for_update().get(pk=badge.pk)
        if locked.revoked_at is not None:
            raise Conflict(_("This badge was already taken back."))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.revoke_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        refresh_member_badges(community_id=community.pk)
        record_audit(
            actor=actor,
            community=community,
            action="recognition.badge.revoke",
            target=locked,
            before={"user": badge.user.username, "label": locked.label},
            after={"reason": reason},
        )
    return locked


# --- the core, into the team -----------------------------------------------------------------


def promote_core_member(*, actor: User, community: Community, user: User, role: str) -> Membership:
    """Give a member of the 1 % core a team role (moderator or editor) through the team's own
    role action (R2.8): it checks that the actor manages the team and writes the audit entry."""
    require(actor, Action.RUN_ENGAGEMENT, community)
    if role not in PROMOTION_ROLES:
        raise ValidationFailed(
            fields={
                "role": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(PROMOTION_ROLES)}]
            }
        )
    current = Membership.objects.filter(community=community, user=user).first()
    if current is not None and current.role != Role.MEMBER:
        raise Conflict(_("This member is already in the team."))
    return set_member_role(actor=actor, community=community, user=user, role=role)

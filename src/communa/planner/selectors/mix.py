"""The mix advisor (R8.4): for a week or a month as planned, the tone mix against the community's
targets, the promotional share against its limit, and the posts of each day against the posting
frequency, with the warnings a manager should see before the plan goes out of bounds.

A post counts on the day it goes out (published) or is planned (a draft with a time, awaiting
approval, scheduled, publishing). Its tone is its own, else its rubric's default tone. Shares are
of the posts that have a tone; a post without one counts in the per-day figures only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.communities.models import Community, Tone
from communa.planner.selectors.calendar import bounds, month_of, week_of
from communa.planner.selectors.plans import mix_targets_of, zone_of
from communa.walls.models import Post, PostStatus

PLANNED = (
    PostStatus.DRAFT,
    PostStatus.PENDING,
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
)


@dataclass
class ToneShare:
    """One tone's share of the period against its target."""

    tone: str
    label: str
    count: int
    share: int  # percent of the posts with a tone
    target: int
    within: bool


@dataclass
class Mix:
    """The advisor's figures for one period."""

    period: str
    first: date
    last: date
    total: int
    tones: list[ToneShare]
    promotional: int
    promotional_share: int
    promotional_limit: int
    per_day: list[tuple[date, int]]
    min_per_day: int
    max_per_day: int
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "first": self.first,
            "last": self.last,
            "total": self.total,
            "tones": [vars(share) for share in self.tones],
            "promotional": self.promotional,
            "promotional_share": self.promotional_share,
            "promotional_limit": self.promotional_limit,
            "per_day": [{"day": day, "posts": count} for day, count in self.per_day],
            "min_per_day": self.min_per_day,
            "max_per_day": self.max_per_day,
            "warnings": self.warnings,
        }


def period_of(period: str, day: date) -> tuple[date, date]:
    """The week (Monday to Sunday) or month around `day`."""
    return month_of(day) if period == "month" else week_of(day)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def mix_of(
    community: Community,
    *,
    period: str,
    day: date,
    moving: tuple[Post, datetime] | None = None,
) -> Mix:
    """The mix of the week or month around `day`; `moving` counts one post at a new time as if
    the change were made (the warning before approving, scheduling or moving it)."""
    first, last = period_of(period, day)
    start, end = bounds(community, first, last)
    zone = zone_of(community)
    targets = mix_targets_of(community)
    posts = Post.objects.filter(community=community).filter(
        Q(status__in=PLANNED, scheduled_at__gte=start, scheduled_at__lt=end)
        | Q(status=PostStatus.PUBLISHED, published_at__gte=start, published_at__lt=end)
    )
    if moving is not None:
        posts = posts.exclude(pk=moving[0].pk)
    rows: list[tuple[datetime, str, bool]] = []
    for status, published_at, scheduled_at, tone, default_tone, promotional in posts.values_list(
        "status", "published_at", "scheduled_at", "tone", "rubric__default_tone", "promotional"
    ):
        moment = published_at if status == PostStatus.PUBLISHED else scheduled_at
        if moment is not None:
            rows.append((moment, tone or default_tone or "", promotional))
    if moving is not None:
        post, at = moving
        if start <= at < end:
            default = post.rubric.default_tone if post.rubric else ""
            rows.append((at, post.tone or default or "", post.promotional))
    tones = Counter(tone for _moment, tone, _promo in rows if tone)
    with_tone = sum(tones.values())
    shares = []
    for tone, label in Tone.choices:
        target = getattr(targets, tone)
        share = _percent(tones[tone], with_tone)
        within = not with_tone or abs(share - target) <= targets.tolerance
        shares.append(ToneShare(tone, str(label), tones[tone], share, target, within))
    promotional_count = sum(1 for _moment, _tone, promo in rows if promo)
    per_day_count = Counter(moment.astimezone(zone).date() for moment, _tone, _p in rows)
    per_day = [
        (first + timedelta(days=n), per_day_count[first + timedelta(days=n)])
        for n in range((last - first).days + 1)
    ]
    mix = Mix(
        period=period,
        first=first,
        last=last,
        total=len(rows),
        tones=shares,
        promotional=promotional_count,
        promotional_share=_percent(promotional_count, len(rows)),
        promotional_limit=targets.promotional_limit,
        per_day=per_day,
        min_per_day=targets.min_per_day,
        max_per_day=targets.max_per_day,
    )
    mix.warnings = _warnings(mix, today=timezone.now().astimezone(zone).date())
    return mix


def _warnings(mix: Mix, *, today: date) -> list[str]:
    warnings = []
    for share in mix.tones:
        if not share.within:
            warnings.append(
                _("%(tone)s posts are %(share)d %% of the plan; the target is %(target)d %%.")
                % {"tone": share.label, "share": share.share, "target": share.target}
            )
    if mix.promotional_share > mix.promotional_limit:
        warnings.append(
            _("Promotional posts are %(share)d %% of the plan, above the limit of %(limit)d %%.")
            % {"share": mix.promotional_share, "limit": mix.promotional_limit}
        )
    for day, count in mix.per_day:
        if count > mix.max_per_day:
            warnings.append(
                _("%(day)s has %(count)d posts, more than %(max)d a day.")
                % {"day": day.isoformat(), "count": count, "max": mix.max_per_day}
            )
        elif count < mix.min_per_day and day >= today:
            warnings.append(
                _("%(day)s has %(count)d posts, fewer than %(min)d a day.")
                % {"day": day.isoformat(), "count": count, "min": mix.min_per_day}
            )
    return warnings


def new_warnings(before: Mix, after: Mix) -> list[str]:
    """The warnings a change would add: what to tell a manager before they make it."""
    return [warning for warning in after.warnings if warning not in before.warnings]

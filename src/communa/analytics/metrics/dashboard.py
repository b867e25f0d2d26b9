"""The community dashboard (R9.3): every figure of a period beside the period before it.

The page, the API, the CSV and the printable report all read `dashboard()`; each figure comes
from one query function of `metrics.community` or `metrics.posts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.analytics.metrics import community as figures
from communa.analytics.metrics.posts import (
    GroupRates,
    PostFigures,
    Rates,
    counts_in,
    figures_of_ids,
    rates_by,
    rates_of,
    rubric_labels,
    top_posts,
)
from communa.analytics.periods import Period


@dataclass(frozen=True)
class Compared:
    """A figure of the period and of the period before it."""

    key: str
    label: str
    value: float | None
    previous: float | None
    kind: str = "count"  # "count" or "rate" (a fraction, shown as a percentage)

    @property
    def change(self) -> float | None:
        """The relative change from the previous period (None when it was 0 or unknown)."""
        if self.value is None or not self.previous:
            return None
        return (self.value - self.previous) / abs(self.previous)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows for one period."""

    period: Period
    previous: Period
    headline: list[Compared]
    growth: figures.Growth
    reach: figures.Reach
    impressions: dict[str, int]
    actions: list[Compared]
    rates: Rates
    previous_rates: Rates
    er_day: list[tuple[date, float | None]]
    er_day_average: float | None
    by_rubric: list[GroupRates]
    by_tone: list[GroupRates]
    top_posts: list[PostFigures]
    joins_by_source: list[tuple[str, int]]
    joins_by_campaign: list[tuple[str, int]]
    audience: figures.Audience
    daily: list[dict[str, Any]]


ACTIONS = (
    ("likes", gettext_lazy("Likes")),
    ("comments", gettext_lazy("Comments")),
    ("shares", gettext_lazy("Shares")),
    ("hides", gettext_lazy("Hides")),
    ("reports", gettext_lazy("Reports")),
    ("link_clicks", gettext_lazy("Link clicks")),
)


def dashboard(community: Any, period: Period) -> Dashboard:
    """The dashboard of `period`, compared with the period of the same length before it."""
    previous = period.previous()
    cells, earlier_cells = (
        figures.day_cells(community, period),
        figures.day_cells(community, previous),
    )
    summed, earlier = figures.totals(cells), figures.totals(earlier_cells)
    growth = figures.growth(community, period, cells)
    earlier_growth = figures.growth(community, previous, earlier_cells)
    reach = figures.reach(community, period)
    earlier_reach = figures.reach(community, previous, platforms=False)
    posts = counts_in(community, period)
    rates, earlier_rates = rates_of(posts), rates_of(counts_in(community, previous))
    rubrics = rubric_labels(community)
    er_day, er_day_average = figures.er_days(cells, growth.members)
    _earlier_days, earlier_er_day = figures.er_days(earlier_cells, earlier_growth.members)
    active = figures.active_members(community, period)
    earlier_active = figures.active_members(community, previous)
    summed["likes"] -= summed["unlikes"]
    earlier["likes"] -= earlier["unlikes"]
    headline = [
        Compared("members", _("Members"), growth.members_at_end, earlier_growth.members_at_end),
        Compared("net_growth", _("Net growth"), growth.net, earlier_growth.net),
        Compared("growth_rate", _("Growth rate"), growth.rate, earlier_growth.rate, "rate"),
        Compared("reach", _("Reach"), reach.total, earlier_reach.total),
        Compared("impressions", _("Impressions"), summed["impressions"], earlier["impressions"]),
        Compared("publications", _("Publications"), rates.posts, earlier_rates.posts),
        Compared(
            "er_reach",
            _("ER by reach (mean)"),
            rates.er_reach_mean,
            earlier_rates.er_reach_mean,
            "rate",
        ),
        Compared(
            "er_members",
            _("ER by members (mean)"),
            rates.er_members_mean,
            earlier_rates.er_members_mean,
            "rate",
        ),
        Compared("er_day", _("Average ERday"), er_day_average, earlier_er_day, "rate"),
        Compared("active_members", _("Active members"), active, earlier_active),
    ]
    daily = [
        {
            "day": day,
            "members": members,
            "joins": cells[day]["joins"],
            "leaves": cells[day]["leaves"],
            "blocks": cells[day]["blocks"],
            "reach": day_reach,
            "impressions": cells[day]["impressions"],
            "engagements": figures.engagements_of(cells[day]),
            "er_day": day_rate,
        }
        for (day, members), (_d1, day_reach), (_d2, day_rate) in zip(
            growth.members, reach.daily, er_day, strict=True
        )
    ]
    return Dashboard(
        period=period,
        previous=previous,
        headline=headline,
        growth=growth,
        reach=reach,
        impressions={
            "web": summed["impressions_web"],
            "mobile_web": summed["impressions_mobile_web"],
            "api": summed["impressions_api"],
            "all": summed["impressions"],
        },
        actions=[Compared(key, str(label), summed[key], earlier[key]) for key, label in ACTIONS],
        rates=rates,
        previous_rates=earlier_rates,
        er_day=er_day,
        er_day_average=er_day_average,
        by_rubric=rates_by(posts, "rubric", labels_of_rubrics=rubrics),
        by_tone=rates_by(posts, "tone"),
        top_posts=figures_of_ids([row.post_id for row in top_posts(posts)]),
        joins_by_source=figures.joins_by(community, period, "source"),
        joins_by_campaign=figures.joins_by(community, period, "utm_campaign"),
        audience=figures.audience(community),
        daily=daily,
    )

"""The dashboard's and the post table's figures as plain data: one shape for the API, the CSV
downloads and the pages' tables."""

from __future__ import annotations

from typing import Any

from communa.analytics.metrics.dashboard import Compared, Dashboard
from communa.analytics.metrics.posts import GroupRates, PostFigures, Rates

POST_COLUMNS = (
    "post_id",
    "published_at",
    "title",
    "rubric",
    "tone",
    "promotional",
    "members_at_publication",
    "reach",
    "impressions",
    "likes",
    "comments",
    "shares",
    "engagements",
    "er_reach",
    "er_members",
    "love_rate",
    "talk_rate",
    "amplification_rate",
    "virality_rate",
    "hides",
    "reports",
    "leaves_after_view",
    "negative",
    "negative_rate",
    "link_clicks",
    "ctr",
)
RATE_COLUMNS = (
    "posts",
    "engagements",
    "reach",
    "members",
    "er_reach_mean",
    "er_reach_pooled",
    "er_members_mean",
    "er_members_pooled",
    "love_rate",
    "talk_rate",
    "amplification_rate",
    "virality_rate",
    "negative_rate",
)
DAILY_COLUMNS = (
    "day",
    "members",
    "joins",
    "leaves",
    "blocks",
    "reach",
    "impressions",
    "engagements",
    "er_day",
)


def post_row(row: PostFigures) -> dict[str, Any]:
    return {column: getattr(row, column) for column in POST_COLUMNS}


def rates_row(rates: Rates) -> dict[str, Any]:
    return {column: getattr(rates, column) for column in RATE_COLUMNS}


def group_row(group: GroupRates) -> dict[str, Any]:
    return {"key": group.key, "label": group.label, **rates_row(group.rates)}


def compared_row(figure: Compared) -> dict[str, Any]:
    return {
        "key": figure.key,
        "label": figure.label,
        "kind": figure.kind,
        "value": figure.value,
        "previous": figure.previous,
        "change": figure.change,
    }


def _pairs(items: list[tuple[str, int]], name: str) -> list[dict[str, Any]]:
    return [{name: key, "count": count} for key, count in items]


def dashboard_out(found: Dashboard) -> dict[str, Any]:
    audience = found.audience
    return {
        "period": found.period.as_dict(),
        "previous_period": found.previous.as_dict(),
        "headline": [compared_row(figure) for figure in found.headline],
        "growth": {
            "joins": found.growth.joins,
            "leaves": found.growth.leaves,
            "blocks": found.growth.blocks,
            "net": found.growth.net,
            "rate": found.growth.rate,
            "members_at_start": found.growth.members_at_start,
            "members_at_end": found.growth.members_at_end,
            "joins_by_source": _pairs(found.joins_by_source, "source"),
            "joins_by_campaign": _pairs(found.joins_by_campaign, "utm_campaign"),
        },
        "reach": found.reach.by_platform,
        "impressions": found.impressions,
        "actions": [compared_row(figure) for figure in found.actions],
        "rates": rates_row(found.rates),
        "previous_rates": rates_row(found.previous_rates),
        "er_day_average": found.er_day_average,
        "by_rubric": [group_row(group) for group in found.by_rubric],
        "by_tone": [group_row(group) for group in found.by_tone],
        "top_posts": [post_row(row) for row in found.top_posts],
        "audience": {
            "as_of": audience.as_of,
            "members": audience.members,
            "gender": _pairs(audience.gender, "value"),
            "age": _pairs(audience.age, "value"),
            "country": _pairs(audience.country, "value"),
            "city": _pairs(audience.city, "value"),
            "language": _pairs(audience.language, "value"),
            "join_source": _pairs(audience.source, "value"),
        },
        "daily": found.daily,
    }

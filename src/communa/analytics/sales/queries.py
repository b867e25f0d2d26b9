"""Sales query functions (R9.9): clicks, impressions, CTR, conversions, revenue, conversion rate
and average order value per campaign and per post over a period (docs/metrics.md, "Traffic and
sales").

- Clicks are the link-click events of the period (`walls` records one per counted click of a
  tracked link, beside the link's and the post's counters).
- Impressions are the impression events of the period of the posts that carry tracked links;
  CTR = clicks / those impressions.
- Conversions are the orders shops reported with a conversion key whose moment falls in the
  period; conversion rate = conversions / clicks; revenue and average order value
  (revenue / orders) are per currency: amounts in different currencies are never added.
- A post's campaign is the `utm_campaign` its links carry (`walls.tracking.tags_of`); a
  conversion's is the one the shop reported. A conversion belongs to a post when its
  `utm_content` is "post-<id>" of one of the community's posts.

Every function reads a fixed number of queries, whatever the number of campaigns or posts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.db.models import Count, Sum

from communa.analytics.models import Conversion, ConversionKey, EventKind, PostDay
from communa.analytics.periods import Period
from communa.communities.models import Community
from communa.core.links import campaigns_of as named_campaigns
from communa.walls.models import LinkTags, Post, TrackedLink
from communa.walls.tracking import rubric_campaign

SORTS: Final = (
    "name",
    "clicks",
    "impressions",
    "ctr",
    "conversions",
    "conversion_rate",
)
DEFAULT_SORT: Final = "-clicks"
HUNDRED: Final = Decimal(100)
CENT: Final = Decimal("0.01")


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part / whole` as a percentage with two decimals; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT)


@dataclass
class SalesRow:
    """The figures of one campaign or one post over a period."""

    key: str
    name: str
    post_id: int | None = None
    clicks: int = 0
    impressions: int = 0
    conversions: int = 0
    revenue: dict[str, Decimal] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)

    @property
    def ctr(self) -> Decimal | None:
        return rate(self.clicks, self.impressions)

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.conversions, self.clicks)

    @property
    def average_order_value(self) -> dict[str, Decimal]:
        return {
            currency: (amount / self.orders[currency]).quantize(CENT)
            for currency, amount in self.revenue.items()
            if self.orders.get(currency)
        }

    @property
    def currencies(self) -> list[str]:
        return sorted(self.revenue)


def campaigns_of(posts: Iterable[Post]) -> dict[int, str]:
    """The `utm_campaign` each post's links carry, read for many posts in two queries.

    The same rule as `walls.tracking.tags_of`: the team's choice for the post, else the campaign
    of the promotion it belongs to (the planner's answer to `core.links.LinkCampaigns`, asked
    for all posts at once), else its rubric. Posts need their rubric loaded."""
    posts = list(posts)
    ids = [post.pk for post in posts]
    chosen = dict(
        LinkTags.objects.filter(post_id__in=ids)
        .exclude(utm_campaign="")
        .values_list("post_id", "utm_campaign")
    )
    promoted = named_campaigns(posts)
    return {
        post.pk: chosen.get(post.pk) or promoted.get(post.pk) or rubric_campaign(post)
        for post in posts
    }


_COLUMN: dict[str, str] = {EventKind.LINK_CLICK: "link_clicks", EventKind.IMPRESSION: "impressions"}


def _per_post(community: Community, period: Period, kind: str, post_ids: Any = None) -> dict:
    """Link clicks or impressions per post over the period, from the worker's day cells."""
    cells = PostDay.objects.filter(community=community, day__gte=period.first, day__lte=period.last)
    if post_ids is not None:
        cells = cells.filter(post_id__in=post_ids)
    return {
        post_id: total
        for post_id, total in cells.values("post_id")
        .annotate(n=Sum(_COLUMN[kind]))
        .values_list("post_id", "n")
        if total
    }


def _posts_with_links(community: Community) -> Any:
    return TrackedLink.objects.filter(post__community=community).values("post_id")


def _conversions(community: Community, period: Period) -> Any:
    return Conversion.objects.filter(
        community=community, occurred_at__gte=period.start, occurred_at__lt=period.end
    )


def _add_sales(row: SalesRow, currency: str, orders: int, amount: Decimal) -> None:
    row.conversions += orders
    row.orders[currency] = row.orders.get(currency, 0) + orders
    row.revenue[currency] = row.revenue.get(currency, Decimal(0)) + amount


def _sorted(rows: list[SalesRow], sort: str) -> list[SalesRow]:
    """Rows by a column of SORTS ("-" first: largest first), then by name; rows without the
    figure (a CTR without impressions) go last either way."""
    name = sort.removeprefix("-")
    if name not in SORTS:
        sort = DEFAULT_SORT
        name = sort.removeprefix("-")

    def value(row: SalesRow) -> Any:
        return row.name.casefold() if name == "name" else getattr(row, name)

    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.key))
    present = [row for row in by_name if value(row) is not None]
    present.sort(key=value, reverse=sort.startswith("-"))
    return present + [row for row in by_name if value(row) is None]


def sales_by_campaign(
    community: Community, period: Period, *, sort: str = DEFAULT_SORT
) -> list[SalesRow]:
    """Per `utm_campaign`: clicks, impressions of the posts carrying its links, CTR,
    conversions, revenue and AOV per currency, conversion rate. Five queries."""
    clicks = _per_post(community, period, EventKind.LINK_CLICK)
    impressions = _per_post(
        community, period, EventKind.IMPRESSION, post_ids=_posts_with_links(community)
    )
    posts = Post.objects.filter(pk__in=set(clicks) | set(impressions)).select_related("rubric")
    campaign = campaigns_of(posts)
    rows: dict[str, SalesRow] = {}

    def row_of(name: str) -> SalesRow:
        return rows.setdefault(name, SalesRow(key=name, name=name))

    for post_id, count in clicks.items():
        row_of(campaign.get(post_id, "")).clicks += count
    for post_id, count in impressions.items():
        row_of(campaign.get(post_id, "")).impressions += count
    sold = (
        _conversions(community, period)
        .values("utm_campaign", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for found in sold:
        _add_sales(row_of(found["utm_campaign"]), found["currency"], found["n"], found["amount"])
    return _sorted(list(rows.values()), sort)


def sales_by_post(
    community: Community, period: Period, *, sort: str = DEFAULT_SORT
) -> list[SalesRow]:
    """Per post that carries tracked links or was named by a conversion's `utm_content`: the
    same figures as per campaign. Four queries."""
    clicks = _per_post(community, period, EventKind.LINK_CLICK)
    impressions = _per_post(
        community, period, EventKind.IMPRESSION, post_ids=_posts_with_links(community)
    )
    sold = list(
        _conversions(community, period)
        .exclude(post_id=None)
        .values("post_id", "currency")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    ids = set(clicks) | set(impressions) | {found["post_id"] for found in sold}
    posts = {post.pk: post for post in Post.objects.filter(pk__in=ids, community=community)}
    rows: dict[int, SalesRow] = {
        pk: SalesRow(key=f"post-{pk}", name=_post_name(post), post_id=pk)
        for pk, post in posts.items()
    }
    for post_id, count in clicks.items():
        if post_id in rows:
            rows[post_id].clicks += count
    for post_id, count in impressions.items():
        if post_id in rows:
            rows[post_id].impressions += count
    for found in sold:
        if found["post_id"] in rows:
            _add_sales(rows[found["post_id"]], found["currency"], found["n"], found["amount"])
    return _sorted(list(rows.values()), sort)


def _post_name(post: Post) -> str:
    return str(post)[:80]


def totals(rows: list[SalesRow]) -> SalesRow:
    """The sum of rows (clicks, impressions, conversions, revenue and orders per currency)."""
    total = SalesRow(key="", name="")
    for row in rows:
        total.clicks += row.clicks
        total.impressions += row.impressions
        for currency, amount in row.revenue.items():
            _add_sales(total, currency, row.orders[currency], amount)
    return total


def conversion_keys(community: Community) -> list[ConversionKey]:
    """The community's conversion keys, newest first, revoked ones too."""
    return list(ConversionKey.objects.filter(community=community))

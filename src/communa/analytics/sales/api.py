"""The sales API (R9.9): the conversion endpoint a shop calls, the community's conversion keys,
and clicks, CTR, conversions, revenue, conversion rate and AOV per campaign and per post."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from ninja.security import APIKeyHeader, HttpBearer

from communa.accounts.http import AuthedRequest
from communa.analytics.models import Conversion, ConversionKey
from communa.analytics.periods import Period
from communa.analytics.sales import actions
from communa.analytics.sales import queries as selectors
from communa.analytics.schemas import PeriodOut, PeriodQuery
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.schemas import Moment, OneOf, RowId, Strict

KEY_HEADER = "X-Communa-Conversion-Key"


class ConversionKeyBearer(HttpBearer):
    """`Authorization: Bearer cck_…` with a community's conversion key."""

    openapi_description = (
        "A community's conversion key (Manage → Settings → Conversion keys), sent by a shop."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ConversionKey | None:
        return actions.key_for(token)


class ConversionKeyHeader(APIKeyHeader):
    """The same key in the `X-Communa-Conversion-Key` header."""

    param_name = KEY_HEADER
    openapi_description = "A community's conversion key, in its own header."

    def authenticate(self, request: HttpRequest, key: str | None) -> ConversionKey | None:
        return actions.key_for(key) if key else None


conversions_router = Router(
    tags=["conversions"], auth=[ConversionKeyBearer(), ConversionKeyHeader()]
)
router = Router(tags=["sales"])

UtmValue = Annotated[str, Field(max_length=100)]
SortName = Annotated[str, OneOf([*selectors.SORTS, *(f"-{name}" for name in selectors.SORTS)])]


class ConversionIn(Strict):
    order_id: Annotated[
        str,
        Field(
            max_length=100,
            description="The shop's order id: a repeat "
            "with the same amount and currency is answered, not counted.",
        ),
    ]
    amount: Annotated[
        str,
        Field(
            max_length=32,
            description='The order\'s total as text, such as "49.90": no binary fractions. At most '
            "as many decimals as the currency has (ISO 4217).",
        ),
    ]
    currency: Annotated[str, Field(max_length=3, description="ISO 4217, such as EUR.")]
    utm_source: UtmValue = Field(description="Required: only UTM-tagged visits are recorded.")
    utm_medium: UtmValue = ""
    utm_campaign: UtmValue = ""
    utm_content: UtmValue = Field(
        "", description='"post-<id>" (what tracked links carry) attributes the order to a post.'
    )
    occurred_at: Moment | None = Field(
        None,
        description="When the order was placed; now if left out. Not more than 5 minutes ahead, "
        "not before the community existed.",
    )


class ConversionOut(Schema):
    id: int
    order_id: str
    amount: str
    currency: str
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    post_id: int | None
    occurred_at: datetime
    received_at: datetime


def conversion_out(conversion: Conversion) -> dict[str, Any]:
    return {
        "id": conversion.pk,
        "order_id": conversion.order_id,
        "amount": str(conversion.amount.normalize() if conversion.amount else Decimal(0)),
        "currency": conversion.currency,
        "utm_source": conversion.utm_source,
        "utm_medium": conversion.utm_medium,
        "utm_campaign": conversion.utm_campaign,
        "utm_content": conversion.utm_content,
        "post_id": conversion.post_id,
        "occurred_at": conversion.occurred_at,
        "received_at": conversion.received_at,
    }


@conversions_router.post("/conversions", response={200: ConversionOut, 201: ConversionOut})
def report_conversion(request: HttpRequest, payload: ConversionIn) -> Status:
    """Report an order from a UTM-tagged visit, authenticated by the community's conversion key.

    201: recorded. 200: this order id was recorded before with the same amount and currency; the
    stored row is answered and nothing is counted twice. 409: the order id was recorded with
    another amount or currency. 401: no key, a wrong or a revoked key. 429: the key's limit per
    minute."""
    key: ConversionKey = request.auth  # type: ignore[attr-defined]
    done = actions.record_conversion(key=key, data=payload.model_dump())
    return Status(201 if done.created else 200, conversion_out(done.conversion))


# -- Keys -----------------------------------------------------------------------------------


class KeyOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The start of the key, to tell keys apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewKeyOut(KeyOut):
    key: str = Field(description="The whole key: shown this once, never again.")


class KeyIn(Strict):
    name: Annotated[str, Field(max_length=100)]


def key_out(key: ConversionKey, plaintext: str | None = None) -> dict[str, Any]:
    out = {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }
    if plaintext is not None:
        out["key"] = plaintext
    return out


@router.get("/communities/{slug}/conversion-keys", response=list[KeyOut])
def list_conversion_keys(request: AuthedRequest, slug: str) -> list[dict[str, Any]]:
    """The community's conversion keys, newest first, revoked ones too (EDIT_SETTINGS)."""
    community, _standing = community_for(request.auth, slug, Action.EDIT_SETTINGS)
    return [key_out(key) for key in selectors.conversion_keys(community)]


@router.post("/communities/{slug}/conversion-keys", response={201: NewKeyOut})
def create_conversion_key(request: AuthedRequest, slug: str, payload: KeyIn) -> Status:
    """Make a conversion key (EDIT_SETTINGS); the whole key is in this answer only."""
    community, _standing = community_for(request.auth, slug, Action.EDIT_SETTINGS)
    key, plaintext = actions.create_conversion_key(
        actor=request.auth, community=community, name=payload.name
    )
    return Status(201, key_out(key, plaintext))


@router.post("/communities/{slug}/conversion-keys/{key_id}/rotate", response=NewKeyOut)
def rotate_conversion_key(request: AuthedRequest, slug: str, key_id: RowId) -> dict[str, Any]:
    """Replace a key by a new one of the same name: the old one stops working at once."""
    community, _standing = community_for(request.auth, slug, Action.EDIT_SETTINGS)
    key, plaintext = actions.rotate_conversion_key(
        actor=request.auth, community=community, key_id=key_id
    )
    return key_out(key, plaintext)


@router.delete("/communities/{slug}/conversion-keys/{key_id}", response={204: None})
def revoke_conversion_key(request: AuthedRequest, slug: str, key_id: RowId) -> Status:
    """Revoke a key; the conversions it reported stay."""
    community, _standing = community_for(request.auth, slug, Action.EDIT_SETTINGS)
    actions.revoke_conversion_key(actor=request.auth, community=community, key_id=key_id)
    return Status(204, None)


# -- Figures --------------------------------------------------------------------------------


class SalesQuery(PeriodQuery):
    sort: SortName = Field(
        selectors.DEFAULT_SORT, description="A column; a leading `-` sorts largest first."
    )


class MoneyOut(Schema):
    currency: str
    revenue: str
    orders: int
    average_order_value: str


class SalesRowOut(Schema):
    key: str = Field(description="The campaign (`utm_campaign`, empty: none), or post-<id>.")
    name: str
    post_id: int | None
    clicks: int
    impressions: int = Field(description="Of the posts that carry tracked links.")
    ctr: str | None = Field(description="clicks / impressions, in %; null without impressions.")
    conversions: int
    conversion_rate: str | None = Field(description="conversions / clicks, in %.")
    money: list[MoneyOut] = Field(description="Revenue, orders and AOV per currency.")


class SalesOut(Schema):
    period: PeriodOut
    rows: list[SalesRowOut]
    total: SalesRowOut


def row_out(row: selectors.SalesRow) -> dict[str, Any]:
    aov = row.average_order_value
    return {
        "key": row.key,
        "name": row.name,
        "post_id": row.post_id,
        "clicks": row.clicks,
        "impressions": row.impressions,
        "ctr": _text(row.ctr),
        "conversions": row.conversions,
        "conversion_rate": _text(row.conversion_rate),
        "money": [
            {
                "currency": currency,
                "revenue": str(row.revenue[currency].quantize(selectors.CENT)),
                "orders": row.orders[currency],
                "average_order_value": str(aov[currency]),
            }
            for currency in row.currencies
        ],
    }


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)


def sales_out(period: Period, rows: list[selectors.SalesRow]) -> dict[str, Any]:
    return {
        "period": period.as_dict(),
        "rows": [row_out(row) for row in rows],
        "total": row_out(selectors.totals(rows)),
    }


def _period(community: Any, query: PeriodQuery) -> Period:
    return query.period_in(community)


@router.get("/communities/{slug}/stats/sales/campaigns", response=SalesOut)
def sales_by_campaign(
    request: AuthedRequest, slug: str, query: Query[SalesQuery]
) -> dict[str, Any]:
    """Per campaign over a period: clicks, impressions, CTR, conversions, conversion rate,
    revenue and AOV per currency (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    return sales_out(period, selectors.sales_by_campaign(community, period, sort=query.sort))


@router.get("/communities/{slug}/stats/sales/posts", response=SalesOut)
def sales_by_post(request: AuthedRequest, slug: str, query: Query[SalesQuery]) -> dict[str, Any]:
    """The same figures per post that carries tracked links or was named by a conversion."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = _period(community, query)
    return sales_out(period, selectors.sales_by_post(community, period, sort=query.sort))

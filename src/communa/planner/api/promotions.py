"""The planner API: the promotions calendar (R8.6): contests, ad campaigns, discounts and
launches, and the posts of each. The team's working material: PLAN_CONTENT reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.responses import Status

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.pagination import page_size
from communa.core.schemas import Cursor, Day, OneOf, Page, PageLimit, RowId, Strict
from communa.planner.actions import promotions as actions
from communa.planner.api.routers import router
from communa.planner.models import Promotion, PromotionKind
from communa.planner.selectors import promotions as selectors
from communa.walls.models import Post

KindName = Annotated[str, OneOf(PromotionKind.values)]
PromotionName = Annotated[str, Field(max_length=120)]
Description = Annotated[str, Field(max_length=2000)]
Campaign = Annotated[
    str,
    Field(
        max_length=64,
        description="The `utm_campaign` of the promotion's links: Latin letters, digits, `-` and "
        "`_`. Blank or left out: made from the name.",
    ),
]


class PromotionOut(Schema):
    id: int
    kind: str
    name: str
    starts_on: date
    ends_on: date
    description: str
    campaign: str
    status: str = Field(description="`upcoming`, `current` or `over`, by the community's today.")


class PromotionPostOut(Schema):
    id: int
    title: str = Field(description="The title, or the start of the text.")
    status: str
    rubric: str | None
    scheduled_at: datetime | None
    published_at: datetime | None

    @staticmethod
    def resolve_title(obj: Post) -> str:
        return str(obj)

    @staticmethod
    def resolve_rubric(obj: Post) -> str | None:
        return obj.rubric.label if obj.rubric is not None else None


class PromotionDetailOut(PromotionOut):
    posts: list[PromotionPostOut] = Field(
        description="Its posts and drafts in time order (the first 200)."
    )


class PromotionIn(Strict):
    kind: KindName
    name: PromotionName
    starts_on: Day
    ends_on: Day
    description: Description = ""
    campaign: Campaign = ""


class PromotionPatch(Strict):
    kind: KindName | None = None
    name: PromotionName | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    description: Description | None = None
    campaign: Campaign | None = None


def promotion_out(promotion: Promotion, today: date) -> dict[str, Any]:
    """A promotion as the API shows it; `status` says where it stands on `today`."""
    if promotion.starts_on > today:
        status = "upcoming"
    elif promotion.ends_on < today:
        status = "over"
    else:
        status = "current"
    return {
        "id": promotion.pk,
        "kind": promotion.kind,
        "name": promotion.name,
        "starts_on": promotion.starts_on,
        "ends_on": promotion.ends_on,
        "description": promotion.description,
        "campaign": promotion.campaign,
        "status": status,
    }


def _detail(promotion: Promotion) -> dict[str, Any]:
    return {
        **promotion_out(promotion, selectors.today_in(promotion.community)),
        "posts": selectors.promotion_posts(promotion),
    }


def _promotion(request: AuthedRequest, promotion_id: int) -> Promotion:
    """The promotion, 404 unless its community is visible, 403 unless the person plans there."""
    promotion = selectors.promotion_by_id(promotion_id)
    community_for(request.auth, promotion.community.slug, Action.PLAN_CONTENT)
    return promotion


def _given(payload: Strict) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


@router.get("/communities/{slug}/promotions", response=Page[PromotionOut])
def list_promotions(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's promotions: current and upcoming ones first (by their first day), then
    those over (the latest first)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    today = selectors.today_in(community)
    page = selectors.promotions_page(community, cursor=cursor, limit=page_size(limit), today=today)
    return {
        "items": [promotion_out(promotion, today) for promotion in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/communities/{slug}/promotions", response={201: PromotionDetailOut})
def create_promotion(request: AuthedRequest, slug: str, payload: PromotionIn) -> Status:
    """Put a promotion on the calendar; `ends_on` before `starts_on` is a 422."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    promotion = actions.create_promotion(
        actor=request.auth, community=community, data=_given(payload)
    )
    return Status(201, _detail(promotion))


@router.get("/promotions/{promotion_id}", response=PromotionDetailOut)
def get_promotion(request: AuthedRequest, promotion_id: RowId) -> dict[str, Any]:
    """One promotion with its posts and drafts, each with its status and time."""
    return _detail(_promotion(request, promotion_id))


@router.patch("/promotions/{promotion_id}", response=PromotionDetailOut)
def update_promotion(
    request: AuthedRequest, promotion_id: RowId, payload: PromotionPatch
) -> dict[str, Any]:
    """Change a promotion; a blank `campaign` is made again from the name."""
    promotion = actions.update_promotion(
        actor=request.auth, promotion=_promotion(request, promotion_id), data=_given(payload)
    )
    return _detail(promotion)


@router.delete("/promotions/{promotion_id}", response={204: None})
def delete_promotion(request: AuthedRequest, promotion_id: RowId) -> Status:
    """Take a promotion off the calendar; its posts stay."""
    actions.delete_promotion(actor=request.auth, promotion=_promotion(request, promotion_id))
    return Status(204, None)

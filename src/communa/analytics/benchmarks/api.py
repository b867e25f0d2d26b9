"""The benchmarks API (R9.10): watched pages, their posts, and the comparison with the community.

Reads need VIEW_STATISTICS (owner, administrators, editors, analysts); importing and deleting a
watched page need PLAN_CONTENT (owner, administrators, editors): ADR 0016. Members are refused
(403) and outsiders of a private community get the 404 of any hidden community.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from communa.accounts.http import AuthedRequest
from communa.analytics.benchmarks import actions, queries
from communa.analytics.benchmarks.parsers import POST_FIELDS
from communa.analytics.models import ImportFormat, WatchedPage, WatchedPost
from communa.analytics.schemas import PeriodQuery
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.errors import ValidationFailed
from communa.core.pagination import keyset_page, page_size
from communa.core.schemas import Cursor, Page, PageLimit, RowId

router = Router(tags=["analytics"])


class WatchedPageOut(Schema):
    id: int
    name: str
    format: str = Field(description="The layout it was read in: " + ", ".join(ImportFormat.values))
    file_name: str
    year: int | None = Field(description="The year that dates its months, if one was given.")
    posts: int
    imported_at: datetime


class WatchedPostOut(Schema):
    row: int = Field(description="Its row in the file (the header of a CSV is row 1).")
    kind: str
    rubric: str
    published_at: datetime | None
    month: int | None
    weekday: int | None = Field(description="0 = Monday … 6 = Sunday.")
    hour: int | None
    members: int | None = Field(description="Members at publication; null: not in the file.")
    reach: int | None
    impressions: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    engagements: int | None = Field(
        description="likes + comments + shares; null if one is unknown."
    )
    paid: bool | None


class RateOut(Schema):
    mean: float | None = Field(description="Mean of the per-post rates (a fraction, 0.05 = 5 %).")
    pooled: float | None = Field(description="Σ engagements / Σ denominator.")
    posts: int = Field(description="The posts it rests on (engagements and denominator known).")


class ShareOut(Schema):
    name: str
    posts: int
    share: float


class SlotOut(Schema):
    index: int = Field(description="The hour (0–23) or weekday (0 = Monday).")
    posts: int
    er_by_members: float | None = Field(description="Mean ER by members of its posts.")


class MonthOut(Schema):
    month: str = Field(description="YYYY-MM, or MM when the file gives no year.")
    posts: int


class TopPostOut(Schema):
    row: int | None = Field(description="A watched post's row in its file.")
    post_id: int | None = Field(description="The community's own post.")
    title: str
    kind: str
    rubric: str
    month: str
    weekday: int | None
    hour: int | None
    engagements: int | None
    er_by_members: float | None
    er_by_reach: float | None


class SideOut(Schema):
    name: str
    own: bool = Field(description="True for the community itself.")
    page_id: int | None
    posts: int
    posts_per_month: float | None = Field(description="Posts / months covered (metrics.md).")
    reach: int = Field(description="Σ reach over `reach_posts` posts whose reach is known.")
    reach_posts: int
    er_by_members: RateOut
    er_by_reach: RateOut
    kinds: list[ShareOut]
    rubrics: list[ShareOut]
    weekdays: list[SlotOut]
    hours: list[SlotOut]
    per_month: list[MonthOut]
    best_weekday: int | None = Field(description="0 = Monday; null: too few posts to say.")
    best_hour: int | None
    top_posts: list[TopPostOut]


class ComparisonOut(Schema):
    period: dict[str, Any] = Field(description="The community's period (its own posts).")
    sides: list[SideOut] = Field(description="The community first, then each watched page.")


def page_out(page: WatchedPage, posts: int) -> dict[str, Any]:
    return {
        "id": page.pk,
        "name": page.name,
        "format": page.source_format,
        "file_name": page.file_name,
        "year": page.year,
        "posts": posts,
        "imported_at": page.imported_at,
    }


def post_out(post: WatchedPost) -> dict[str, Any]:
    values = {name: getattr(post, name) for name in (*POST_FIELDS, "row")}
    parts = (post.likes, post.comments, post.shares)
    values["engagements"] = None if None in parts else sum(p or 0 for p in parts)
    return values


def side_out(side: queries.Figures) -> dict[str, Any]:
    def rate(found: queries.Rate) -> dict[str, Any]:
        return {"mean": found.mean, "pooled": found.pooled, "posts": found.posts}

    return {
        "name": side.name,
        "own": side.own,
        "page_id": side.page_id,
        "posts": side.posts,
        "posts_per_month": side.posts_per_month,
        "reach": side.reach,
        "reach_posts": side.reach_posts,
        "er_by_members": rate(side.er_by_members),
        "er_by_reach": rate(side.er_by_reach),
        "kinds": [vars(s) for s in side.kinds],
        "rubrics": [vars(s) for s in side.rubrics],
        "weekdays": [vars(s) for s in side.weekdays],
        "hours": [vars(s) for s in side.hours],
        "per_month": [{"month": m, "posts": n} for m, n in side.per_month],
        "best_weekday": side.best_weekday,
        "best_hour": side.best_hour,
        "top_posts": [
            {
                "row": p.row,
                "post_id": p.post_id,
                "title": p.title,
                "kind": p.kind,
                "rubric": p.rubric,
                "month": p.month,
                "weekday": p.weekday,
                "hour": p.hour,
                "engagements": p.engagements,
                "er_by_members": p.er_by_members,
                "er_by_reach": p.er_by_reach,
            }
            for p in side.top_posts
        ],
    }


def _mapping(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        found = json.loads(text)
    except ValueError:
        found = None
    if not isinstance(found, dict):
        raise ValidationFailed(
            fields={"mapping": [_('Expected a JSON object such as {"likes": "Likes"}.')]}
        )
    return found


@router.get("/communities/{slug}/benchmarks", response=Page[WatchedPageOut])
def list_watched_pages(
    request: AuthedRequest, slug: str, cursor: Cursor = None, limit: PageLimit = None
) -> dict[str, Any]:
    """The community's watched pages by name, with their post counts (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    page = keyset_page(
        queries.watched_pages(community), ["name", "id"], cursor=cursor, limit=page_size(limit)
    )
    return {
        "items": [page_out(p, p.post_count) for p in page.items],  # type: ignore[attr-defined]
        "next_cursor": page.next_cursor,
    }


class ImportForm(Schema):
    name: str = Field(max_length=200, description="The watched page's name.")
    format: str = Field(
        ImportFormat.UCI_FACEBOOK, description="The layout: " + ", ".join(ImportFormat.values)
    )
    mapping: str = Field(
        "",
        max_length=5000,
        description='For csv and json: a JSON object field → column, e.g. {"likes": "Likes", '
        '"month": "Month"}; the fields: ' + ", ".join(POST_FIELDS) + ".",
    )
    year: int | None = Field(None, description="The year of the file's months (UCI layout).")


@router.post("/communities/{slug}/benchmarks", response={201: WatchedPageOut})
def import_watched_page(
    request: AuthedRequest, slug: str, file: File[UploadedFile], details: Form[ImportForm]
) -> Status:
    """Import an export (multipart: `file`, `name`, `format`, for csv/json a `mapping`,
    optional `year`) as the watched page `name`. A page of that name already watched gets the
    file's posts instead of its own, all at once. A bad row is a 422 whose `fields` name each
    "rows.<row>.<column>"; nothing is then imported (PLAN_CONTENT)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    page = actions.import_watched_page(
        actor=request.auth,
        community=community,
        name=details.name,
        source_format=details.format,
        data=actions.read_upload(file),
        file_name=file.name or "",
        mapping=_mapping(details.mapping),
        year=details.year,
    )
    return Status(201, page_out(page, page.imported_posts))  # type: ignore[attr-defined]


@router.get("/communities/{slug}/benchmarks/comparison", response=ComparisonOut)
def benchmark_comparison(
    request: AuthedRequest, slug: str, filters: Query[PeriodQuery]
) -> dict[str, Any]:
    """The community's posts of the period beside each watched page's: ER by members and by
    reach (mean and pooled), posting frequency, kind and rubric mix, best hour and weekday, top
    posts (VIEW_STATISTICS; docs/metrics.md, "Benchmarks")."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    period = filters.period_in(community, default="365")
    found = queries.benchmark_comparison(community, period)
    return {"period": period.as_dict(), "sides": [side_out(side) for side in found.sides]}


@router.get("/communities/{slug}/benchmarks/{page_id}", response=WatchedPageOut)
def get_watched_page(request: AuthedRequest, slug: str, page_id: RowId) -> dict[str, Any]:
    """One watched page (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    page = queries.watched_page_in(community, page_id)
    return page_out(page, page.posts.count())


@router.get("/communities/{slug}/benchmarks/{page_id}/posts", response=Page[WatchedPostOut])
def watched_page_posts(
    request: AuthedRequest,
    slug: str,
    page_id: RowId,
    cursor: Cursor = None,
    limit: PageLimit = None,
) -> dict[str, Any]:
    """A watched page's posts in file order, as imported (VIEW_STATISTICS)."""
    community, _standing = community_for(request.auth, slug, Action.VIEW_STATISTICS)
    page = queries.watched_page_in(community, page_id)
    found = queries.watched_posts_page(page, cursor=cursor, limit=page_size(limit))
    return {"items": [post_out(p) for p in found.items], "next_cursor": found.next_cursor}


@router.delete("/communities/{slug}/benchmarks/{page_id}", response={204: None})
def delete_watched_page(request: AuthedRequest, slug: str, page_id: RowId) -> Status:
    """Stop watching a page; its posts go with it (PLAN_CONTENT)."""
    community, _standing = community_for(request.auth, slug, Action.PLAN_CONTENT)
    actions.delete_watched_page(
        actor=request.auth, page=queries.watched_page_in(community, page_id)
    )
    return Status(204, None)

"""The automatic checks' settings API (R5.1, R5.2): what each check does in a community."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Router, Schema

from communa.accounts.http import AuthedRequest
from communa.communities.permissions import Action
from communa.communities.selectors import community_for
from communa.core.schemas import OneOf, Strict
from communa.moderation.filters.settings import read_filter_settings, save_filter_settings
from communa.moderation.models import Outcome

router = Router(tags=["moderation"])


class FiltersOut(Schema):
    outcomes: dict[str, str]
    stop_words: list[str]
    spam_domains: list[str]
    allowed_link_domains: list[str]
    max_links: int
    max_mentions: int
    customised: bool


class FiltersIn(Strict):
    # Each check's name (as in `outcomes` of the answer) and what it does now.
    outcomes: dict[str, Annotated[str, OneOf(Outcome.values)]] | None = None
    stop_words: list[str] | None = None
    spam_domains: list[str] | None = None
    allowed_link_domains: list[str] | None = None
    max_links: int | None = None
    max_mentions: int | None = None


@router.get("/communities/{slug}/moderation/filters", response=FiltersOut)
def get_filters(request: AuthedRequest, slug: str) -> dict[str, Any]:
    """What each automatic check does here, and the community's word and domain lists."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    return read_filter_settings(actor=request.auth, community=community).as_dict()


@router.patch("/communities/{slug}/moderation/filters", response=FiltersOut)
def patch_filters(request: AuthedRequest, slug: str, payload: FiltersIn) -> dict[str, Any]:
    """Change some settings: outcomes are publish, hide (obscene, stop words), hold or reject."""
    community, _standing = community_for(request.auth, slug, Action.SEE)
    data = payload.model_dump(exclude_none=True)
    return save_filter_settings(actor=request.auth, community=community, data=data).as_dict()

"""The manage area of a community: a registry of its pages and of the counts of what waits.

Each app registers its pages (`register_page`) and its waiting counts (`register_waiting`) in its
`AppConfig.ready()`, so a new app (planner, analytics, shop, inbox) adds its pages without
communities importing it: the imports keep pointing down (docs/architecture.md, "Layers"). An
entry is shown only to those whose role may do its action (`permissions.can`), and every count
of every community a page needs is read in one statement (one subquery per count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from communa.communities import selectors
from communa.communities.models import Community, JoinRequest, RequestStatus
from communa.communities.permissions import TEAM, Action, Relation, Standing, can


class Group(StrEnum):
    """The sections of the manage area, in the order they are shown."""

    CONTENT = "content"
    ENGAGEMENT = "engagement"
    PEOPLE = "people"
    MODERATION = "moderation"
    STATISTICS = "statistics"
    SETTINGS = "settings"


GROUP_LABELS: dict[Group, Promise] = {
    Group.CONTENT: _("Content"),
    Group.ENGAGEMENT: _("Engagement"),
    Group.PEOPLE: _("People"),
    Group.MODERATION: _("Moderation"),
    Group.STATISTICS: _("Statistics"),
    Group.SETTINGS: _("Settings"),
}


@dataclass(frozen=True)
class ManagePage:
    """One page of the manage area: where it is, what it is called, who may open it.

    `key` is what the page passes as `current` to `views.page_context` (by default the last part
    of the URL name); `waiting` names the counts shown next to it; `applies` hides the page in
    communities it makes no sense for (suggestions outside public pages).
    """

    group: Group
    url_name: str
    label: Promise | str
    action: Action
    order: int = 100
    key: str = ""
    waiting: tuple[str, ...] = ()
    applies: Callable[[Community], bool] | None = None

    @property
    def current(self) -> str:
        return self.key or self.url_name.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class WaitingCount:
    """A count of rows waiting for the team: a subquery counting them for `OuterRef("pk")`."""

    name: str
    label: Promise | str
    action: Action
    subquery: Callable[[], Subquery]
    applies: Callable[[Community], bool] | None = None


_pages: dict[str, ManagePage] = {}
_counts: dict[str, WaitingCount] = {}


def register_page(page: ManagePage) -> None:
    """Add a page to the manage area (again under the same URL name: replace it)."""
    _pages[page.url_name] = page


def unregister_page(url_name: str) -> None:
    """Take a page out of the manage area (an app that is turned off, a test)."""
    _pages.pop(url_name, None)


def register_waiting(count: WaitingCount) -> None:
    """Add a count of what waits (held items, open reports, join requests...)."""
    _counts[count.name] = count


def registered_pages() -> list[ManagePage]:
    """Every registered page, by group and order."""
    groups = list(Group)
    return sorted(_pages.values(), key=lambda p: (groups.index(p.group), p.order, p.url_name))


def count_per_community(queryset: QuerySet[Any], field_name: str = "community") -> Subquery:
    """How many rows of `queryset` belong to the outer community: a subquery for annotations."""
    counted = (
        queryset.filter(**{field_name: OuterRef("pk")})
        .order_by()
        .values(field_name)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted, output_field=IntegerField())


def _pending_requests() -> Subquery:
    return count_per_community(JoinRequest.objects.filter(status=RequestStatus.PENDING))


def may_manage(standing: Standing) -> bool:
    """Whether the manage area is for this person: the community's team (not plain members)."""
    return standing.relation in TEAM


@dataclass
class Entry:
    """A page of the manage area as one person sees it in one community."""

    page: ManagePage
    url: str
    waiting: int = 0

    @property
    def current(self) -> str:
        return self.page.current

    @property
    def label(self) -> str:
        return str(self.page.label)


@dataclass
class Section:
    """A group of entries, with the sum of what waits in it."""

    group: Group
    entries: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self.group])

    @property
    def waiting(self) -> int:
        return sum(entry.waiting for entry in self.entries)

    @property
    def url(self) -> str:
        return self.entries[0].url


def visible_pages(community: Community, standing: Standing) -> list[ManagePage]:
    """The registered pages this person may open in this community."""
    return [
        page
        for page in registered_pages()
        if can(None, page.action, community, standing=standing)
        and (page.applies is None or page.applies(community))
    ]


def visible_counts(community: Community, standing: Standing) -> list[WaitingCount]:
    """The counts this person may see in this community (and that mean something in it)."""
    return [
        c
        for c in _counts.values()
        if can(None, c.action, community, standing=standing)
        and (c.applies is None or c.applies(community))
    ]


def waiting_counts(communities: Iterable[int], names: Iterable[str]) -> dict[int, dict[str, int]]:
    """The named counts for each community id, in one statement (no statement when none)."""
    ids, wanted = list(communities), [name for name in dict.fromkeys(names) if name in _counts]
    if not ids or not wanted:
        return {pk: {} for pk in ids}
    annotations = {
        f"waiting_{name}": Coalesce(_counts[name].subquery(), Value(0)) for name in wanted
    }
    rows = Community.objects.filter(pk__in=ids).annotate(**annotations).values("pk", *annotations)
    return {row["pk"]: {name: row[f"waiting_{name}"] for name in wanted} for row in rows}


def counts_for(community: Community, standing: Standing) -> dict[str, int]:
    """The counts this person may see in this community, in one statement."""
    names = [c.name for c in visible_counts(community, standing)]
    return waiting_counts([community.pk], names).get(community.pk, {})


def _url(page: ManagePage, community: Community) -> str | None:
    try:
        return reverse(page.url_name, args=[community.slug])
    except NoReverseMatch:  # an app whose URLs are not mounted on this site
        return None


def sections(
    community: Community, standing: Standing, *, counts: dict[str, int] | None = None
) -> list[Section]:
    """The manage area as this person sees it: groups of entries with what waits next to them.

    Without `counts`, the counts are read here in one statement.
    """
    pages = visible_pages(community, standing)
    if counts is None:
        counts = counts_for(community, standing)
    by_group: dict[Group, Section] = {}
    for page in pages:
        url = _url(page, community)
        if url is None:
            continue
        waiting = sum(counts.get(name, 0) for name in page.waiting)
        by_group.setdefault(page.group, Section(page.group)).entries.append(
            Entry(page, url, waiting)
        )
    return [by_group[group] for group in Group if group in by_group]


@dataclass
class Waiting:
    """One count of what waits in a community, with the page to open for it."""

    name: str
    label: str
    count: int
    url: str | None


def waiting_items(
    community: Community, standing: Standing, counts: dict[str, int]
) -> list[Waiting]:
    """What waits, count by count, with the page to open for it (the landing, the dashboard)."""
    pages = visible_pages(community, standing)
    found = []
    for count in visible_counts(community, standing):
        page = next((p for p in pages if count.name in p.waiting), None)
        url = _url(page, community) if page is not None else None
        found.append(Waiting(count.name, str(count.label), counts.get(count.name, 0), url))
    return found


@dataclass
class DashboardRow:
    """One community on the team's dashboard: my role there and what waits for me."""

    community: Community
    role: str
    waiting: list[Waiting]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.waiting)


def dashboard_of(user: Any) -> list[DashboardRow]:
    """What waits for this person in every community they help run: two statements in all."""
    memberships = list(
        selectors.managed_by(user)
        .select_related("community")
        .order_by("community__name", "community_id")
    )
    standings = [(m.community, Standing(Relation(m.role), membership=m)) for m in memberships]
    names = {c.name for pair in standings for c in visible_counts(*pair)}
    counts = waiting_counts([community.pk for community, _s in standings], names)
    return [
        DashboardRow(
            community,
            standing.membership.get_role_display() if standing.membership else "",
            waiting_items(community, standing, counts.get(community.pk, {})),
        )
        for community, standing in standings
    ]


def register_communities_pages() -> None:
    """The pages and counts communities itself brings (called from its `ready()`)."""
    for page in [
        ManagePage(Group.PEOPLE, "communities:members", _("Members"), Action.VIEW_CONTENT, 10),
        ManagePage(
            Group.PEOPLE,
            "communities:requests",
            _("Join requests"),
            Action.REVIEW_REQUESTS,
            20,
            waiting=("join_requests",),
        ),
        ManagePage(Group.PEOPLE, "communities:invite", _("Invitations"), Action.INVITE, 30),
        ManagePage(Group.PEOPLE, "communities:blocks", _("Blocked"), Action.BLOCK_MEMBERS, 40),
        ManagePage(Group.PEOPLE, "communities:team", _("Team"), Action.VIEW_TEAM, 50),
        ManagePage(
            Group.STATISTICS,
            "communities:member_sources",
            _("Join sources"),
            Action.VIEW_STATISTICS,
            10,
        ),
        ManagePage(Group.SETTINGS, "communities:settings", _("Settings"), Action.EDIT_SETTINGS, 10),
    ]:
        register_page(page)
    register_waiting(
        WaitingCount("join_requests", _("Join requests"), Action.REVIEW_REQUESTS, _pending_requests)
    )

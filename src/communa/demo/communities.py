"""The demo communities: created, furnished and joined through the communities actions.

The brand's group and its company page are open, so people join them from where they found
them (search, the shop's widget, ads with UTM tags...). The masterclass is a closed event:
people ask to join, saying where they came from, and its moderator lets them in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from communa.communities.actions import (
    create_community,
    decide_join_request,
    invite_to_community,
    join_community,
    request_to_join,
    request_verification,
    respond_to_invitation,
    save_wiki_page,
    set_community_image,
    set_member_role,
)
from communa.communities.models import Community
from communa.demo import images
from communa.demo.context import DemoContext, data
from communa.demo.people import People, Person
from communa.demo.timeline import Planned, Timeline

BRAND, PAGE, EVENT = "learn-to-cook", "kitchen-pro", "knife-skills-masterclass"


@dataclass(eq=False)
class Joined:
    """A person who joins a community at a moment (and so may read its wall from then on)."""

    person: Person
    at: datetime


@dataclass(eq=False)
class Place:
    """One demo community in the plan: its settings, its row once made, and who joins when."""

    spec: dict[str, Any]
    row: Planned
    created: datetime
    members: list[Joined] = field(default_factory=list)
    chosen: set[str] = field(default_factory=set)  # usernames of the pool members who join
    askers: set[str] = field(default_factory=set)  # usernames of those who ask, still waiting

    @property
    def slug(self) -> str:
        return str(self.spec["slug"])

    def community(self) -> Community:
        return self.row.get()


def _weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def _utm(rng: random.Random, slug: str, source: str) -> dict[str, str]:
    spec = data("communities")
    if source == "ad":
        return {
            "utm_source": rng.choice(spec["ad_sources"]),
            "utm_medium": "cpc",
            "utm_campaign": rng.choice(spec["ad_campaigns"][slug]),
            "utm_content": rng.choice(["banner-a", "banner-b", "video"]),
        }
    if source == "widget" and rng.random() < 0.7:
        return {"utm_source": "kitchenpro.example", "utm_medium": "widget"}
    if source == "crosspost" and rng.random() < 0.5:
        return {"utm_source": "telegram", "utm_medium": "social"}
    return {}


def _joined_at(rng: random.Random, now: datetime, days: float) -> datetime:
    # More joins lately than long ago, as a growing community has.
    return now - timedelta(days=days * rng.random() ** 1.4, minutes=rng.randint(1, 59))


class CommunityPlanner:
    """Plans the communities' creation, team, members and pending work on the timeline."""

    def __init__(self, ctx: DemoContext, timeline: Timeline, people: People) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.people = people
        self.rng = random.Random(ctx.rng.getrandbits(64))
        self.places: dict[str, Place] = {}

    def user(self, role: str) -> Any:
        return self.people.team[role].user

    def plan(self) -> dict[str, Place]:
        spec = data("communities")
        for community in spec["communities"]:
            created = self.ctx.days_ago(community["created_days_ago"])
            place = Place(community, Planned(community["slug"]), created)
            self.places[place.slug] = place
            self.timeline.add(created, lambda p=place: self.create(p))
            self.team(place)
        self.audience()
        self.event_requests()
        self.invitations()
        return self.places

    # -- creation --

    def create(self, place: Place) -> None:
        spec = data("communities")
        settings = dict(place.spec["settings"])
        if settings.get("description") == "@brand_description":
            settings["description"] = spec["brand_description"]
        if settings["kind"] == "event":
            starts = (self.ctx.now + timedelta(days=place.spec["starts_in_days"])).replace(
                hour=16, minute=0, second=0, microsecond=0
            )
            settings["event_starts_at"] = starts
            settings["event_ends_at"] = starts + timedelta(hours=2)
        owner = self.user("owner")
        community = create_community(actor=owner, data=settings)
        colors = tuple(place.spec["colors"])
        set_community_image(
            actor=owner,
            community=community,
            field="cover",
            upload=images.picture(f"cover-{place.slug}", (1590, 400), colors=colors),
        )
        set_community_image(
            actor=owner,
            community=community,
            field="avatar",
            upload=images.picture(f"avatar-{place.slug}", (200, 300), colors=colors),
        )
        place.row.row = community
        verification = place.spec.get("verification")
        if verification:
            request_verification(
                actor=owner,
                community=community,
                message=verification["message"],
                evidence_url=verification["evidence_url"],
            )

    def team(self, place: Place) -> None:
        """The team joins in the first days, and the owner (or the admin) appoints each."""
        entries = [e if isinstance(e, list) else [e, e] for e in place.spec["team"]]
        holds = [role for _person, role in entries]
        owner = self.people.team["owner"]
        place.members.append(Joined(owner, place.created))
        for offset, (who, role) in enumerate(entries, start=1):
            moment = place.created + timedelta(days=offset, hours=offset)
            person = self.people.team[who]
            place.members.append(Joined(person, moment))
            appointer = "owner" if role == "admin" or "admin" not in holds else "admin"
            if place.spec["settings"]["privacy"] == "open":
                self.timeline.add(
                    moment, lambda p=place, w=who, r=role, a=appointer: self.appoint(p, w, r, a)
                )
            else:
                self.timeline.add(moment, lambda p=place, w=who, r=role: self.invite_team(p, w, r))
        if place.slug == BRAND:
            wiki_at = place.created + timedelta(days=len(entries) + 1)
            self.timeline.add(wiki_at, lambda p=place: self.wiki(p))

    def appoint(self, place: Place, who: str, role: str, appointer: str) -> None:
        community = place.community()
        join_community(actor=self.user(who), community=community, source="direct")
        set_member_role(
            actor=self.user(appointer), community=community, user=self.user(who), role=role
        )

    def invite_team(self, place: Place, who: str, role: str) -> None:
        # A closed event: a team member comes in by invitation, as anyone may.
        community = place.community()
        owner, person = self.user("owner"), self.user(who)
        (invitation,) = invite_to_community(actor=owner, community=community, invitees=[person])
        respond_to_invitation(actor=person, invitation=invitation, accept=True)
        set_member_role(actor=owner, community=community, user=person, role=role)

    def wiki(self, place: Place) -> None:
        for position, page in enumerate(data("communities")["wiki_pages"]):
            save_wiki_page(
                actor=self.user("editor"),
                community=place.community(),
                slug=page["slug"],
                title=page["title"],
                body=page["body"],
                position=position,
            )

    # -- members --

    def audience(self) -> None:
        spec = data("communities")
        rng = self.rng
        pool = self.people.pool
        brand = self.places[BRAND]
        sources = brand.spec["named_members_join"]
        for person, (source, utm) in zip(self.people.named, sources, strict=False):
            at = _joined_at(rng, self.ctx.now, brand.spec["audience_days"])
            brand.members.append(Joined(person, at))
            self.timeline.add(at, lambda p=person, s=source, u=utm: self.join(brand, p, s, u))
        for slug, place in self.places.items():
            chosen = rng.sample(pool, spec["members_of"][slug])
            place.chosen = {p.username for p in chosen}
            mix = spec["source_mix"][slug]
            for person in chosen:
                source = _weighted(rng, mix)
                utm = _utm(rng, slug, source)
                at = max(
                    _joined_at(rng, self.ctx.now, place.spec["audience_days"]),
                    # after the team is in place (the moderator lets people into the event)
                    place.created + timedelta(days=len(place.spec["team"]) + 1),
                )
                if place.spec["settings"]["privacy"] == "open":
                    place.members.append(Joined(person, at))
                    self.timeline.add(
                        at, lambda p=place, q=person, s=source, u=utm: self.join(p, q, s, u)
                    )
                else:
                    # Asked, and let in by the moderator within a few hours.
                    decided = at + timedelta(hours=rng.uniform(0.5, 8))
                    place.members.append(Joined(person, decided))
                    ask = Planned(f"request-{person.username}")
                    self.timeline.add(
                        at,
                        lambda p=place, q=person, s=source, u=utm, k=ask: self.ask(
                            p, q, s, u, planned=k
                        ),
                    )
                    self.timeline.add(decided, lambda k=ask: self.let_in(k))

    def join(self, place: Place, person: Person, source: str, utm: dict[str, str]) -> None:
        join_community(actor=person.user, community=place.community(), source=source, utm=utm)

    def ask(
        self,
        place: Place,
        person: Person,
        source: str,
        utm: dict[str, str],
        *,
        planned: Planned,
        message: str = "",
    ) -> None:
        planned.row = request_to_join(
            actor=person.user, community=place.community(), message=message, source=source, utm=utm
        )

    def let_in(self, planned: Planned, *, approve: bool = True, reason: str = "") -> None:
        decide_join_request(
            actor=self.user("moderator"), join_request=planned.get(), approve=approve, reason=reason
        )

    def outsiders(self, *slugs: str) -> list[Person]:
        taken: set[str] = set()
        for slug in slugs:
            taken |= self.places[slug].chosen
        return [p for p in self.people.pool if p.username not in taken]

    def event_requests(self) -> None:
        """Ten people ask to join the masterclass; one is let in, one turned away, eight wait."""
        event = self.places[EVENT]
        messages = data("communities")["request_messages"]
        askers = self.rng.sample(self.outsiders(EVENT), len(messages))
        event.askers = {p.username for p in askers}
        sources = ["community", "search", "crosspost", "ad"]
        for index, (person, message) in enumerate(zip(askers, messages, strict=True)):
            at = self.ctx.now - timedelta(days=5, hours=index * 7)
            planned = Planned(f"request-{person.username}")
            source = self.rng.choice(sources)
            self.timeline.add(
                at,
                lambda q=person, s=source, m=message, k=planned: self.ask(
                    event, q, s, {}, planned=k, message=m
                ),
            )
            if index == 0:
                self.timeline.add(at + timedelta(hours=3), lambda k=planned: self.let_in(k))
                event.members.append(Joined(person, at + timedelta(hours=3)))
            elif index == 1:
                reason = "Places are for Learn to Cook members first; we'll announce a second date."
                self.timeline.add(
                    at + timedelta(hours=5),
                    lambda k=planned, r=reason: self.let_in(k, approve=False, reason=r),
                )

    def invitations(self) -> None:
        """Invitations waiting for an answer: four to the group, six (Anna's too) to the event."""
        brand, event = self.places[BRAND], self.places[EVENT]
        outsiders = self.outsiders(BRAND, EVENT)
        to_brand = self.rng.sample(outsiders, 4)
        self.timeline.add(
            self.ctx.now - timedelta(days=3, hours=2),
            lambda: invite_to_community(
                actor=self.user("admin"),
                community=brand.community(),
                invitees=[p.user for p in to_brand],
            ),
        )
        asked = event.askers
        rest = [p for p in outsiders if p.username not in asked and p not in to_brand]
        anna = [p for p in self.people.named if p.username == "anna"]
        to_event = anna + self.rng.sample(rest, 5)
        self.timeline.add(
            self.ctx.now - timedelta(hours=20),
            lambda: invite_to_community(
                actor=self.user("owner"),
                community=event.community(),
                invitees=[p.user for p in to_event],
            ),
        )

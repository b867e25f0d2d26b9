"""The pieces of the walls' plan: drafts, readers, planned posts and comments, walls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from communa.core.events import Viewer
from communa.demo.communities import Place
from communa.demo.people import Person
from communa.demo.timeline import Planned

VISIT_MINUTES = 90  # impressions of one person within this span are one visit to the wall
IMAGE_RUBRICS = {"graphics", "behind_scenes", "product"}


@dataclass(eq=False)
class Draft:
    """The words and labels of one post before it gets an author and a moment."""

    rubric: str
    tone: str
    body: str = ""
    lang: str = "en"
    promo: bool = False
    link: str = ""
    title: str = ""
    blocks: list[dict[str, Any]] | None = None
    earlier: str = ""  # the text before an edit: the post gets a revision
    pin: bool = False
    reports: list[list[str]] = field(default_factory=list)  # (reason, text) of members' reports
    tag: str = ""  # a handle for the few posts the story refers to
    appeal: float = 1.0  # how much readers like it beyond its labels (spam: very little)

    @classmethod
    def of(cls, row: dict[str, Any]) -> Draft:
        return cls(**row)


@dataclass(eq=False)
class Reader:
    """A member or an anonymous visitor who sees posts."""

    key: str
    person: Person | None
    zone: ZoneInfo
    language: str
    platform: str
    joined_at: datetime | None = None

    def viewer(self, platform: str) -> Viewer:
        user_id = self.person.user.pk if self.person is not None else None
        return Viewer(user_id=user_id, key=self.key, platform=platform)


@dataclass(eq=False)
class PlannedPost:
    """A post of the plan: the row once written, when it goes out, and who saw it when."""

    planned: Planned
    place: Place
    draft: Draft
    at: datetime
    seen: list[tuple[Reader, datetime]] = field(default_factory=list)
    views: int = 0
    likers: set[str] = field(default_factory=set)

    def get(self) -> Any:
        return self.planned.get()


@dataclass(eq=False)
class PlannedComment:
    """A comment of the plan, with the number of replies planned under it."""

    planned: Planned
    post: PlannedPost
    author: Reader
    at: datetime
    replies: int = 0
    reported: bool = False
    last: datetime | None = None  # the last planned moment someone replies to it or likes it

    def touched(self, moment: datetime) -> None:
        self.last = moment if self.last is None else max(self.last, moment)


@dataclass(eq=False)
class Wall:
    """What one community's history is made from: its readers, responders and audience."""

    place: Place
    zone: ZoneInfo
    members: list[Reader]
    responders: dict[str, tuple[Person, str]]
    interest: float  # the share of members who see a typical post
    anonymous: int  # how many anonymous visitors a typical post reaches

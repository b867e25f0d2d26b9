"""Discussions, documents, photo albums and the event's answers, through the boards actions."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from typing import Any

from communa.demo import images
from communa.demo.communities import Place
from communa.demo.context import DemoContext, data
from communa.demo.people import People, Person
from communa.demo.timeline import Planned, Timeline
from communa.walls.actions.boards import (
    add_document,
    add_photos,
    create_album,
    pin_topic,
    reply_in_topic,
    set_attendance,
    start_topic,
)


class BoardPlanner:
    """Plans the boards of the demo communities on the timeline."""

    def __init__(
        self, ctx: DemoContext, timeline: Timeline, people: People, places: dict[str, Place]
    ) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.people = people
        self.places = places
        self.rng = random.Random(ctx.rng.getrandbits(64))

    def person(self, place: Place, by: str, after: Any) -> Person:
        """A team role, or `member:<language>`: a member of that language who had joined."""
        if not by.startswith("member:"):
            return self.people.team[by]
        language = by.partition(":")[2]
        team = set(self.people.team.values())
        joined = [j.person for j in place.members if j.at < after and j.person not in team]
        speakers = [p for p in joined if p.language == language]
        return self.rng.choice(speakers or joined)

    def plan(self) -> None:
        spec = data("boards")
        for topic in spec["topics"]:
            self.topic(topic)
        for document in spec["documents"]:
            self.document(document)
        for album in spec["albums"]:
            self.album(album)
        self.attendance(spec["attendance"])

    def topic(self, spec: dict[str, Any]) -> None:
        place = self.places[spec["community"]]
        at = self.ctx.days_ago(spec["days_ago"])
        author = self.person(place, spec["by"], at)
        planned = Planned(f"topic-{spec['title']}")

        def start() -> None:
            planned.row = start_topic(
                actor=author.user,
                community=place.community(),
                title=spec["title"],
                body=spec["body"],
            )
            if spec.get("pin"):
                pin_topic(actor=self.people.team["owner"].user, topic=planned.get())

        self.timeline.add(at, start)
        moment = at
        for by, text in spec["replies"]:
            moment += timedelta(hours=self.rng.uniform(1, 30) * spec["days_ago"] / 40)
            person = self.person(place, by, moment)
            self.timeline.add(
                min(moment, self.ctx.now),
                lambda p=person, t=text: reply_in_topic(actor=p.user, topic=planned.get(), body=t),
            )

    def document(self, spec: dict[str, Any]) -> None:
        place = self.places[spec["community"]]
        author = self.people.team[spec["by"]]
        name = spec["name"]
        if name.endswith(".pdf"):
            upload: io.BytesIO = images.pdf(spec["text"].split("|"))
        else:
            upload = io.BytesIO(spec["text"].encode("utf-8"))
        self.timeline.add(
            self.ctx.days_ago(spec["days_ago"]),
            lambda: add_document(
                actor=author.user,
                community=place.community(),
                upload=upload,
                title=spec["title"],
                name=name,
            ),
        )

    def album(self, spec: dict[str, Any]) -> None:
        place = self.places[spec["community"]]
        author = self.people.team[spec["by"]]
        at = self.ctx.days_ago(spec["days_ago"])
        planned = Planned(f"album-{spec['title']}")

        def start() -> None:
            planned.row = create_album(
                actor=author.user,
                community=place.community(),
                title=spec["title"],
                description=spec["description"],
            )

        self.timeline.add(at, start)
        for index, caption in enumerate(spec["photos"]):
            moment = at + timedelta(hours=1 + index * 5)
            size = (1200, 900) if index % 3 else (900, 1200)
            self.timeline.add(
                moment,
                lambda c=caption, s=size: add_photos(
                    actor=author.user,
                    album=planned.get(),
                    uploads=[images.picture(f"{spec['title']}-{c}", s, caption=c)],
                    caption=c,
                ),
            )

    def attendance(self, spec: dict[str, Any]) -> None:
        place = self.places[spec["community"]]
        team = set(self.people.team.values())
        members = [j for j in place.members if j.person not in team]
        chosen = self.rng.sample(members, min(len(members), spec["going"] + spec["maybe"]))
        for index, joined in enumerate(chosen):
            status = "going" if index < spec["going"] else "maybe"
            at = joined.at + timedelta(minutes=self.rng.randint(5, 600))
            self.timeline.add(
                min(at, self.ctx.now),
                lambda p=joined.person, s=status: set_attendance(
                    actor=p.user, community=place.community(), status=s
                ),
            )

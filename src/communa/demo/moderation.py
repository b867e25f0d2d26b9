"""The moderators' side of the story: stop words, what the checks held, reports and blocks.

Stop words and a spam site are set on the group; then members write the texts of
`timeline.json`'s `held_examples` through the walls actions, and the automatic checks decide
what happens to each (held, starred, or let through). The moderator decides two held items from
the queue (a false positive let in, a casino advert refused) and leaves the rest waiting. The
spammer's advert is reported by members; the moderator upholds a report from the queue and
blocks him, which takes the advert off the wall. Nothing is approved that is spam.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from communa.communities.actions import block_member
from communa.demo.communities import BRAND, Place
from communa.demo.context import DemoContext, data
from communa.demo.people import People, Person
from communa.demo.timeline import Planned, Timeline
from communa.demo.wall_plan import PlannedPost
from communa.moderation.filters.settings import save_filter_settings
from communa.moderation.models import HeldItem, Report, ReportStatus
from communa.moderation.queue import DecisionInput, decide, item_for
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import report_post
from communa.walls.actions.posts import create_post


class ModerationPlanner:
    """Plans the checks, the held items, the decisions and the blocks on the timeline."""

    def __init__(
        self, ctx: DemoContext, timeline: Timeline, people: People, places: dict[str, Place]
    ) -> None:
        self.ctx = ctx
        self.timeline = timeline
        self.people = people
        self.places = places
        self.rng = random.Random(ctx.rng.getrandbits(64))
        self.moderator = people.team["moderator"]

    def plan(self, spam_post: PlannedPost, target: PlannedPost) -> None:
        self.filters()
        self.held(target)
        self.spam(spam_post)
        self.outsider_block()

    def filters(self) -> None:
        spec = data("communities")["filters"]
        place = self.places[spec["community"]]
        owner = self.people.team["owner"]
        self.timeline.add(
            self.ctx.days_ago(spec["days_ago"]),
            lambda: save_filter_settings(
                actor=owner.user,
                community=place.community(),
                data={"stop_words": spec["stop_words"], "spam_domains": spec["spam_domains"]},
            ),
        )

    def held(self, target: PlannedPost) -> None:
        brand = self.places[BRAND]
        team = set(self.people.team.values())
        members = [j.person for j in brand.members if j.person not in team]
        examples = data("timeline")["held_examples"]
        authors = self.rng.sample(members, len(examples))
        for example, author in zip(examples, authors, strict=True):
            at = self.ctx.now - timedelta(hours=example["hours_ago"])
            planned = Planned(f"example-{example['hours_ago']}")

            def write(
                e: dict[str, Any] = example, p: Person = author, k: Planned = planned
            ) -> None:
                if e["kind"] == "post":
                    k.row = create_post(
                        actor=p.user, community=brand.community(), data={"body": e["text"]}
                    )
                else:
                    k.row = add_comment(actor=p.user, post=target.get(), body=e["text"])

            self.timeline.add(at, write)
            if example.get("decision"):
                self.timeline.add(
                    at + timedelta(minutes=40),
                    lambda e=example, k=planned: self.decide_held(e, k),
                )

    def decide_held(self, example: dict[str, Any], planned: Planned) -> None:
        target = planned.get()
        field = "post" if example["kind"] == "post" else "comment"
        item = HeldItem.objects.get(**{field: target})
        community = self.places[BRAND].community()
        queued = item_for(actor=self.moderator.user, community=community, key=f"held:{item.pk}")
        decision = DecisionInput(decision=example["decision"], reason=example.get("reason", ""))
        decide(actor=self.moderator.user, community=community, item=queued, data=decision)

    def spam(self, spam_post: PlannedPost) -> None:
        """Members reported the advert; the moderator upholds a report and blocks the spammer."""
        spec = data("timeline")
        block = spec["spam_block"]
        at = spam_post.at + timedelta(hours=spec["spam_settled_after_hours"])

        def settle() -> None:
            post = spam_post.get()
            community = self.places[BRAND].community()
            report = (
                Report.objects.filter(post=post, status=ReportStatus.OPEN).order_by("pk").first()
            )
            if report is None:  # nobody reported it in time: the moderator saw it on the wall
                report = report_post(actor=self.moderator.user, post=post, reason="spam")
            queued = item_for(
                actor=self.moderator.user, community=community, key=f"report:{report.pk}"
            )
            decision = DecisionInput(
                decision="block", reason=block["reason"], block_days=block["days"]
            )
            decide(actor=self.moderator.user, community=community, item=queued, data=decision)

        self.timeline.add(at, settle)

    def outsider_block(self) -> None:
        for spec in data("communities")["blocks"]:
            if spec["whom"] != "outsider":
                continue
            place = self.places[spec["community"]]
            taken = {j.person.username for j in place.members}
            outsider = next(p for p in reversed(self.people.pool) if p.username not in taken)
            by = self.people.team[spec["by"]]
            self.timeline.add(
                self.ctx.days_ago(10),
                lambda s=spec, o=outsider, b=by, p=place: block_member(
                    actor=b.user, community=p.community(), user=o.user, reason=s["reason"]
                ),
            )

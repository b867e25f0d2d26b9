"""90 days of wall history, planned in memory and then acted out through the walls actions.

The plan decides who writes what and when, who sees each post (each impression at an hour drawn
from a daily rhythm in the viewer's own time zone: few at night, a peak at 19–22, most views in
the first two days) and what they do with it. Each of those moments becomes a step on the
timeline: `create_post`, `like_post`, `add_comment`, `share_post`, `hide_post`, `report_post`,
`click_link`, and for views `record_impressions` for the posts a person's visit showed. So the
counters, reach, events and audit entries are the ones the actions write, not computed here.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from communa.communities.rubrics import rubrics_of
from communa.core.events import record_impressions
from communa.demo import images
from communa.demo.communities import Place
from communa.demo.context import DemoContext, data
from communa.demo.people import People, Person
from communa.demo.timeline import Planned, Timeline
from communa.demo.wall_plan import (
    IMAGE_RUBRICS,
    VISIT_MINUTES,
    Draft,
    PlannedComment,
    PlannedPost,
    Reader,
    Wall,
)
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import (
    click_link,
    hide_post,
    like_comment,
    like_post,
    report_comment,
    report_post,
    unlike_post,
)
from communa.walls.actions.posts import (
    create_post,
    edit_post,
    pin_post,
    share_post,
)


class WallHistory:
    """Plans the walls of the demo communities as steps of the timeline."""

    def __init__(self, ctx: DemoContext, timeline: Timeline, people: People) -> None:
        self.ctx = ctx
        self.now = ctx.now
        self.timeline = timeline
        self.people = people
        self.team = people.team
        self.rng = random.Random(ctx.rng.getrandbits(64))
        self.texts = data("posts")
        self.bank = data("comments")["bank"]
        rhythm = data("timeline")
        self.rhythm: list[float] = rhythm["rhythm"]
        self.rhythm_top = max(self.rhythm)
        self.platforms: list[list[Any]] = rhythm["platforms"]
        self.publish_hours: list[list[int]] = rhythm["publish_hours"]
        self.tone_pull: dict[str, float] = rhythm["tone_pull"]
        self.rubric_pull: dict[str, float] = rhythm["rubric_pull"]
        self.share_pull: dict[str, float] = rhythm["share_pull"]
        self.zones: dict[str, ZoneInfo] = {}
        self.visitors: list[Reader] = []
        self.deck: list[str] = []
        self.usual: dict[str, str] = {}
        self.impressions: list[tuple[Reader, PlannedPost, datetime]] = []
        self.comments: list[PlannedComment] = []
        self.posts: list[PlannedPost] = []
        self.sharers: dict[int, set[str]] = {}
        self.count = 0
        self.rubric_ids: dict[tuple[int, str], int] = {}

    # -- small helpers --

    def react(self, at: datetime, run: Callable[..., Any]) -> None:
        """A reader's reaction: skipped if the rules refuse it when its moment comes."""
        self.timeline.add(at, run, optional=True)

    def key(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}-{self.count}"

    def zone(self, name: str) -> ZoneInfo:
        if name not in self.zones:
            try:
                self.zones[name] = ZoneInfo(name or "UTC")
            except (KeyError, ValueError):
                self.zones[name] = ZoneInfo("UTC")
        return self.zones[name]

    def platform(self) -> str:
        """A platform drawn from a shuffled deck, so the mix holds even for a few hundred people."""
        if not self.deck:
            self.deck = [
                str(platform) for platform, weight in self.platforms for _ in range(weight)
            ]
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    def usual_platform(self, key: str) -> str:
        if key not in self.usual:
            self.usual[key] = self.platform()
        return self.usual[key]

    def device(self, reader: Reader) -> str:
        # People mostly stay on one device; now and then they use another.
        return reader.platform if self.rng.random() < 0.88 else self.platform()

    def jitter(self, sigma: float = 0.25) -> float:
        return math.exp(self.rng.gauss(0, sigma))

    def whole(self, expected: float) -> int:
        """A whole number near `expected`: its floor plus one with the fraction's chance."""
        floor = math.floor(expected)
        return floor + (1 if self.rng.random() < expected - floor else 0)

    def moment(self, start: datetime, zone: ZoneInfo, mean_hours: float = 10.0) -> datetime | None:
        """When a viewer sees something published at `start`: soon, and at a waking hour."""
        rng = self.rng
        for _attempt in range(16):
            # Most views in the first two days, with a long tail for people who scroll back.
            mean = mean_hours if rng.random() < 0.8 else mean_hours * 9
            moment = start + timedelta(hours=rng.expovariate(1 / mean))
            if moment >= self.now:
                continue
            if rng.random() * self.rhythm_top < self.rhythm[moment.astimezone(zone).hour]:
                return moment
        return None

    def soon(self, start: datetime, mean_minutes: float) -> datetime | None:
        moment = start + timedelta(minutes=1 + self.rng.expovariate(1 / mean_minutes))
        return moment if moment < self.now else None

    def reader(self, person: Person, joined_at: datetime | None = None) -> Reader:
        key = f"p-{person.username}"
        return Reader(
            key=key,
            person=person,
            zone=self.zone(person.time_zone),
            language=person.language or "en",
            platform=self.usual_platform(key),
            joined_at=joined_at,
        )

    # -- walls and readers --

    def wall(self, place: Place, *, interest: float, anonymous: int) -> Wall:
        members = sorted(place.members, key=lambda j: j.person.username)
        readers = [self.reader(j.person, j.at) for j in members]
        if anonymous and not self.visitors:
            self.visitors = [
                Reader(
                    key=f"v{self.rng.getrandbits(128):032x}",
                    person=None,
                    zone=self.rng.choice(readers).zone,
                    language="",
                    platform=self.platform(),
                )
                for _ in range(300)
            ]
        return Wall(
            place=place,
            zone=self.zone(place.spec["zone"]),
            members=readers,
            responders={},
            interest=interest,
            anonymous=anonymous,
        )

    def slots(self, wall: Wall, count: int, first_day: float, last_day: float) -> list[datetime]:
        """Moments spread evenly over [last_day, first_day] days ago, at publishing hours."""
        rng = self.rng
        hours = [h for h, _w in self.publish_hours]
        weights = [w for _h, w in self.publish_hours]
        moments = []
        span = first_day - last_day
        for index in range(count):
            days_ago = first_day - span * (index + rng.random()) / count
            day = (self.now - timedelta(days=days_ago)).astimezone(wall.zone).date()
            hour = rng.choices(hours, weights=weights)[0]
            local = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=wall.zone)
            moment = local.astimezone(self.now.tzinfo)
            # The chosen hour may fall outside the span: move it by a day back inside.
            while moment > self.now - timedelta(minutes=40):
                moment -= timedelta(days=1)
            while moment < self.now - timedelta(days=first_day):
                moment += timedelta(days=1)
            moments.append(moment)
        return sorted(moments)

    # -- posts --

    def rubric_id(self, community: Any, code: str) -> int | None:
        if (community.pk, code) not in self.rubric_ids:
            for rubric in rubrics_of(community):
                self.rubric_ids[(community.pk, rubric.code)] = rubric.pk
        return self.rubric_ids.get((community.pk, code))

    def content(
        self, post: PlannedPost, body: str, *, team: bool, signed_as: str
    ) -> dict[str, Any]:
        draft = post.draft
        content: dict[str, Any] = {"body": body}
        if draft.blocks is not None:
            content.update(kind="longread", title=draft.title, blocks=draft.blocks)
        if draft.link:
            content["link_url"] = draft.link
        if team:
            community = post.place.community()
            content.update(
                rubric=self.rubric_id(community, draft.rubric),
                tone=draft.tone,
                promotional=draft.promo,
                signed_as=signed_as,
            )
        return content

    def pictures(self, post: PlannedPost) -> list[Any]:
        """Posts of the visual rubrics carry a picture, and so do a third of members' posts."""
        draft = post.draft
        if draft.blocks is not None or draft.appeal < 1:
            return []
        visual = draft.rubric in IMAGE_RUBRICS and self.rng.random() < 0.6
        if not visual and not (draft.tag == "member" and self.rng.random() < 0.35):
            return []
        key = post.planned.key
        return [images.picture(key, (1200, 800), caption=draft.title or "")]

    def post(
        self, wall: Wall, draft: Draft, *, author: Person, signed_as: str, at: datetime,
        team: bool = True,
    ) -> PlannedPost:  # fmt: skip
        """A post published at `at` (edited later if its text changed)."""
        post = PlannedPost(Planned(self.key("post")), wall.place, draft, at)
        self.posts.append(post)
        pictures = self.pictures(post)
        first = draft.earlier or draft.body

        def write() -> None:
            post.planned.row = create_post(
                actor=author.user,
                community=post.place.community(),
                data=self.content(post, first, team=team, signed_as=signed_as),
                images=pictures,
            )
            if draft.pin:
                pin_post(actor=author.user, post=post.get())

        self.timeline.add(at, write)
        if draft.earlier:
            edited = self.soon(at, 90) or at + timedelta(minutes=5)

            def edit() -> None:
                post.planned.row = edit_post(
                    actor=author.user, post=post.get(), data={"body": draft.body}
                )

            self.timeline.add(edited, edit)
        return post

    # -- what readers do with a post --

    def audience(self, wall: Wall, post: PlannedPost, *, member_post: bool = False) -> None:
        """Who saw the post and when, and what they did: likes, comments, shares and the rest.

        Each post draws from a stream of its own, seeded by one draw of the walls' stream: how
        many of its moments fall before "now" (which depends on the hour the demo is loaded)
        changes what happens under this post only, never the draws of every post after it."""
        walls_stream = self.rng
        self.rng = random.Random(walls_stream.getrandbits(64))
        try:
            self._audience(wall, post, member_post=member_post)
        finally:
            self.rng = walls_stream

    def _audience(self, wall: Wall, post: PlannedPost, *, member_post: bool) -> None:
        draft = post.draft
        pull = self.tone_pull[draft.tone] * self.rubric_pull[draft.rubric]
        pull *= 0.8 if draft.promo else 1.0
        seen = self.views(wall, post, pull)
        pull *= draft.appeal
        members = [(r, at) for r, at in seen if r.person is not None]
        reach = len(seen)
        self.likes(post, members, reach * 0.05 * pull**1.3 * self.jitter())
        topic = "talk" if member_post else data("comments")["topic_of_rubric"][draft.rubric]
        comment_rate = 0.02 * pull**2 * (2.0 if draft.rubric == "poll" else 1.0)
        if member_post:
            comment_rate = 0.05 * draft.appeal**2
        self.comments_on(wall, post, members, reach * comment_rate * self.jitter(), topic)
        if wall.place.spec["settings"]["privacy"] == "open":
            share_rate = 0.005 * self.share_pull.get(draft.rubric, 1.0)
            share_rate *= (0.5 if draft.promo else 1.0) * draft.appeal
            self.shares(post, members, reach * share_rate * self.jitter())
        hide_rate = (
            0.003 * (4.0 if draft.promo else 1.0) * (1.8 if draft.rubric == "product" else 1)
        )
        self.hides(post, members, reach * hide_rate / draft.appeal * self.jitter())
        if draft.link:
            expected = post.views * 0.035 * (1.4 if draft.promo else 1.0)
            self.clicks(post, seen, expected * self.jitter())
        for reason, text in draft.reports:
            self.report(post, members, reason, text)

    def views(self, wall: Wall, post: PlannedPost, pull: float) -> list[tuple[Reader, datetime]]:
        """Who saw the post, first and again."""
        rng = self.rng
        published = post.at
        eligible = [m for m in wall.members if m.joined_at is not None and m.joined_at < published]
        share = min(0.9, max(0.12, wall.interest * math.sqrt(pull) * self.jitter(0.2)))
        readers = rng.sample(eligible, round(len(eligible) * share))
        # Newcomers scroll back through the last week or two; everyone sees the pinned post.
        for member in wall.members:
            if member.joined_at is None or member.joined_at < published:
                continue
            gap = (member.joined_at - published).total_seconds() / 86400
            if rng.random() < (0.5 if post.draft.pin else 0.12 * math.exp(-gap / 7)):
                readers.append(member)
        if wall.anonymous and self.visitors:
            count = min(len(self.visitors), round(wall.anonymous * math.sqrt(pull) * self.jitter()))
            readers += rng.sample(self.visitors, count)
        seen: list[tuple[Reader, datetime]] = []
        for reader in readers:
            start = published
            if reader.joined_at is not None and reader.joined_at > published:
                start = reader.joined_at
            first = self.moment(start, reader.zone)
            if first is None:
                continue
            seen.append((reader, first))
            self.impressions.append((reader, post, first))
            post.views += 1
            at = first
            while rng.random() < 0.15:  # seen again in the feed or on the wall
                again = self.moment(at, reader.zone, mean_hours=8)
                if again is None:
                    break
                self.impressions.append((reader, post, again))
                post.views += 1
                at = again
        post.seen = seen
        return seen

    def likes(
        self, post: PlannedPost, members: list[tuple[Reader, datetime]], expected: float
    ) -> None:
        rng = self.rng
        for reader, seen_at in rng.sample(members, min(len(members), self.whole(expected))):
            at = self.soon(seen_at, 12)
            if at is None:
                continue
            post.likers.add(reader.key)
            platform = self.device(reader)
            self.react(
                at,
                lambda r=reader, pf=platform: like_post(
                    actor=r.person.user, post=post.get(), viewer=r.viewer(pf)
                ),
            )
        # Now and then someone likes and changes their mind: two events, no like left.
        for reader, seen_at in members:
            if reader.key not in post.likers and rng.random() < 0.004:
                at = self.soon(seen_at, 10)
                back = self.soon(at, 30) if at is not None else None
                if at is not None and back is not None:
                    person = reader.person
                    assert person is not None  # noqa: S101 — members only
                    self.react(at, lambda p=person: like_post(actor=p.user, post=post.get()))
                    self.react(back, lambda p=person: unlike_post(actor=p.user, post=post.get()))

    def pick_text(self, language: str, topic: str, used: set[str], general: str = "any") -> str:
        """A remark not yet made under this post: mostly on its topic, now and then general."""
        bank = self.bank[language]
        first = bank[topic] if self.rng.random() < 0.75 else bank[general]
        choices = [t for t in first if t not in used]
        choices = choices or [t for t in bank[topic] + bank[general] if t not in used] or first
        text = self.rng.choice(choices)
        used.add(text)
        return str(text)

    def comment(
        self, post: PlannedPost, reader: Reader, body: str, at: datetime, *,
        parent: PlannedComment | None = None, signed_as: str = "author",
    ) -> PlannedComment:  # fmt: skip
        planned = PlannedComment(Planned(self.key("comment")), post, reader, at)
        platform = self.device(reader)
        person = reader.person
        assert person is not None  # noqa: S101 — only people comment

        def write() -> None:
            planned.planned.row = add_comment(
                actor=person.user,
                post=post.get(),
                body=body,
                parent=parent.planned.get() if parent is not None else None,
                signed_as=signed_as,
                viewer=reader.viewer(platform),
            )

        self.react(at, write)
        if parent is not None:
            parent.replies += 1
            parent.touched(at)
        else:
            self.comments.append(planned)
        return planned

    def comments_on(
        self, wall: Wall, post: PlannedPost, members: list[tuple[Reader, datetime]],
        expected: float, topic: str,
    ) -> None:  # fmt: skip
        rng = self.rng
        used: set[str] = set()
        for reader, seen_at in rng.sample(members, min(len(members), self.whole(expected))):
            at = self.soon(seen_at, 25)
            if at is None:
                continue
            language = reader.language if rng.random() < 0.85 else "en"
            language = language if language in self.bank else "en"
            top = self.comment(post, reader, self.pick_text(language, topic, used), at)
            self.comment_likes(top, members)
            if rng.random() < 0.35 and language in wall.responders:
                person, signed_as = wall.responders[language]
                answer_at = self.soon(at, 120)
                if answer_at is not None:
                    answers = "team_product" if topic == "product" else "team"
                    text = self.pick_text(language, answers, used, general="team")
                    reply = self.comment(
                        post, self.reader(person), text, answer_at, parent=top, signed_as=signed_as
                    )
                    self.comment_likes(reply, members, mean=0.8)
            if rng.random() < 0.2:
                others = [(r, s) for r, s in members if r.language == language and r is not reader]
                reply_at = self.soon(at, 180)
                if others and reply_at is not None:
                    other, _seen = rng.choice(others)
                    text = self.pick_text(language, "reply", used, general="reply")
                    reply = self.comment(post, other, text, reply_at, parent=top)
                    self.comment_likes(reply, members, mean=0.6)

    def comment_likes(
        self, comment: PlannedComment, members: list[tuple[Reader, datetime]], mean: float = 1.4
    ) -> None:
        rng = self.rng
        fans = [(r, s) for r, s in members if r.key != comment.author.key]
        for reader, seen_at in rng.sample(fans, min(len(fans), int(rng.expovariate(1 / mean)))):
            at = self.soon(max(seen_at, comment.at), 60)
            if at is None:
                continue
            platform = self.device(reader)
            comment.touched(at)
            self.react(
                at,
                lambda r=reader, pf=platform: like_comment(
                    actor=r.person.user, comment=comment.planned.get(), viewer=r.viewer(pf)
                ),
            )

    def shares(
        self, post: PlannedPost, members: list[tuple[Reader, datetime]], expected: float
    ) -> None:
        sharers = self.sharers.setdefault(id(post), set())
        for reader, seen_at in self.rng.sample(members, min(len(members), self.whole(expected))):
            at = self.soon(seen_at, 30)
            if at is None or reader.key in sharers:
                continue
            sharers.add(reader.key)
            language = reader.language if reader.language in self.bank else "en"
            words = self.rng.choice(self.bank[language]["share"])
            platform = self.device(reader)
            self.react(
                at,
                lambda r=reader, w=words, pf=platform: share_post(
                    actor=r.person.user, post=post.get(), comment=w, viewer=r.viewer(pf)
                ),
            )

    def hides(
        self, post: PlannedPost, members: list[tuple[Reader, datetime]], expected: float
    ) -> None:
        unhappy = [(r, s) for r, s in members if r.key not in post.likers]
        for reader, seen_at in self.rng.sample(unhappy, min(len(unhappy), self.whole(expected))):
            at = self.soon(seen_at, 5)
            if at is None:
                continue
            platform = self.device(reader)
            self.react(
                at,
                lambda r=reader, pf=platform: hide_post(
                    actor=r.person.user, post=post.get(), viewer=r.viewer(pf)
                ),
            )

    def clicks(
        self, post: PlannedPost, seen: list[tuple[Reader, datetime]], expected: float
    ) -> None:
        if not seen:
            return
        for _click in range(self.whole(expected)):
            reader, seen_at = self.rng.choice(seen)
            at = self.soon(seen_at, 3)
            if at is not None:
                platform = self.device(reader)
                self.react(
                    at,
                    lambda r=reader, pf=platform: click_link(
                        viewer=r.viewer(pf),
                        actor=r.person.user if r.person else None,
                        post=post.get(),
                    ),
                )

    def report(
        self, post: PlannedPost, members: list[tuple[Reader, datetime]], reason: str, text: str,
        *, comment: PlannedComment | None = None, taken: set[str] | None = None,
    ) -> None:  # fmt: skip
        """A member who saw it reports the post (or a comment under it) to the moderators."""
        start = comment.at if comment is not None else post.at
        taken = taken if taken is not None else set()
        candidates = [
            (r, s) for r, s in members
            if r.key not in taken and (comment is None or r.key != comment.author.key)
        ]  # fmt: skip
        for reader, seen_at in self.rng.sample(candidates, len(candidates)):
            at = self.soon(max(seen_at, start), 40)
            if at is None:
                continue
            taken.add(reader.key)
            person = reader.person
            assert person is not None  # noqa: S101 — members only
            if comment is None:
                self.react(
                    at,
                    lambda p=person: report_post(
                        actor=p.user, post=post.get(), reason=reason, text=text
                    ),
                )
            else:
                comment.reported = True
                self.react(
                    at,
                    lambda p=person: report_comment(
                        actor=p.user, comment=comment.planned.get(), reason=reason, text=text
                    ),
                )
            return

    # -- impressions, as visits --

    def visits(self) -> None:
        """Each person's impressions, gathered into visits: one page view shows several posts."""
        by_reader: dict[str, list[tuple[datetime, PlannedPost, Reader]]] = {}
        for reader, post, at in self.impressions:
            by_reader.setdefault(reader.key, []).append((at, post, reader))
        for key in sorted(by_reader):
            seen = sorted(by_reader[key], key=lambda row: (row[0], row[1].planned.key))
            visit: list[PlannedPost] = []
            start: datetime | None = None
            reader = seen[0][2]
            for at, post, _reader in seen:
                fits = (
                    start is not None
                    and at - start <= timedelta(minutes=VISIT_MINUTES)
                    and post.at <= start
                    and post not in visit
                )
                if not fits:
                    if visit and start is not None:
                        self.visit(reader, start, visit)
                    visit, start = [], at
                visit.append(post)
            if visit and start is not None:
                self.visit(reader, start, visit)

    def visit(self, reader: Reader, at: datetime, posts: list[PlannedPost]) -> None:
        platform = self.device(reader)

        def show() -> None:
            record_impressions(reader.viewer(platform), [post.get() for post in posts])

        self.timeline.add(at, show)

    # -- the scripted moments of the story --

"""The walls' story: the three communities' posts, and the scripted moments (the spammer's
comment, a reported comment, comments their authors delete) on top of the everyday history that
`communa.demo.walls.WallHistory` plans."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from communa.demo.communities import BRAND, EVENT, PAGE, Place
from communa.demo.context import DemoContext, data
from communa.demo.people import People, Person
from communa.demo.timeline import Planned, Timeline
from communa.demo.wall_plan import Draft, PlannedPost, Wall
from communa.demo.walls import WallHistory
from communa.walls.actions.comments import delete_comment
from communa.walls.actions.posts import (
    publish_suggestion,
    reject_suggestion,
    share_post,
    suggest_post,
)


class WallStories(WallHistory):
    """The scripted moments and the posts of each wall."""

    def spam_comment_thread(self, wall: Wall, post: PlannedPost, spammer: Person) -> None:
        """The spammer's comment, two answers, and the moderator removing the comment."""
        members = [(r, s) for r, s in post.seen if r.person is not None]
        script = data("comments")["spam_comment"]
        author = self.reader(spammer)
        at = self.moment(post.at, author.zone, mean_hours=4)
        if at is None or not members:
            return
        spam = self.comment(post, author, script["body"], at)
        moment = at
        for language, text in script["answers"]:
            moment += timedelta(minutes=self.rng.randint(8, 50))
            if language == "en":
                reader = self.reader(self.team["moderator"])
            else:
                speakers = [r for r, _s in members if r.language == language]
                reader = self.rng.choice(speakers or [r for r, _s in members])
            self.comment(post, reader, text, moment, parent=spam)
        removed = max(moment, spam.last or moment) + timedelta(minutes=self.rng.randint(5, 30))
        moderator = self.team["moderator"]
        self.timeline.add(
            removed, lambda: delete_comment(actor=moderator.user, comment=spam.planned.get())
        )
        spam.reported = True  # not one of the comments its author may delete later

    def reported_comment(self, post: PlannedPost, script: dict[str, Any]) -> None:
        """A visible comment that members reported; it waits in the moderators' queue."""
        members = [(r, s) for r, s in post.seen if r.person is not None]
        if len(members) < 3:
            return
        speakers = [(r, s) for r, s in members if r.language == script["lang"]]
        author, seen_at = self.rng.choice(speakers or members)
        at = self.soon(seen_at, 30)
        if at is None:
            return
        rude = self.comment(post, author, script["body"], at)
        rude.reported = True
        taken: set[str] = set()
        for reason, text in script["reports"]:
            self.report(post, members, reason, text, comment=rude, taken=taken)

    def delete_a_few_comments(self, count: int) -> None:
        """Some people delete their own comments: those without replies simply disappear."""
        lonely = [c for c in self.comments if c.replies == 0 and not c.reported]
        for comment in self.rng.sample(lonely, min(count, len(lonely))):
            gone = max(comment.at, comment.last or comment.at)
            gone += timedelta(minutes=self.rng.randint(2, 300))
            if gone >= self.now:
                continue
            person = comment.author.person
            assert person is not None  # noqa: S101
            self.react(
                gone,
                lambda c=comment, p=person: delete_comment(actor=p.user, comment=c.planned.get()),
            )

    # -- the three walls --

    def team_author(self, place: Place, language: str, default: Person) -> Person:
        """Olga writes in Russian, Bohdan in Ukrainian, Mai in Vietnamese, where they are team."""
        writers = {"ru": "owner", "uk": "admin", "vi": "editor"}
        writer = self.team[writers[language]] if language in writers else default
        return writer if any(j.person is writer for j in place.members) else default

    def member_posts(self, wall: Wall, spammer: Person) -> list[tuple[PlannedPost, bool]]:
        """Members' own posts on the group's wall, by members who had joined by then."""
        rng, team = self.rng, self.team
        plan: list[tuple[PlannedPost, bool]] = []
        member_drafts = [
            (language, text)
            for language, texts in self.texts["member_posts"].items()
            for text in texts
        ]
        member_moments = self.slots(wall, len(member_drafts), first_day=70, last_day=0.3)
        rng.shuffle(member_drafts)
        ordinary = [
            m for m in wall.members if m.person not in team.values() and m.person is not spammer
        ]
        for (language, text), slot in zip(member_drafts, member_moments, strict=True):
            writers_of = [
                m for m in ordinary
                if m.language == language and m.joined_at and m.joined_at < slot - timedelta(days=1)
            ] or [m for m in ordinary if m.joined_at and m.joined_at < slot]  # fmt: skip
            reader = rng.choice(writers_of)
            # Members post when they are awake, not at the team's publishing hours.
            at = self.moment(slot - timedelta(hours=3), reader.zone, mean_hours=3) or slot
            draft = Draft("interaction", "emotional", text, lang=language, tag="member")
            assert reader.person is not None  # noqa: S101
            plan.append(
                (
                    self.post(
                        wall, draft, author=reader.person, signed_as="author", at=at, team=False
                    ),
                    True,
                )
            )
        return plan

    def brand(self, place: Place, shared: PlannedPost | None, spammer: Person) -> list[PlannedPost]:
        rng, team = self.rng, self.team
        wall = self.wall(place, interest=0.26, anonymous=10)
        # The spammer only advertises (and is blocked for it): he reads and reacts to nothing.
        wall.members = [m for m in wall.members if m.person is not spammer]
        wall.responders = {
            "ru": (team["owner"], "community"),
            "uk": (team["admin"], "community"),
            "vi": (team["editor"], "community"),
            "ms": (team["analyst"], "author"),
            "en": (team["editor"], "community"),
        }
        welcome, *guides = [Draft.of(row) for row in self.texts["brand_longreads"]]
        drafts = guides + [Draft.of(row) for row in self.texts["brand_team_posts"]]
        rng.shuffle(drafts)
        # The post the spammer comments on goes out in the older half of the three months, long
        # before his advert gets him blocked (nine to six days ago), so his comment is possible.
        tagged = next(i for i, d in enumerate(drafts) if d.tag == "spam_comment")
        if tagged >= len(drafts) // 2:
            older = rng.randrange(len(drafts) // 2)
            drafts[tagged], drafts[older] = drafts[older], drafts[tagged]
        moments = self.slots(wall, len(drafts), first_day=86.5, last_day=0.05)
        writers = [team["editor"]] * 5 + [team["admin"]] * 2 + [team["owner"]]
        opening = self.slots(wall, 1, first_day=89.6, last_day=89.4)[0]
        plan = [
            (
                self.post(wall, welcome, author=team["owner"], signed_as="community", at=opening),
                False,
            )
        ]
        for draft, at in zip(drafts, moments, strict=True):
            # Mai posts in Vietnamese under her own name; everything else is signed by the group.
            signed_as = "author" if draft.lang == "vi" else "community"
            if signed_as == "community" and draft.lang == "en" and rng.random() < 0.1:
                signed_as = "author"  # the editor's own column now and then
            author = self.team_author(wall.place, draft.lang, rng.choice(writers))
            if signed_as == "author":
                author = team["editor"]
            plan.append((self.post(wall, draft, author=author, signed_as=signed_as, at=at), False))
        plan += self.member_posts(wall, spammer)
        # The spammer: a post that members report (the moderators settle it; see moderation).
        spam_at = self.slots(wall, 1, first_day=9, last_day=6)[0]
        spam = Draft.of(self.texts["spam_post"])
        spam_post = self.post(
            wall, spam, author=spammer, signed_as="author", at=spam_at, team=False
        )
        plan.append((spam_post, True))
        # The admin shares the page's new collection to the group, as the group.
        if shared is not None:
            at = shared.at + timedelta(hours=2, minutes=rng.randint(0, 50))
            words = self.texts["shared_to_brand"]
            admin = team["admin"]
            repost = PlannedPost(
                Planned(self.key("post")), place, Draft("product", "branded", words, promo=True), at
            )

            def share() -> None:
                repost.planned.row = share_post(
                    actor=admin.user,
                    post=shared.get(),
                    to_community=place.community(),
                    comment=words,
                )

            self.timeline.add(at, share)
            plan.append((repost, False))
        settled = timedelta(hours=data("timeline")["spam_settled_after_hours"] - 1)
        for post, member_post in plan:
            if post is spam_post:
                # Its audience ends when the moderator takes it down (see demo.moderation).
                until, self.now = self.now, spam_at + settled
                self.audience(wall, post, member_post=True)
                self.now = until
                continue
            self.audience(wall, post, member_post=member_post)
            if post.draft.tag == "spam_comment":
                self.spam_comment_thread(wall, post, spammer)
            if post.draft.tag == "welcome":
                self.reported_comment(post, data("comments")["spam_comment_ms"])
        return [spam_post]

    def page(self, place: Place) -> PlannedPost | None:
        rng, team = self.rng, self.team
        wall = self.wall(place, interest=0.2, anonymous=16)
        wall.responders = {
            "ru": (team["owner"], "community"),
            "uk": (team["admin"], "community"),
            "vi": (team["admin"], "community"),
            "ms": (team["analyst"], "author"),
            "en": (team["admin"], "community"),
        }
        drafts = [Draft.of(self.texts["page_longread"])]
        drafts += [Draft.of(row) for row in self.texts["page_team_posts"]]
        rng.shuffle(drafts)
        moments = self.slots(wall, len(drafts) + 1, first_day=89, last_day=0.2)
        writers = [team["admin"]] * 3 + [team["owner"]]
        plan: list[PlannedPost] = []
        shared = None
        for draft, at in zip(drafts, moments, strict=False):
            author = self.team_author(wall.place, draft.lang, rng.choice(writers))
            post = self.post(wall, draft, author=author, signed_as="community", at=at)
            plan.append(post)
            if draft.tag == "nordic":
                shared = post
        # A member's suggestion the admin published with its wording fixed (R4.4).
        at = moments[-1]
        ordinary = [m for m in wall.members if m.person not in team.values()]
        members = [m for m in ordinary if m.joined_at and m.joined_at < at - timedelta(days=2)]
        suggester = rng.choice(members or ordinary).person
        assert suggester is not None  # noqa: S101
        text = self.texts["published_suggestion"]
        published = PlannedPost(
            Planned(self.key("post")), place, Draft("interaction", "emotional", text["body"]), at
        )
        asked = at - timedelta(days=1, hours=rng.randint(1, 9))
        admin = team["admin"]

        def suggest(post: PlannedPost, person: Person, body: str) -> None:
            post.planned.row = suggest_post(
                actor=person.user, community=place.community(), data={"body": body}
            )

        self.timeline.add(asked, lambda: suggest(published, suggester, text["earlier"]))

        def publish() -> None:
            published.planned.row = publish_suggestion(
                actor=admin.user, post=published.get(), data={"body": text["body"]}
            )

        self.timeline.add(at, publish)
        plan.append(published)
        # Suggestions waiting for the reviewers, and one they turned down.
        recent = self.now - timedelta(days=2)
        for index, row in enumerate(self.texts["pending_suggestions"]):
            speakers = [m for m in ordinary if m.language == row["lang"]] or ordinary
            person = rng.choice(speakers).person
            assert person is not None  # noqa: S101
            waiting = PlannedPost(
                Planned(self.key("post")),
                place,
                Draft("interaction", "emotional", row["body"]),
                recent,
            )
            moment = recent + timedelta(hours=9 + index * 17, minutes=rng.randint(0, 59))
            self.timeline.add(moment, lambda w=waiting, p=person, b=row["body"]: suggest(w, p, b))
        rejected_row = self.texts["rejected_suggestion"]
        person = rng.choice(ordinary).person
        assert person is not None  # noqa: S101
        at = self.now - timedelta(days=6, hours=rng.randint(0, 12))
        rejected = PlannedPost(
            Planned(self.key("post")),
            place,
            Draft("interaction", "emotional", rejected_row["body"]),
            at,
        )
        self.timeline.add(at, lambda: suggest(rejected, person, rejected_row["body"]))
        self.timeline.add(
            at + timedelta(hours=5),
            lambda: reject_suggestion(
                actor=admin.user, post=rejected.get(), reason=rejected_row["reason"]
            ),
        )
        for post in plan:
            self.audience(wall, post)
            if post.draft.tag == "rude_comment":
                self.reported_comment(post, data("comments")["rude_comment"])
        return shared

    def event(self, place: Place) -> None:
        rng, team = self.rng, self.team
        wall = self.wall(place, interest=0.5, anonymous=0)
        wall.responders = {
            "en": (team["moderator"], "author"),
            "ru": (team["owner"], "community"),
            "uk": (team["owner"], "community"),
            "ms": (team["owner"], "community"),
            "vi": (team["owner"], "community"),
        }
        drafts = [Draft.of(row) for row in self.texts["event_team_posts"]]
        rng.shuffle(drafts)
        opening = self.slots(wall, 1, first_day=19.5, last_day=19.2)[0]
        moments = self.slots(wall, len(drafts), first_day=18.5, last_day=0.1)
        longread = Draft.of(self.texts["event_longread"])
        plan = [self.post(wall, longread, author=team["owner"], signed_as="community", at=opening)]
        for draft, at in zip(drafts, moments, strict=True):
            # Only the owner may post on the event's wall (the moderator answers in comments).
            plan.append(self.post(wall, draft, author=team["owner"], signed_as="community", at=at))
        for post in plan:
            self.audience(wall, post)


def plan_walls(
    ctx: DemoContext, timeline: Timeline, people: People, places: dict[str, Place], spammer: Person
) -> dict[str, Any]:
    """Plan the three walls' history; what the moderation story needs is returned."""
    history = WallStories(ctx, timeline, people)
    shared = history.page(places[PAGE])
    spam_posts = history.brand(places[BRAND], shared, spammer)
    history.event(places[EVENT])
    history.delete_a_few_comments(4)
    history.visits()
    latest = max(
        (
            p
            for p in history.posts
            if p.place is places[BRAND]
            and p.draft.appeal == 1
            and p.at < ctx.now - timedelta(hours=32)
        ),
        key=lambda p: p.at,
    )
    return {"spam_post": spam_posts[0], "latest_brand_post": latest}

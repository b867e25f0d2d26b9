"""The feed and a member's wall through the API are sent from posts checked against `PostOut`
when they were built and kept as text (walls.api.conversions.post_texts, joined by
core.schemas.rendered_answer): what is sent is exactly what checking the whole answer against its
schema gives, to the byte, whether the posts come from the cache or not, for the team and for
other members."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

from communa.communities.rubrics import create_rubric
from communa.core.schemas import Page
from communa.walls.actions.interactions import like_post
from communa.walls.actions.posts import pin_post, share_post
from communa.walls.api.schemas import PostOut, WallPage
from communa.walls.models import Post
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def as_sent(value):
    """The answer's values as they were before rendering, as near as its text tells.

    django-ninja writes times to the millisecond, leaving the fraction out when a time has no
    microseconds: "…:36.000Z" is a time with 1 to 999 microseconds, which read back as it is would
    be a time with none, rendered "…:36Z". One microsecond keeps it what was rendered."""
    if isinstance(value, dict):
        return {key: as_sent(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_sent(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", value):
        return value[:-1] + "001Z"
    return value


def as_checked(schema, body: dict) -> dict:
    """The answer as django-ninja sends it after checking it against the schema."""
    dumped = schema.model_validate(as_sent(body)).model_dump()
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


def without_counts(body: dict) -> list[dict]:
    return [{k: v for k, v in item.items() if k != "counts"} for item in body["items"]]


@pytest.fixture
def walls():
    community = make_community(slug="cooks")
    owner = owner_of(community)
    rubric = create_rubric(actor=owner, community=community, data={"name": "Recipes"})
    member = add_member(community, person("mira"))
    make_post(community, body="Plain **bold** words", title="First")
    labelled = make_post(community, body="With a rubric", rubric=rubric.pk, tone="emotional")
    make_post(community, body="Third, liked")
    like_post(actor=member, post=labelled)
    return community, owner, member, labelled


@pytest.mark.parametrize("reader", ["owner", "member"])
def test_the_feed_is_what_the_schema_check_gives_from_the_cache_or_not(walls, reader):
    _community, owner, member, labelled = walls
    api = api_as(owner if reader == "owner" else member)
    first = api.get("/feed")
    again = api.get("/feed")  # the posts' content from the cache this time
    assert first.status_code == again.status_code == 200
    # The same answer but for the views the first one counted.
    assert without_counts(first.json()) == without_counts(again.json())
    body = first.json()
    assert list(body["items"][0]) == list(PostOut.model_fields)  # the schema's order
    assert as_checked(Page[PostOut], body) == body
    shown = {item["id"]: item for item in body["items"]}[labelled.pk]
    # The team sees its labels, other members do not; "liked" is each reader's own.
    assert (shown["rubric"] is not None) == (reader == "owner")
    assert shown["liked"] == (reader == "member")


def test_a_members_wall_is_what_the_schema_check_gives_and_follows_a_like(walls):
    community, _owner, member, labelled = walls
    api = api_as(member)
    before = api.get(f"/communities/{community.slug}/wall").json()
    assert as_checked(WallPage, before) == before
    like_post(actor=owner_of(community), post=labelled)
    after = api.get(f"/communities/{community.slug}/wall").json()
    assert as_checked(WallPage, after) == after
    old = {item["id"]: item for item in before["items"]}[labelled.pk]
    new = {item["id"]: item for item in after["items"]}[labelled.pk]
    assert new["counts"]["likes"] == old["counts"]["likes"] + 1
    assert without_counts({"items": [new]}) == without_counts({"items": [old]})


def rendered_as_checked(schema, text: str) -> str:
    """The text django-ninja sends for this answer after checking it against the schema."""
    checked = schema.model_validate(as_sent(json.loads(text)))
    return json.dumps(checked.model_dump(), cls=NinjaJSONEncoder)


@pytest.mark.parametrize("reader", ["owner", "member", "visitor"])
def test_the_answers_text_is_the_one_django_ninja_renders_to_the_byte(walls, reader):
    # given a wall with a pinned post, a repost, text beyond ASCII and posts liked by the member
    community, owner, member, labelled = walls
    pinned = make_post(community, body='Борщ «по-домашнему» 🍲 — "quoted" \\ & <b>')
    pin_post(actor=owner, post=pinned)
    share_post(actor=owner, post=labelled, to_community=community, comment="Again")
    like_post(actor=member, post=pinned)
    # one of its times within its first millisecond, written ".000Z"
    Post.objects.filter(pk=pinned.pk).update(
        published_at=datetime(2026, 12, 7, 22, 8, 36, 412, tzinfo=UTC)
    )
    api = api_as({"owner": owner, "member": member, "visitor": None}[reader])
    path = f"/communities/{community.slug}/wall"

    # when the reader reads the wall twice (posts from the cache the second time), and the feed
    texts = [api.get(path).content.decode() for _ in range(2)]
    feeds = [] if reader == "visitor" else [api.get("/feed").content.decode() for _ in range(2)]

    # then each answer is, byte for byte, the text of the whole answer checked and rendered
    for text in texts:
        assert text == rendered_as_checked(WallPage, text)
        assert json.loads(text)["pinned"]["liked"] == (reader == "member")
        assert json.loads(text)["pinned"]["published_at"] == "2026-12-07T22:08:36.000Z"
    for text in feeds:
        assert text == rendered_as_checked(Page[PostOut], text)


def test_a_readers_likes_on_a_kept_wall_answer_are_the_ones_a_fresh_answer_shows(walls, settings):
    # given a visitor's wall answer kept, and a member who likes two of its posts (views not
    # recorded: each read would change the counts between the two answers compared)
    settings.COMMUNA = {**settings.COMMUNA, "RECORD_IMPRESSIONS": False}
    community, owner, member, labelled = walls
    pinned = make_post(community, body="Pinned")
    pin_post(actor=owner, post=pinned)
    like_post(actor=member, post=pinned)
    path = f"/communities/{community.slug}/wall"
    api_as(None).get(path)

    # when the member reads it from the kept answer, and again with nothing kept
    kept = api_as(member).get(path).content.decode()
    settings.COMMUNA = {**settings.COMMUNA, "CARD_CACHE_SECONDS": 0}
    fresh = api_as(member).get(path).content.decode()

    # then both are the same text, "liked" true exactly for the member's two posts
    assert kept == fresh
    body = json.loads(kept)
    liked = {item["id"] for item in [body["pinned"], *body["items"]] if item["liked"]}
    assert liked == {pinned.pk, labelled.pk}


def test_a_time_within_its_first_millisecond_is_rendered_again_as_it_was_sent():
    # given times with no microseconds, fewer than a thousand, and more, rendered as ninja does
    times = [datetime(2026, 12, 7, 22, 8, 36, micro, tzinfo=UTC) for micro in (0, 412, 5_000)]
    texts = [json.dumps(at, cls=NinjaJSONEncoder) for at in times]
    assert texts[1].endswith('36.000Z"')

    # then each text read back as it was sent renders to the same text again
    for text in texts:
        again = TypeAdapter(datetime).validate_python(as_sent(json.loads(text)))
        assert json.dumps(again, cls=NinjaJSONEncoder) == text

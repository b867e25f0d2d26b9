"""Write limits (R5.5): per member and per address, stricter for new accounts, shared by processes.

The limit windows are fixed hours, so every test holds the rate-limit clock ten minutes into an
hour: the refusals then always say "50 minutes", and no test can straddle two windows.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from communa.accounts.models import User
from communa.communities.actions import invite_to_community, join_community, request_to_join
from communa.communities.models import Community, Invitation, JoinRequest, Kind, Membership, Privacy
from communa.core import ratelimit
from communa.core.errors import RateLimited, ValidationFailed
from communa.core.limits import address_key, limit_write
from communa.moderation.models import Report
from communa.walls.actions.boards import start_topic
from communa.walls.actions.comments import add_comment
from communa.walls.actions.interactions import like_comment, like_post, report_post
from communa.walls.actions.posts import create_post, share_post, suggest_post
from communa.walls.models import Comment, Like, Post, PostStatus, Topic
from tests.factories import add_member, make_community, person
from tests.support import Api, api_as, client_of, database_url_for_subprocess, error_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db

HOUR = 3600
TEN_MINUTES_IN = 600
WAIT = "Try again in 50 minutes."
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.20"
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> dict[str, float]:
    """The rate-limit clock, held ten minutes into an hour of a year no real counter uses."""
    # Drawn from the system's randomness, not `random`: pytest-randomly seeds `random` alike for
    # every test, and counters in the shared Redis outlive a test (and a run) by an hour.
    hour = random.SystemRandom().randrange(500_000, 600_000)
    moment = {"now": float(HOUR * hour + TEN_MINUTES_IN)}
    monkeypatch.setattr(ratelimit, "_clock", lambda: moment["now"])
    return moment


def limits(settings, **numbers: int) -> None:
    """Set some of the write limits (by their settings.COMMUNA names), keeping the rest."""
    settings.COMMUNA = {**settings.COMMUNA, **numbers}


def established(user: User) -> User:
    """The same person, with an account a month old."""
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    return user


def open_group() -> Community:
    return make_community(privacy=Privacy.OPEN)


# --- each kind, per member --------------------------------------------------------------------


def _posts(group: Community, actor: User) -> Callable[[int], Any]:
    return lambda n: create_post(actor=actor, community=group, data={"body": f"Post {n}"})


def _suggestions(group: Community, actor: User) -> Callable[[int], Any]:
    page = make_community(kind=Kind.PUBLIC_PAGE)
    add_member(page, actor)
    return lambda n: suggest_post(actor=actor, community=page, data={"body": f"Idea {n}"})


def _shares(group: Community, actor: User) -> Callable[[int], Any]:
    posts = [make_post(group, body=f"Worth sharing {n}") for n in range(3)]
    return lambda n: share_post(actor=actor, post=posts[n])


def _topics(group: Community, actor: User) -> Callable[[int], Any]:
    return lambda n: start_topic(actor=actor, community=group, title=f"Topic {n}")


def _comments(group: Community, actor: User) -> Callable[[int], Any]:
    post = make_post(group)
    return lambda n: add_comment(actor=actor, post=post, body=f"Comment {n}")


def _topic_comments(group: Community, actor: User) -> Callable[[int], Any]:
    topic = start_topic(actor=actor, community=group, title="A topic")
    return lambda n: add_comment(actor=actor, topic=topic, body=f"Reply {n}")


def _likes(group: Community, actor: User) -> Callable[[int], Any]:
    posts = [make_post(group, body=f"Likeable {n}") for n in range(3)]
    return lambda n: like_post(actor=actor, post=posts[n])


def _comment_likes(group: Community, actor: User) -> Callable[[int], Any]:
    post = make_post(group)
    comments = [make_comment(post, add_member(group), body=f"Comment {n}") for n in range(3)]
    return lambda n: like_comment(actor=actor, comment=comments[n])


def _reports(group: Community, actor: User) -> Callable[[int], Any]:
    posts = [make_post(group, body=f"Dubious {n}") for n in range(3)]
    return lambda n: report_post(actor=actor, post=posts[n], reason="spam")


def _invitations(group: Community, actor: User) -> Callable[[int], Any]:
    Membership.objects.filter(community=group, user=actor).update(role="admin")
    return lambda n: invite_to_community(actor=actor, community=group, invitees=[person()])


def _joins(group: Community, actor: User) -> Callable[[int], Any]:
    groups = [open_group() for _ in range(3)]
    return lambda n: join_community(actor=actor, community=groups[n])


def _join_requests(group: Community, actor: User) -> Callable[[int], Any]:
    closed = [make_community(privacy=Privacy.CLOSED) for _ in range(3)]
    return lambda n: request_to_join(actor=actor, community=closed[n])


KINDS: list[tuple[str, str, Callable[[Community, User], Callable[[int], Any]], type[Model]]] = [
    ("post", "You can publish at most 2 posts an hour.", _posts, Post),
    ("post", "You can publish at most 2 posts an hour.", _suggestions, Post),
    ("post", "You can publish at most 2 posts an hour.", _shares, Post),
    ("post", "You can publish at most 2 posts an hour.", _topics, Topic),
    ("comment", "You can write at most 2 comments an hour.", _comments, Comment),
    ("comment", "You can write at most 2 comments an hour.", _topic_comments, Comment),
    ("like", "You can give at most 2 likes an hour.", _likes, Like),
    ("like", "You can give at most 2 likes an hour.", _comment_likes, Like),
    ("report", "You can send at most 2 reports an hour.", _reports, Report),
    ("invite", "You can send at most 2 invitations an hour.", _invitations, Invitation),
    ("join", "You can join at most 2 communities an hour.", _joins, Membership),
    ("join", "You can join at most 2 communities an hour.", _join_requests, JoinRequest),
]


@pytest.mark.parametrize(
    ("kind", "message", "setup", "model"),
    KINDS,
    ids=[setup.__name__.strip("_") for _kind, _message, setup, _model in KINDS],
)
def test_each_kind_of_write_is_limited_per_member_and_the_refusal_names_the_wait(
    settings, clock, kind, message, setup, model
):
    # given an established member allowed two writes of this kind an hour
    group = open_group()
    member = established(add_member(group))
    write = setup(group, member)
    limits(settings, **{f"RATE_{kind.upper()}_PER_HOUR": 2})
    write(0)
    write(1)
    rows = model.objects.count()

    # when they try a third within the hour
    with pytest.raises(RateLimited) as refused:
        write(2)

    # then it is refused, says the rule and when to try again, and writes nothing
    assert refused.value.message == f"{message} {WAIT}"
    assert refused.value.retry_after == HOUR - TEN_MINUTES_IN
    assert model.objects.count() == rows
    # and the next hour brings a new allowance
    clock["now"] += HOUR
    write(2)
    assert model.objects.count() == rows + 1


def test_an_invitation_to_several_people_counts_each_of_them(settings):
    group = open_group()
    owner = established(group.created_by)
    limits(settings, RATE_INVITE_PER_HOUR=3)
    invite_to_community(actor=owner, community=group, invitees=[person(), person()])

    with pytest.raises(RateLimited):
        invite_to_community(actor=owner, community=group, invitees=[person(), person()])

    assert Invitation.objects.count() == 2
    invite_to_community(actor=owner, community=group, invitees=[person()])
    assert Invitation.objects.count() == 3


def test_the_daily_invitation_cap_still_applies_under_the_hourly_limit(settings):
    group = open_group()
    owner = established(group.created_by)
    limits(settings, INVITATIONS_PER_DAY=2, RATE_INVITE_PER_HOUR=10)
    invite_to_community(actor=owner, community=group, invitees=[person(), person()])

    with pytest.raises(ValidationFailed) as refused:
        invite_to_community(actor=owner, community=group, invitees=[person()])

    assert "You can send 2 invitations a day" in refused.value.fields["usernames"][0]


def test_a_refusal_for_another_reason_costs_nothing(settings):
    # given a member allowed two posts an hour, and a group whose wall refuses links
    group = make_community(privacy=Privacy.OPEN, links_allowed=False)
    member = established(add_member(group))
    limits(settings, RATE_POST_PER_HOUR=2)

    # when one attempt is refused for its content
    with pytest.raises(ValidationFailed, match="Some fields"):
        create_post(actor=member, community=group, data={"body": "Buy at https://spam.example"})

    # then both posts of the hour are still theirs
    create_post(actor=member, community=group, data={"body": "One"})
    create_post(actor=member, community=group, data={"body": "Two"})
    with pytest.raises(RateLimited):
        create_post(actor=member, community=group, data={"body": "Three"})


# --- new accounts ------------------------------------------------------------------------------


@pytest.mark.real_rate_limits
def test_with_the_shipped_numbers_a_new_account_posts_three_times_an_hour_and_an_older_more():
    # given two members: one signed up today, one a month ago
    group = open_group()
    newcomer = add_member(group)
    regular = established(add_member(group))

    # when each tries four posts within the hour
    for n in range(3):
        create_post(actor=newcomer, community=group, data={"body": f"Hello {n}"})
    with pytest.raises(RateLimited) as refused:
        create_post(actor=newcomer, community=group, data={"body": "Hello 3"})
    for n in range(4):
        create_post(actor=regular, community=group, data={"body": f"News {n}"})

    # then only the newcomer is refused, and told why their limit is lower
    assert refused.value.message == (
        "You can publish at most 3 posts an hour. "
        "New accounts have lower limits in their first 24 hours. " + WAIT
    )
    assert Post.objects.filter(author=newcomer).count() == 3
    assert Post.objects.filter(author=regular).count() == 4


def test_an_account_that_comes_of_age_keeps_what_it_used_and_gets_the_larger_allowance(settings):
    group = open_group()
    member = add_member(group)
    limits(settings, RATE_COMMENT_NEW_PER_HOUR=1, RATE_COMMENT_PER_HOUR=3, NEW_ACCOUNT_HOURS=24)
    post = make_post(group)
    add_comment(actor=member, post=post, body="First")
    with pytest.raises(RateLimited):
        add_comment(actor=member, post=post, body="Second")

    established(member)
    add_comment(actor=member, post=post, body="Second")
    add_comment(actor=member, post=post, body="Third")
    with pytest.raises(RateLimited):
        add_comment(actor=member, post=post, body="Fourth")


def test_how_long_an_account_counts_as_new_is_a_setting(settings):
    group = open_group()
    member = add_member(group)
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(hours=30))
    member.refresh_from_db()
    limits(settings, RATE_LIKE_NEW_PER_HOUR=1, RATE_LIKE_PER_HOUR=5, NEW_ACCOUNT_HOURS=48)
    posts = [make_post(group, body=f"Post {n}") for n in range(2)]
    like_post(actor=member, post=posts[0])

    with pytest.raises(RateLimited):
        like_post(actor=member, post=posts[1])


# --- per address -------------------------------------------------------------------------------


def test_new_accounts_behind_one_address_share_its_limit(settings):
    # given three new members, two of them writing from the same address
    group = open_group()
    post = make_post(group)
    first, second, third = (add_member(group) for _ in range(3))
    limits(settings, RATE_COMMENT_NEW_PER_HOUR=10, RATE_COMMENT_NEW_PER_IP_PER_HOUR=2)

    # when the two from one address write three comments between them
    add_comment(actor=first, post=post, body="Hi", ip=HOME)
    add_comment(actor=second, post=post, body="Hello", ip=HOME)
    with pytest.raises(RateLimited) as refused:
        add_comment(actor=second, post=post, body="Me again", ip=HOME)

    # then the third is refused for the address, not for the person
    assert refused.value.message == (
        f"Too many new accounts on your network are doing this right now. {WAIT}"
    )
    assert Comment.objects.count() == 2
    # and a new member elsewhere, or an established one at that address, writes on
    add_comment(actor=third, post=post, body="From elsewhere", ip=ELSEWHERE)
    regular = established(add_member(group))
    add_comment(actor=regular, post=post, body="Old hand", ip=HOME)
    assert Comment.objects.count() == 4


def test_a_refusal_by_the_address_does_not_use_up_the_persons_own_allowance(settings):
    # given a new member allowed two posts an hour, at an address allowed one
    group = open_group()
    member = add_member(group)
    limits(settings, RATE_POST_NEW_PER_HOUR=2, RATE_POST_NEW_PER_IP_PER_HOUR=1)
    create_post(actor=member, community=group, data={"body": "One"}, ip=HOME)

    # when the address refuses their second post
    with pytest.raises(RateLimited):
        create_post(actor=member, community=group, data={"body": "Two"}, ip=HOME)

    # then they still have their second post, from elsewhere, and no third
    create_post(actor=member, community=group, data={"body": "Two"}, ip=ELSEWHERE)
    with pytest.raises(RateLimited) as refused:
        create_post(actor=member, community=group, data={"body": "Three"}, ip="192.0.2.1")
    assert refused.value.message.startswith("You can publish at most 2 posts an hour.")


def _store(name: str) -> ratelimit.Store:
    if name == "database":
        return ratelimit.DatabaseStore()
    store = ratelimit.RedisStore(REDIS_URL)
    try:
        store.client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis means "not here"
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    return store


@pytest.mark.parametrize("store_name", ["database", "redis"])
def test_a_refusal_takes_back_every_hit_it_counted_in_either_store(clock, store_name):
    # given a person's limit of 5 and an address limit of 1, in one store
    store = _store(store_name)
    scope = f"test-{uuid.uuid4().hex}"
    person_limit = ratelimit.Limit(f"{scope}-member", 5, HOUR)
    address_limit = ratelimit.Limit(f"{scope}-ip", 1, HOUR)
    hits = [(person_limit, "p"), (address_limit, "a")]
    ratelimit.consume_all(hits, store=store)

    # when the address refuses the second write
    with pytest.raises(ratelimit.LimitExceeded) as refused:
        ratelimit.consume_all(hits, store=store)

    # then it names the address limit, and both counts are back at one
    assert refused.value.limit == address_limit
    start = int(clock["now"]) // HOUR * HOUR
    assert store.get(f"{scope}-member:p", start) == 1
    assert store.get(f"{scope}-ip:a", start) == 1
    # and taking back from a counter that is gone leaves nothing behind
    store.decr(f"{scope}-gone:x", start)
    assert store.get(f"{scope}-gone:x", start) == 0
    if isinstance(store, ratelimit.RedisStore):
        assert not store.client.exists(f"communa:rl:{scope}-gone:x:{start}")


def test_redis_counts_a_writes_limits_and_takes_them_back_in_one_round_trip(clock, monkeypatch):
    # given a person's limit and an address limit in Redis, and every command Redis is sent
    # counted (a pipeline goes in one send)
    import redis.connection

    store = _store("redis")
    sends: list[int] = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        sends.append(1)
        return send(self, *args, **kwargs)

    scope = f"test-{uuid.uuid4().hex}"
    person_limit = ratelimit.Limit(f"{scope}-member", 5, HOUR)
    address_limit = ratelimit.Limit(f"{scope}-ip", 1, HOUR)
    hits = [(person_limit, "p"), (address_limit, "a")]
    store.client.ping()  # the connection is made before the counting starts
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)

    # when a write counts both, and a second one is refused by the address
    ratelimit.consume_all(hits, store=store)
    with pytest.raises(ratelimit.LimitExceeded):
        ratelimit.consume_all(hits, store=store)

    # then each went to Redis once, the refusal taking back its hits in the same call
    assert len(sends) == 2
    start = int(clock["now"]) // HOUR * HOUR
    monkeypatch.undo()
    assert store.get(f"{scope}-member:p", start) == 1
    assert store.get(f"{scope}-ip:a", start) == 1
    assert 0 < store.client.ttl(f"communa:rl:{scope}-ip:a:{start}") <= HOUR + 1


def test_an_ipv6_address_counts_by_its_64_bit_network():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("198.51.100.7") == "198.51.100.7"
    assert address_key("unknown") is None
    assert address_key(None) is None


def test_sign_ups_are_limited_per_address_with_their_own_message(settings):
    limits(settings, SIGNUPS_PER_IP=1)
    limit_write("signup", ip=HOME)

    with pytest.raises(RateLimited) as refused:
        limit_write("signup", ip=HOME)

    assert refused.value.message == (
        f"Too many accounts have been created from your network. {WAIT}"
    )
    limit_write("signup", ip=ELSEWHERE)


# --- exemptions and switches -------------------------------------------------------------------


def test_site_staff_are_not_limited(settings):
    group = open_group()
    operator = add_member(group, person(is_staff=True))
    limits(settings, RATE_POST_NEW_PER_HOUR=1, RATE_POST_NEW_PER_IP_PER_HOUR=1)

    for n in range(3):
        create_post(actor=operator, community=group, data={"body": f"Notice {n}"}, ip=HOME)

    assert Post.objects.filter(author=operator).count() == 3


def test_a_limit_of_zero_is_switched_off(settings):
    group = open_group()
    post = make_post(group)
    member = add_member(group)
    limits(settings, RATE_COMMENT_NEW_PER_HOUR=0, RATE_COMMENT_NEW_PER_IP_PER_HOUR=0)

    for n in range(5):
        add_comment(actor=member, post=post, body=f"Chatty {n}", ip=HOME)

    assert Comment.objects.filter(author=member).count() == 5


def test_an_unknown_kind_of_write_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown write kind"):
        limit_write("vote", actor=person())


# --- the API and the pages ---------------------------------------------------------------------


def test_the_api_answers_429_with_retry_after_and_the_wait_in_the_message(settings):
    # given a new member allowed one like an hour
    group = open_group()
    posts = [make_post(group, body=f"Post {n}") for n in range(2)]
    api = api_as(add_member(group))
    limits(settings, RATE_LIKE_NEW_PER_HOUR=1)
    assert api.post(f"/posts/{posts[0].pk}/like").status_code == 201

    # when they like a second post
    response = api.post(f"/posts/{posts[1].pk}/like")

    # then the answer is a 429 that says when to come back, in the header and in words
    assert response.status_code == 429
    assert response["Retry-After"] == str(HOUR - TEN_MINUTES_IN)
    error = error_of(response)
    assert error["code"] == "rate_limited"
    assert error["message"].endswith(WAIT)
    assert not Like.objects.filter(post=posts[1]).exists()


def test_the_composer_page_says_when_to_try_again(settings):
    group = open_group()
    member = add_member(group)
    limits(settings, RATE_POST_NEW_PER_HOUR=1)
    client = client_of(member)
    assert client.post(f"/c/{group.slug}/posts/new/", {"body": "First"}).status_code == 302

    response = client.post(f"/c/{group.slug}/posts/new/", {"body": "Second"})

    assert response.status_code == 429
    page = response.content.decode()
    assert "You can publish at most 1 post an hour." in page
    assert WAIT in page
    assert Post.objects.filter(author=member).count() == 1


def test_a_limited_like_through_htmx_shows_the_wait_in_the_alert_box(settings):
    group = open_group()
    posts = [make_post(group, body=f"Post {n}") for n in range(2)]
    member = add_member(group)
    limits(settings, RATE_LIKE_NEW_PER_HOUR=1)
    client = client_of(member)
    client.post(f"/p/{posts[0].pk}/like/", {"action": "like"}, HTTP_HX_REQUEST="true")

    response = client.post(f"/p/{posts[1].pk}/like/", {"action": "like"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 429
    assert response["HX-Retarget"] == "#htmx-alerts"
    assert response["Retry-After"] == str(HOUR - TEN_MINUTES_IN)
    assert WAIT in response.content.decode()


def test_the_join_page_says_when_to_try_again(settings):
    groups = [open_group() for _ in range(2)]
    member = person()
    limits(settings, RATE_JOIN_NEW_PER_HOUR=1)
    client = client_of(member)
    assert client.post(f"/c/{groups[0].slug}/join/", {}).status_code == 302

    response = client.post(f"/c/{groups[1].slug}/join/", {})

    assert response.status_code == 429
    assert "You can join at most 1 community an hour." in response.content.decode()
    assert WAIT in response.content.decode()
    assert not Membership.objects.filter(community=groups[1], user=member).exists()


class Scene:
    """A new member (an admin, so they may invite) with one of everything to write on."""

    def __init__(self) -> None:
        self.group = open_group()
        self.member = add_member(self.group, role="admin")
        self.post = make_post(self.group)
        self.comment = make_comment(self.post, add_member(self.group))
        self.topic = start_topic(actor=self.group.created_by, community=self.group, title="Plans")
        self.page = make_community(kind=Kind.PUBLIC_PAGE)
        add_member(self.page, self.member)
        self.other = open_group()
        self.closed = make_community(privacy=Privacy.CLOSED)
        self.invitee = person()
        self.web = client_of(self.member)
        self.api = Api(self.web)


# (kind, what the call does): the API and the web page for each write.
API_DOORS: dict[str, tuple[str, Callable[[Scene], Any]]] = {
    "post": ("post", lambda s: s.api.post(f"/communities/{s.group.slug}/posts", {"body": "x"})),
    "suggestion": (
        "post",
        lambda s: s.api.post(f"/communities/{s.page.slug}/suggestions", {"body": "x"}),
    ),
    "share": ("post", lambda s: s.api.post(f"/posts/{s.post.pk}/share", {})),
    "topic": ("post", lambda s: s.api.post(f"/communities/{s.group.slug}/topics", {"title": "x"})),
    "comment": ("comment", lambda s: s.api.post(f"/posts/{s.post.pk}/comments", {"body": "x"})),
    "topic_comment": (
        "comment",
        lambda s: s.api.post(f"/topics/{s.topic.pk}/comments", {"body": "x"}),
    ),
    "like": ("like", lambda s: s.api.post(f"/posts/{s.post.pk}/like")),
    "comment_like": ("like", lambda s: s.api.post(f"/comments/{s.comment.pk}/like")),
    "report": ("report", lambda s: s.api.post(f"/posts/{s.post.pk}/report", {"reason": "spam"})),
    "comment_report": (
        "report",
        lambda s: s.api.post(f"/comments/{s.comment.pk}/report", {"reason": "spam"}),
    ),
    "join": ("join", lambda s: s.api.post(f"/communities/{s.other.slug}/join", {})),
    "request": ("join", lambda s: s.api.post(f"/communities/{s.closed.slug}/requests", {})),
    "invite": (
        "invite",
        lambda s: s.api.post(
            f"/communities/{s.group.slug}/invitations", {"usernames": [s.invitee.username]}
        ),
    ),
}
WEB_DOORS: dict[str, tuple[str, Callable[[Scene], Any]]] = {
    "post": ("post", lambda s: s.web.post(f"/c/{s.group.slug}/posts/new/", {"body": "x"})),
    "share": ("post", lambda s: s.web.post(f"/p/{s.post.pk}/share/", {"to": "profile"})),
    "topic": ("post", lambda s: s.web.post(f"/c/{s.group.slug}/topics/new/", {"title": "x"})),
    "comment": ("comment", lambda s: s.web.post(f"/p/{s.post.pk}/comments/", {"body": "x"})),
    "topic_comment": (
        "comment",
        lambda s: s.web.post(f"/t/{s.topic.pk}/comments/", {"body": "x"}),
    ),
    "like": ("like", lambda s: s.web.post(f"/p/{s.post.pk}/like/", {"action": "like"})),
    "comment_like": (
        "like",
        lambda s: s.web.post(f"/comments/{s.comment.pk}/like/", {"action": "like"}),
    ),
    "report": ("report", lambda s: s.web.post(f"/p/{s.post.pk}/report/", {"reason": "spam"})),
    "comment_report": (
        "report",
        lambda s: s.web.post(f"/comments/{s.comment.pk}/report/", {"reason": "spam"}),
    ),
    "join": ("join", lambda s: s.web.post(f"/c/{s.other.slug}/join/", {})),
    "request": ("join", lambda s: s.web.post(f"/c/{s.closed.slug}/ask/", {})),
    "invite": (
        "invite",
        lambda s: s.web.post(f"/c/{s.group.slug}/invite/", {"usernames": s.invitee.username}),
    ),
}
DOORS = [("api", name) for name in API_DOORS] + [("web", name) for name in WEB_DOORS]


@pytest.mark.parametrize(("door", "name"), DOORS, ids=[f"{d}-{n}" for d, n in DOORS])
def test_every_front_door_passes_the_address_and_answers_429_with_the_wait(settings, door, name):
    # given a new member, and a neighbour at the same address who has used its allowance
    kind, call = (API_DOORS if door == "api" else WEB_DOORS)[name]
    scene = Scene()
    limits(settings, **{f"RATE_{kind.upper()}_NEW_PER_IP_PER_HOUR": 1})
    limit_write(kind, actor=person(), ip="127.0.0.1")  # the test client's address

    # when the member writes through this door
    response = call(scene)

    # then the address refuses them: 429, with the wait in words (and the header for the API)
    assert response.status_code == 429, response.content.decode()[:500]
    text = error_of(response)["message"] if door == "api" else response.content.decode()
    assert "Too many new accounts on your network are doing this right now." in text
    assert WAIT in text
    if door == "api":
        assert response["Retry-After"] == str(HOUR - TEN_MINUTES_IN)


# --- several processes -------------------------------------------------------------------------


def _post_from_another_process(
    *, user: User, group: Community, times: int, moment: float, env: dict[str, str]
) -> None:
    """Publish `times` posts as `user` from a separate Python process on the same database."""
    code = textwrap.dedent(
        f"""
        import os
        import django

        os.environ["DJANGO_SETTINGS_MODULE"] = "communa.settings"
        django.setup()
        from communa.accounts.models import User
        from communa.communities.models import Community
        from communa.core import ratelimit
        from communa.walls.actions.posts import create_post

        ratelimit._clock = lambda: {moment!r}
        user = User.objects.get(pk={user.pk})
        group = Community.objects.get(pk={group.pk})
        for n in range({times}):
            create_post(actor=user, community=group, data={{"body": f"Elsewhere {{n}}"}}, ip={HOME!r})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "COMMUNA_DATABASE_URL": database_url_for_subprocess(),
            "COMMUNA_RATE_POST_PER_HOUR": "3",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _shared_quota_holds(settings, clock, env: dict[str, str]) -> None:
    # given an established member allowed three posts an hour in every process
    group = open_group()
    member = established(add_member(group))
    limits(settings, RATE_POST_PER_HOUR=3)

    # when another process publishes two of them
    _post_from_another_process(user=member, group=group, times=2, moment=clock["now"], env=env)

    # then this process gets the third and no fourth
    create_post(actor=member, community=group, data={"body": "Here"}, ip=HOME)
    with pytest.raises(RateLimited):
        create_post(actor=member, community=group, data={"body": "Too many"}, ip=HOME)
    assert Post.objects.filter(author=member, status=PostStatus.PUBLISHED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_two_processes_sharing_the_database(settings, clock):
    from communa.core.models import RateLimitCounter

    limits(settings, RATE_LIMIT_STORE="database")
    ratelimit.default_store.cache_clear()
    _shared_quota_holds(settings, clock, {"COMMUNA_RATE_LIMIT_STORE": "database"})
    # The two processes met in the database's counter rows.
    assert RateLimitCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_two_processes_sharing_redis(settings, clock):
    store = ratelimit.RedisStore(REDIS_URL)
    try:
        store.client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis means "not here"
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {exc}")
    settings.REDIS_URL = REDIS_URL
    limits(settings, RATE_LIMIT_STORE="redis")
    ratelimit.default_store.cache_clear()
    env = {"COMMUNA_REDIS_URL": REDIS_URL, "COMMUNA_RATE_LIMIT_STORE": "redis"}
    try:
        _shared_quota_holds(settings, clock, env)
        # The counts are in Redis, not in the database.
        from communa.core.models import RateLimitCounter

        assert not RateLimitCounter.objects.exists()
    finally:
        ratelimit.default_store.cache_clear()

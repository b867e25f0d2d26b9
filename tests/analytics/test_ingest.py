"""Impressions: one event per showing, reach once per viewer, the platform from the request."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from communa.analytics.ingest import VISITOR_COOKIE, Viewer, record_impressions, viewer_of
from communa.analytics.models import Event, EventKind, Platform, PostViewer
from communa.walls.actions.posts import create_post
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


@contextmanager
def freeze_day(days_later: int):
    """The clock of the visitor ids moved by whole days (the rest of the site keeps real time)."""
    moment = timezone.now() + timedelta(days=days_later)
    with mock.patch("communa.core.events.timezone.now", return_value=moment):
        yield


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _posts(count: int):
    owner = person()
    community = make_community(owner)
    return [
        create_post(actor=owner, community=community, data={"body": f"Post {i}"})
        for i in range(count)
    ]


def test_each_showing_is_an_impression_but_a_viewer_counts_once_towards_reach():
    # given
    posts = _posts(3)
    alice = Viewer(user_id=None, key="valice", platform=Platform.WEB)
    bob = Viewer(user_id=None, key="vbob", platform=Platform.MOBILE_WEB)
    # when
    record_impressions(alice, posts)
    record_impressions(alice, posts[:2])
    record_impressions(bob, posts[:1])
    # then
    for post in posts:
        post.refresh_from_db()
    assert [p.impression_count for p in posts] == [3, 2, 1]
    assert [p.reach_count for p in posts] == [2, 1, 1]
    assert PostViewer.objects.filter(post=posts[0]).count() == 2
    assert Event.objects.filter(kind=EventKind.IMPRESSION).count() == 6
    assert Event.objects.filter(viewer="vbob", platform=Platform.MOBILE_WEB).count() == 1


@pytest.mark.parametrize("count", [1, 20])
def test_recording_a_page_of_impressions_takes_the_same_queries_whatever_its_size(
    count, django_assert_max_num_queries
):
    posts = _posts(count)
    viewer = Viewer(user_id=None, key="vsomeone", platform=Platform.WEB)
    with django_assert_max_num_queries(5):
        record_impressions(viewer, posts)


def test_a_logged_in_person_is_the_viewer_and_a_phone_is_mobile_web():
    user = person()
    request = RequestFactory().get("/feed/", HTTP_USER_AGENT=IPHONE)
    request.user = user
    viewer = viewer_of(request)
    assert viewer.key == f"u{user.pk}"
    assert viewer.user_id == user.pk
    assert viewer.platform == Platform.MOBILE_WEB


def test_an_anonymous_visitor_is_known_by_a_hash_of_the_cookie_never_the_cookie():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/c/x/wall/", HTTP_USER_AGENT="Firefox")
    request.user = AnonymousUser()
    request.COOKIES[VISITOR_COOKIE] = "raw-cookie-value"
    viewer = viewer_of(request)
    again = viewer_of(request)
    assert viewer.user_id is None
    assert viewer.key.startswith("v")
    assert "raw-cookie-value" not in viewer.key
    assert viewer.key == again.key
    assert viewer.platform == Platform.WEB


def test_the_api_is_its_own_platform():
    request = RequestFactory().get("/api/feed", HTTP_USER_AGENT=IPHONE)
    request.user = person()
    assert viewer_of(request, api=True).platform == Platform.API


def test_anonymous_web_visitors_get_a_visitor_cookie(client):
    response = client.get("/")
    assert VISITOR_COOKIE in response.cookies
    assert response.cookies[VISITOR_COOKIE]["httponly"]


def test_signed_in_members_get_no_visitor_cookie_and_count_by_their_account(client):
    community = make_community(person())
    post = create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    member = person()
    client.force_login(member)
    for _ in range(2):
        response = client.get(f"/c/{community.slug}/wall/")
        assert response.status_code == 200
        assert VISITOR_COOKIE not in response.cookies
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (2, 1)
    assert PostViewer.objects.filter(post=post, viewer=f"u{member.pk}").count() == 1


def test_a_client_without_cookies_is_one_viewer_a_day_not_one_per_request(client):
    community = make_community(person())
    post = create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    cookieless = Client(HTTP_USER_AGENT="wrk")
    for _ in range(3):
        response = cookieless.get(f"/c/{community.slug}/wall/")
        assert response.status_code == 200
        cookieless.cookies.clear()
    browser = Client(HTTP_USER_AGENT="Firefox")
    browser.get(f"/c/{community.slug}/wall/")
    browser.get(f"/c/{community.slug}/wall/")  # now with the cookie the first answer set
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (5, 2)


def test_the_next_day_the_same_cookieless_client_counts_again(client):
    community = make_community(person())
    post = create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    api = Client(HTTP_USER_AGENT="script")
    with freeze_day(0):
        api.get(f"/api/communities/{community.slug}/wall")
        api.get(f"/api/communities/{community.slug}/wall")
    with freeze_day(1):
        api.get(f"/api/communities/{community.slug}/wall")
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (3, 2)


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
    ],
)
def test_known_crawlers_and_scripts_record_no_view(agent):
    community = make_community(person())
    post = create_post(actor=community.created_by, community=community, data={"body": "Hello"})
    response = Client(HTTP_USER_AGENT=agent).get(f"/c/{community.slug}/wall/")
    assert response.status_code == 200
    assert "Hello" in response.content.decode()
    post.refresh_from_db()
    assert (post.impression_count, post.reach_count) == (0, 0)
    assert not Event.objects.filter(post=post).exists()

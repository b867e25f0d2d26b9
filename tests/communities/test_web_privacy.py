"""A private community is a 404 to outsiders on every page; the widget embeds anywhere."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from communa.communities import actions
from communa.communities.models import JoinSource, Membership, Privacy, Role
from tests.factories import make_community, person

pytestmark = pytest.mark.django_db


def normalised(response, slug: str) -> str:
    """The page with what legitimately differs between two requests taken out."""
    html = response.content.decode().replace(slug, "SLUG")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1TOKEN", html)


def pages_of(slug: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every page and form target under /c/<slug>/."""
    base = f"/c/{slug}"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/join/?src=widget"),
        ("post", f"{base}/join/"),
        ("post", f"{base}/ask/"),
        ("post", f"{base}/ask/cancel/"),
        ("post", f"{base}/leave/"),
        ("get", f"{base}/widget/"),
        ("get", f"{base}/members/"),
        ("get", f"{base}/members/{ids['user']}/block/"),
        ("post", f"{base}/members/{ids['user']}/block/"),
        ("get", f"{base}/requests/"),
        ("post", f"{base}/requests/{ids['request']}/decide/"),
        ("get", f"{base}/invite/"),
        ("post", f"{base}/invite/"),
        ("post", f"{base}/invitations/{ids['invitation']}/cancel/"),
        ("get", f"{base}/blocks/"),
        ("post", f"{base}/blocks/{ids['user']}/unblock/"),
        ("get", f"{base}/team/"),
        ("post", f"{base}/team/role/"),
        ("post", f"{base}/team/handover/"),
        ("get", f"{base}/settings/"),
        ("post", f"{base}/settings/"),
        ("post", f"{base}/settings/cover/"),
        ("post", f"{base}/convert/"),
        ("post", f"{base}/verification/"),
        ("get", f"{base}/wiki/new/"),
        ("get", f"{base}/wiki/rules/"),
        ("get", f"{base}/wiki/rules/edit/"),
        ("post", f"{base}/wiki/rules/delete/"),
    ]


def test_every_page_of_a_private_community_is_the_same_404_as_a_missing_one(user, other_user):
    # given a private community with a wiki page, a member, an invitation and a request id
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE
    )
    actions.save_wiki_page(actor=user, community=community, slug="rules", title="Rules", body="")
    member = person()
    (invitation,) = actions.invite_to_community(actor=user, community=community, invitees=[member])
    ids = {"user": member.pk, "invitation": invitation.pk, "request": 1}
    outsider = Client()
    outsider.force_login(other_user)

    for method, path in pages_of("learn-to-cook", ids):
        # when
        hidden = getattr(outsider, method)(path)
        missing = getattr(outsider, method)(path.replace("learn-to-cook", "no-such-place"))

        # then
        assert (hidden.status_code, missing.status_code) == (404, 404), path
        assert normalised(hidden, "learn-to-cook") == normalised(missing, "no-such-place"), path
        assert "Learn to Cook" not in hidden.content.decode(), path


def test_the_private_community_home_is_a_404_to_anonymous_visitors(client, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE)

    assert client.get("/c/learn-to-cook/").status_code == 404
    assert client.get("/c/learn-to-cook/widget/").status_code == 404


def test_an_invited_person_sees_the_private_community_and_can_accept(client, user, other_user):
    community = make_community(
        user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE
    )
    (invitation,) = actions.invite_to_community(
        actor=user, community=community, invitees=[other_user]
    )
    client.force_login(other_user)

    home = client.get("/c/learn-to-cook/")

    assert home.status_code == 200
    assert f'action="/communities/invitations/{invitation.pk}/answer/"' in home.content.decode()


def test_a_private_community_is_not_found_by_search(client, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE)

    page = client.get("/communities/", {"q": "Learn to Cook"}).content.decode()

    assert "/c/learn-to-cook/" not in page


# --- the subscribe widget ---------------------------------------------------------------------


def test_the_widget_can_be_framed_and_its_join_link_carries_the_widget_source(client, user):
    # given
    make_community(user, name="Learn to Cook", slug="learn-to-cook")

    # when
    widget = client.get("/c/learn-to-cook/widget/")
    ordinary = client.get("/c/learn-to-cook/")

    # then
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget.headers
    assert ordinary.headers["X-Frame-Options"] == "DENY"
    html = widget.content.decode()
    assert (
        '<a class="button" href="http://testserver/c/learn-to-cook/join/?src=widget" '
        'target="_blank" rel="noopener">'
    ) in html
    assert 'class="nav"' not in html
    assert "Learn to Cook" in html


def test_a_join_through_the_widget_is_attributed_to_the_widget(client, user, other_user):
    community = make_community(user, name="Learn to Cook", slug="learn-to-cook")
    client.force_login(other_user)
    page = client.get("/c/learn-to-cook/join/?src=widget").content.decode()
    assert '<input type="hidden" name="source" value="widget"' in page

    client.post("/c/learn-to-cook/join/", {"source": "widget"})

    assert Membership.objects.get(community=community, user=other_user).source == (
        JoinSource.WIDGET
    )


def test_a_private_community_has_no_widget_even_for_its_owner(client, user):
    make_community(user, name="Learn to Cook", slug="learn-to-cook", privacy=Privacy.PRIVATE)
    client.force_login(user)

    assert client.get("/c/learn-to-cook/widget/").status_code == 404
    assert Membership.objects.get(user=user).role == Role.OWNER

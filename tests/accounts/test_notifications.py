"""Notifications: written by the actions that decide or answer, listed on a page and in the API,
counted in the top bar, marked read."""

from __future__ import annotations

import pytest

from communa.accounts.models import Notification, NotificationKind, User
from communa.communities import actions as community_actions
from communa.communities.models import Kind, Privacy, Role
from communa.moderation.queue import DecisionInput, decide, item_for
from communa.walls.actions.interactions import report_post
from communa.walls.actions.posts import reject_suggestion, suggest_post
from tests.factories import add_member, make_community, owner_of, pending_request, person
from tests.support import api_as, client_of
from tests.walls.support import make_comment, make_post

pytestmark = pytest.mark.django_db


def kinds_for(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def unread_of(user: User) -> int:
    return User.objects.get(pk=user.pk).unread_notifications


def test_a_comment_on_my_post_and_a_reply_to_my_comment_tell_me():
    # given a post by the owner and a comment by a member
    community = make_community()
    owner = owner_of(community)
    member = add_member(community)
    post = make_post(community, owner, body="Knife care")
    comment = make_comment(post, member, "Oil them")

    # when the owner replies to the comment
    make_comment(post, owner, "Yes, monthly", parent=comment)

    # then the owner was told of the comment, the member of the reply, nobody of their own
    assert kinds_for(owner) == [NotificationKind.COMMENT_ON_POST]
    assert kinds_for(member) == [NotificationKind.REPLY_TO_COMMENT]
    told = Notification.objects.get(recipient=member)
    assert member.shown_name not in told.message
    assert owner.shown_name in told.message
    assert told.url.startswith(f"/p/{post.pk}/#comment-")
    assert unread_of(owner) == 1


def test_a_join_request_tells_the_reviewers_and_the_decision_tells_the_person():
    # given a closed group with a moderator and an editor
    community = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(community)
    moderator = add_member(community, role=Role.MODERATOR)
    editor = add_member(community, role=Role.EDITOR)
    asker = person()

    # when someone asks to join, and the moderator rejects them
    join_request = community_actions.request_to_join(actor=asker, community=community)
    community_actions.decide_join_request(
        actor=moderator, join_request=join_request, approve=False, reason="Locals only"
    )

    # then those who review requests were told, the editor was not, and the asker got the answer
    assert kinds_for(owner) == [NotificationKind.REQUEST_WAITING]
    assert kinds_for(moderator) == [NotificationKind.REQUEST_WAITING]
    assert kinds_for(editor) == []
    assert kinds_for(asker) == [NotificationKind.REQUEST_REJECTED]
    assert community.name in Notification.objects.get(recipient=asker).message


def test_a_rejected_suggestion_tells_its_author():
    page = make_community(kind=Kind.PUBLIC_PAGE)
    author = add_member(page)
    post = suggest_post(actor=author, community=page, data={"body": "Try carbon steel"})
    reject_suggestion(actor=owner_of(page), post=post, reason="Off topic")
    assert kinds_for(author) == [NotificationKind.SUGGESTION_REJECTED]


def test_a_decided_report_tells_the_reporter():
    # given a report on a post
    community = make_community()
    owner = owner_of(community)
    reporter = add_member(community)
    post = make_post(community, owner)
    report = report_post(actor=reporter, post=post, reason="spam", text="")

    # when a moderator dismisses it through the queue
    item = item_for(actor=owner, community=community, key=f"report:{report.pk}")
    decide(actor=owner, community=community, item=item, data=DecisionInput(decision="approve"))

    # then the reporter is told the content stays
    assert kinds_for(reporter) == [NotificationKind.REPORT_DISMISSED]


def test_every_member_who_reported_the_same_post_is_told_once_when_it_is_removed():
    # given two members who reported the same post (one row in the queue)
    community = make_community()
    owner = owner_of(community)
    first, second = add_member(community), add_member(community)
    post = make_post(community, owner)
    report = report_post(actor=first, post=post, reason="spam", text="")
    report_post(actor=second, post=post, reason="abuse", text="")

    # when a moderator removes the post through the queue
    item = item_for(actor=owner, community=community, key=f"report:{report.pk}")
    decide(actor=owner, community=community, item=item, data=DecisionInput(decision="delete"))

    # then each of them is told their report was upheld, once, and the moderator nothing
    assert kinds_for(first) == [NotificationKind.REPORT_UPHELD]
    assert kinds_for(second) == [NotificationKind.REPORT_UPHELD]
    assert kinds_for(owner) == []


def test_the_page_lists_them_the_top_bar_counts_them_and_opening_one_reads_it():
    # given two notifications
    community = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(community)
    pending = [
        community_actions.request_to_join(actor=person(), community=community) for _n in range(2)
    ]
    client = client_of(owner)

    # then the top bar shows two unread, the page lists both
    home = client.get("/communities/").content.decode()
    assert 'class="waiting-badge">2' in home
    page = client.get("/accounts/notifications/")
    assert len(page.context["items"]) == 2

    # when one is opened, it leads to the requests and is read
    first = page.context["items"][0]
    opened = client.get(f"/accounts/notifications/{first.pk}/open/")
    assert opened["Location"] == f"/c/{community.slug}/requests/"
    assert unread_of(owner) == 1

    # and marking all read empties the count
    client.post("/accounts/notifications/read/")
    assert unread_of(owner) == 0
    assert len(pending) == 2


def test_someone_elses_notification_is_missing():
    community = make_community(privacy=Privacy.CLOSED)
    community_actions.request_to_join(actor=person(), community=community)
    theirs = Notification.objects.get()
    assert client_of(person()).get(f"/accounts/notifications/{theirs.pk}/open/").status_code == 404
    assert Notification.objects.get().read_at is None


def test_the_api_lists_and_marks_read():
    # given three notifications for the owner
    community = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(community)
    for _n in range(3):
        pending_request(community)  # written directly: no notification
        community_actions.request_to_join(actor=person(), community=community)
    api = api_as(owner)

    # when they page through them two at a time
    first = api.get("/me/notifications?limit=2").json()
    second = api.get(f"/me/notifications?limit=2&cursor={first['next_cursor']}").json()

    # then every one comes once, with its wording and the unread count
    assert len(first["items"]) == 2
    assert len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert first["unread"] == 3
    assert first["items"][0]["message"].endswith(f"asks to join {community.name}.")

    # when one is marked read, then all
    one = api.post("/me/notifications/read", {"ids": [first["items"][0]["id"]]}).json()
    assert one == {"marked": 1, "unread": 2}
    assert api.post("/me/notifications/read", {}).json() == {"marked": 2, "unread": 0}


def test_the_api_names_a_bad_field():
    owner = owner_of(make_community())
    api = api_as(owner)
    response = api.post("/me/notifications/read", {"ids": "all"})
    assert response.status_code == 422
    assert api.get("/me/notifications?limit=0").status_code == 422
    assert api.get("/me/notifications?cursor=nonsense").status_code == 422
    assert api_as(None).get("/me/notifications").status_code == 401
    too_big = api.post("/me/notifications/read", {"ids": [2**70]})
    assert too_big.status_code == 422
    assert "ids.0" in too_big.json()["error"]["fields"]


def test_operators_read_notifications_in_the_admin_but_do_not_write_them():
    community = make_community(privacy=Privacy.CLOSED)
    community_actions.request_to_join(actor=person(), community=community)
    staff = person(is_staff=True, is_superuser=True)
    client = client_of(staff)
    listing = client.get("/admin/accounts/notification/")
    assert listing.status_code == 200
    assert community.name in listing.content.decode()
    assert client.get("/admin/accounts/notification/add/").status_code == 403


def test_the_top_bar_menu_loads_my_latest_notifications():
    community = make_community(privacy=Privacy.CLOSED)
    owner = owner_of(community)
    for _n in range(7):
        community_actions.request_to_join(actor=person(), community=community)
    client = client_of(owner)
    page = client.get("/communities/").content.decode()
    assert 'hx-get="/accounts/notifications/menu/"' in page
    menu = client.get("/accounts/notifications/menu/")
    assert len(menu.context["items"]) == 5
    assert menu.content.decode().count("/open/") == 5
    assert client_of(person()).get("/accounts/notifications/menu/").context["items"] == []

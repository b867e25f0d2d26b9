"""R5.1/R5.2 wired into writing: each check, each outcome, held items in the queue, settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from communa.communities.models import Role
from communa.core.models import AuditEntry
from communa.moderation.models import FilterSettings, HeldItem, HeldStatus, Offence, OffenceKind
from communa.moderation.queue import moderation_stats
from communa.walls.models import Comment, CommentStatus, Post, PostStatus, Topic
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of
from tests.walls.support import make_post, row_counts

pytestmark = pytest.mark.django_db

OBSCENE = "Что за хуйня с доставкой, третий день жду"
CLEAN_RU = "Спасибо за доставку, всё пришло вовремя и в целости"


def configure(community, **data):
    owner = owner_of(community)
    response = api_as(owner).patch(f"/communities/{community.slug}/moderation/filters", data)
    assert response.status_code == 200, response.content
    return response.json()


def post_as(user, community, body, **extra):
    return api_as(user).post(f"/communities/{community.slug}/posts", {"body": body, **extra})


# --- outcomes of each check ------------------------------------------------------------------


def test_obscene_words_are_hidden_by_default_and_the_language_is_recorded():
    community = make_community()
    member = add_member(community)
    response = post_as(member, community, OBSCENE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published"
    assert "хуйня" not in body["body"]
    assert "∗∗∗∗∗" in body["body"]
    assert body["body"].endswith("с доставкой, третий день жду")
    assert body["language"] == "ru"
    assert Post.objects.get(pk=body["id"]).language == "ru"


def test_a_community_that_rejects_obscene_language_refuses_with_the_reason_and_writes_nothing():
    community = make_community()
    configure(community, outcomes={"obscene": "reject"})
    member = add_member(community)
    before = row_counts()
    response = post_as(member, community, OBSCENE)
    assert response.status_code == 422
    assert "obscene" in " ".join(error_of(response)["fields"]["body"])
    assert row_counts() == before


def test_the_reason_is_given_in_the_authors_language():
    community = make_community()
    configure(community, outcomes={"obscene": "reject"})
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/posts",
        {"body": OBSCENE},
        headers={"Accept-Language": "ru"},
    )
    assert response.status_code == 422
    reasons = " ".join(error_of(response)["fields"]["body"])
    assert "obscene" not in reasons
    assert any("а" <= ch <= "я" for ch in reasons.lower())


def test_a_held_post_is_off_the_wall_shown_to_its_author_with_the_reason_and_in_the_queue():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    other = add_member(community)
    response = post_as(member, community, OBSCENE)
    assert response.status_code == 201, response.content
    held = response.json()
    assert held["status"] == "held"
    assert held["body"] == OBSCENE  # nothing the author wrote is lost
    assert held["held_reasons"]
    assert "obscene" in held["held_reasons"][0]
    wall = api_as(other).get(f"/communities/{community.slug}/wall").json()
    assert held["id"] not in [p["id"] for p in wall["items"]]
    assert api_as(other).get(f"/posts/{held['id']}").status_code == 404
    assert api_as(member).get(f"/posts/{held['id']}").json()["status"] == "held"
    queue = api_as(owner_of(community)).get(
        f"/communities/{community.slug}/moderation/queue?kind=held"
    )
    items = queue.json()["items"]
    assert [(i["kind"], i["reason"], i["author"]) for i in items] == [
        ("held", "obscene", member.username)
    ]


def test_link_farms_are_held_and_known_spam_domains_rejected():
    community = make_community()
    member = add_member(community)
    farm = post_as(
        member, community, "https://a.example https://b.example https://c.example https://d.example"
    )
    assert farm.status_code == 201
    assert farm.json()["status"] == "held"
    configure(community, spam_domains=["cheap-pills.example"])
    spam = post_as(member, community, "Great deals at https://www.cheap-pills.example/buy now")
    assert spam.status_code == 422
    assert "cheap-pills.example" in " ".join(error_of(spam)["fields"]["body"])


def test_banned_links_pass_for_the_communitys_allowed_sites():
    community = make_community(links_allowed=False)
    configure(community, allowed_link_domains=["https://ourshop.example/"])
    member = add_member(community)
    ok = post_as(member, community, "Order at https://ourshop.example/cakes today")
    refused = post_as(member, community, "Order at https://elsewhere.example/cakes today")
    assert ok.status_code == 201, ok.content
    assert refused.status_code == 422


def test_mass_mentions_are_held_and_the_limit_is_the_communitys():
    community = make_community()
    member = add_member(community)
    text = "Hey @ann @bob @cid @dan @eve @fay come to the meetup"
    assert post_as(member, community, text).json()["status"] == "held"
    configure(community, max_mentions=10)
    assert post_as(member, community, text + " tonight").json()["status"] == "published"


def test_stop_words_hold_by_default_and_can_hide_instead():
    community = make_community()
    configure(community, stop_words=["casino*", "free money"])
    member = add_member(community)
    held = post_as(member, community, "Best CASINOS and free money here")
    assert held.json()["status"] == "held"
    assert "casino" in held.json()["held_reasons"][0]
    configure(community, outcomes={"stop_word": "hide"})
    hidden = post_as(member, community, "Visit our casino tonight").json()
    assert hidden["status"] == "published"
    assert "casino" not in hidden["body"]


@pytest.mark.real_spam_checks
def test_the_same_text_again_is_held_as_a_repeat():
    community = make_community()
    member = add_member(community)
    post = make_post(community)
    text = "Buy followers cheap, write to me in private messages now"
    first = api_as(member).post(f"/posts/{post.pk}/comments", {"body": text})
    again = api_as(member).post(f"/posts/{post.pk}/comments", {"body": text + "!!"})
    assert first.json()["status"] == "visible"
    assert again.json()["status"] == "held"
    assert HeldItem.objects.get(comment_id=again.json()["id"]).reason == "spam_repeat"


@pytest.mark.real_spam_checks
def test_a_burst_from_a_new_account_is_held_but_not_from_an_old_one():
    community = make_community()
    post = make_post(community)
    newcomer = add_member(community)
    veteran = add_member(community)
    veteran.date_joined = timezone.now() - timedelta(days=30)
    veteran.save(update_fields=["date_joined"])
    statuses = {}
    for user in (newcomer, veteran):
        statuses[user.pk] = [
            api_as(user).post(f"/posts/{post.pk}/comments", {"body": f"Point {n}"}).json()["status"]
            for n in range(6)
        ]
    assert statuses[newcomer.pk] == ["visible"] * 5 + ["held"]
    assert statuses[veteran.pk] == ["visible"] * 6


def test_the_team_is_not_checked():
    community = make_community()
    configure(community, outcomes={"obscene": "reject"})
    editor = add_member(community, role=Role.EDITOR)
    response = post_as(editor, community, OBSCENE)
    assert response.status_code == 201
    assert response.json()["body"] == OBSCENE


# --- comments and topics ---------------------------------------------------------------------


def test_a_held_comment_is_not_counted_until_approved_and_then_counts():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    post = make_post(community)
    response = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE})
    assert response.json()["status"] == "held"
    post.refresh_from_db()
    assert post.comment_count == 0
    others = api_as(add_member(community)).get(f"/posts/{post.pk}/comments").json()["items"]
    assert others == []
    mine = api_as(member).get(f"/posts/{post.pk}/comments").json()["items"]
    assert [c["status"] for c in mine] == ["held"]
    assert mine[0]["held_reasons"]
    owner = owner_of(community)
    key = f"held:{HeldItem.objects.get().pk}"
    decided = api_as(owner).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "approve"},
    )
    assert decided.json()["done"] == [key]
    post.refresh_from_db()
    assert post.comment_count == 1
    assert Comment.objects.get().status == CommentStatus.VISIBLE
    assert AuditEntry.objects.filter(action="held.approve").count() == 1


def test_rejecting_a_held_comment_keeps_it_for_its_author_with_the_reason_and_is_an_offence():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    post = make_post(community)
    api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE})
    key = f"held:{HeldItem.objects.get().pk}"
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "reject", "reason": "Please be polite"},
    )
    mine = api_as(member).get(f"/posts/{post.pk}/comments").json()["items"]
    assert [(c["status"], c["held_reasons"]) for c in mine] == [("rejected", ["Please be polite"])]
    assert Offence.objects.get(user=member).kind == OffenceKind.FILTER
    stats = moderation_stats(actor=owner_of(community), community=community)
    assert (stats.held_decided, stats.held_approved_share) == (1, 0.0)


def test_a_held_topic_is_seen_only_by_its_author_and_the_moderators():
    community = make_community(kind="group")
    configure(community, stop_words=["crypto"])
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/topics", {"title": "Crypto signals", "body": "Join"}
    )
    assert response.status_code == 201, response.content
    topic = response.json()
    assert topic["held"] is True
    assert topic["held_reasons"]
    listed = api_as(add_member(community)).get(f"/communities/{community.slug}/topics").json()
    assert topic["id"] not in [t["id"] for t in listed["items"]]
    mine = api_as(member).get(f"/communities/{community.slug}/topics").json()
    assert topic["id"] in [t["id"] for t in mine["items"]]
    assert api_as(owner_of(community)).get(f"/topics/{topic['id']}").status_code == 200


# --- edit and resubmit -----------------------------------------------------------------------


def test_the_author_edits_a_held_post_and_it_is_published_once_the_checks_pass():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    held = post_as(member, community, OBSCENE).json()
    still = api_as(member).patch(f"/posts/{held['id']}", {"body": OBSCENE + " опять"})
    assert still.json()["status"] == "held"
    fixed = api_as(member).patch(f"/posts/{held['id']}", {"body": CLEAN_RU})
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["status"] == "published"
    assert HeldItem.objects.get().status == HeldStatus.WITHDRAWN
    assert (
        api_as(owner_of(community))
        .get(f"/communities/{community.slug}/moderation/queue")
        .json()["items"]
        == []
    )


def test_an_edit_that_breaks_a_rejecting_check_is_refused_and_the_post_is_unchanged():
    community = make_community()
    configure(community, outcomes={"obscene": "reject"})
    member = add_member(community)
    post = post_as(member, community, CLEAN_RU).json()
    response = api_as(member).patch(f"/posts/{post['id']}", {"body": OBSCENE})
    assert response.status_code == 422
    assert Post.objects.get(pk=post["id"]).body == CLEAN_RU


def test_a_held_post_the_author_deletes_leaves_the_queue():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    held = post_as(member, community, OBSCENE).json()
    assert api_as(member).delete(f"/posts/{held['id']}").status_code in (200, 204)
    assert HeldItem.objects.get().status == HeldStatus.WITHDRAWN
    assert Post.objects.get(pk=held["id"]).status == PostStatus.DELETED


# --- the community's obscene-language switch ------------------------------------------------


def switch_obscene_filter(community, on):
    response = api_as(owner_of(community)).patch(
        f"/communities/{community.slug}", {"obscene_filter": on}
    )
    assert response.status_code == 200, response.content
    assert response.json()["obscene_filter"] is on


def test_a_comment_is_stored_as_written_while_the_obscene_switch_is_off_and_starred_once_on():
    community = make_community()
    member = add_member(community)
    post = make_post(community)
    switch_obscene_filter(community, False)

    written = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE})

    assert written.status_code == 201, written.content
    assert written.json()["body"] == OBSCENE
    assert Comment.objects.get(pk=written.json()["id"]).body == OBSCENE

    switch_obscene_filter(community, True)
    starred = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE})

    assert starred.status_code == 201, starred.content
    assert "хуйня" not in starred.json()["body"]
    assert "∗∗∗∗∗" in starred.json()["body"]


def _write_post(member, community):
    response = post_as(member, community, OBSCENE)
    return response, lambda: Post.objects.get(pk=response.json()["id"]).body


def _write_comment(member, community):
    post = make_post(community)
    response = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE})
    return response, lambda: Comment.objects.get(pk=response.json()["id"]).body


def _write_topic(member, community):
    response = api_as(member).post(
        f"/communities/{community.slug}/topics", {"title": OBSCENE, "body": OBSCENE}
    )
    topic = lambda: Topic.objects.get(pk=response.json()["id"])  # noqa: E731
    return response, lambda: f"{topic().title} | {topic().body}"


def _write_suggestion(member, community):
    response = api_as(member).post(f"/communities/{community.slug}/suggestions", {"body": OBSCENE})
    return response, lambda: Post.objects.get(pk=response.json()["id"]).body


def _edit_post(member, community):
    post = post_as(member, community, CLEAN_RU).json()
    response = api_as(member).patch(f"/posts/{post['id']}", {"body": OBSCENE})
    return response, lambda: Post.objects.get(pk=post["id"]).body


def _edit_comment(member, community):
    post = make_post(community)
    comment = api_as(member).post(f"/posts/{post.pk}/comments", {"body": CLEAN_RU}).json()
    response = api_as(member).patch(f"/comments/{comment['id']}", {"body": OBSCENE})
    return response, lambda: Comment.objects.get(pk=comment["id"]).body


WRITES = {
    "post": ("group", _write_post),
    "comment": ("group", _write_comment),
    "topic": ("group", _write_topic),
    "suggestion": ("public_page", _write_suggestion),
    "post edit": ("group", _edit_post),
    "comment edit": ("group", _edit_comment),
}


@pytest.mark.parametrize("outcome", ["hide", "hold", "reject"])
@pytest.mark.parametrize("kind", list(WRITES))
def test_nothing_is_checked_for_obscene_language_while_the_switch_is_off(kind, outcome):
    community_kind, write = WRITES[kind]
    community = make_community(kind=community_kind)
    configure(community, outcomes={"obscene": outcome})
    member = add_member(community)
    switch_obscene_filter(community, False)

    response, stored = write(member, community)

    assert response.status_code in (200, 201), response.content
    assert "∗" not in stored()
    assert OBSCENE in stored()
    assert not HeldItem.objects.exists()
    assert all("obscene" not in post.flags for post in Post.objects.all())


@pytest.mark.parametrize("kind", list(WRITES))
def test_obscene_words_are_starred_again_once_the_switch_is_back_on(kind):
    community_kind, write = WRITES[kind]
    community = make_community(kind=community_kind)
    member = add_member(community)
    switch_obscene_filter(community, False)
    switch_obscene_filter(community, True)

    response, stored = write(member, community)

    assert response.status_code in (200, 201), response.content
    assert "хуйня" not in stored()
    assert "∗∗∗∗∗" in stored()


def test_the_web_settings_form_turns_the_obscene_check_off_and_on():
    community = make_community()
    owner = Client()
    owner.force_login(owner_of(community))
    url = f"/c/{community.slug}/settings/"
    form = owner.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    member = add_member(community)
    post = make_post(community)

    del data["obscene_filter"]  # an unticked box is not sent
    assert owner.post(url, data).status_code == 302
    off = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE}).json()
    assert off["body"] == OBSCENE

    assert owner.post(url, {**data, "obscene_filter": "on"}).status_code == 302
    on = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE}).json()
    assert "∗∗∗∗∗" in on["body"]


def test_profile_texts_are_checked_whatever_the_communities_switches_say():
    community = make_community()
    switch_obscene_filter(community, False)
    member = add_member(community)

    response = api_as(member).patch("/me", {"display_name": "Хуйло Петрович"})

    assert response.status_code == 422


# --- profile texts ---------------------------------------------------------------------------


def test_an_obscene_display_name_is_refused_naming_the_field():
    user = person()
    response = api_as(user).patch("/me", {"display_name": "Хуйло Петрович"})
    assert response.status_code == 422
    assert "display_name" in error_of(response)["fields"]
    user.refresh_from_db()
    assert "Хуйло" not in user.display_name
    assert api_as(user).patch("/me", {"display_name": "Dick Johnson"}).status_code == 200


# --- settings --------------------------------------------------------------------------------


def test_settings_start_from_the_defaults_and_every_fault_is_named():
    community = make_community()
    owner = owner_of(community)
    got = api_as(owner).get(f"/communities/{community.slug}/moderation/filters").json()
    assert got["customised"] is False
    assert got["outcomes"]["obscene"] == "hide"
    bad = api_as(owner).patch(
        f"/communities/{community.slug}/moderation/filters",
        {
            "outcomes": {"links": "hide", "nonsense": "hold"},
            "spam_domains": ["not a domain"],
            "max_links": 0,
        },
    )
    assert bad.status_code == 422
    assert set(error_of(bad)["fields"]) == {
        "outcomes.links",
        "outcomes.nonsense",
        "spam_domains",
        "max_links",
    }
    assert not FilterSettings.objects.exists()


def test_only_admins_change_the_settings_and_each_change_is_audited():
    community = make_community()
    moderator = add_member(community, role=Role.MODERATOR)
    refused = api_as(moderator).patch(
        f"/communities/{community.slug}/moderation/filters", {"max_links": 5}
    )
    assert refused.status_code == 403
    configure(community, max_links=5)
    entry = AuditEntry.objects.get(action="filters.update")
    assert (entry.before, entry.after) == ({"max_links": 3}, {"max_links": 5})


def test_the_settings_page_saves_and_shows_errors_beside_their_fields():
    community = make_community()
    client = Client()
    client.force_login(owner_of(community))
    url = f"/c/{community.slug}/moderation/checks/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"outcome_obscene": "reject", "spam_domains": "no spaces allowed"})
    assert bad.status_code == 400
    assert "This is not a domain name" in bad.content.decode()
    assert "no spaces allowed" in bad.content.decode()
    good = client.post(
        url, {"outcome_obscene": "reject", "stop_words": "casino*\nfree money", "max_links": "4"}
    )
    assert good.status_code == 302
    stored = FilterSettings.objects.get(community=community)
    assert (stored.outcomes["obscene"], stored.stop_words, stored.max_links) == (
        "reject",
        ["casino*", "free money"],
        4,
    )


def test_the_web_composer_says_why_a_post_is_held_and_keeps_it_editable():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    client = Client()
    client.force_login(member)
    response = client.post(f"/c/{community.slug}/posts/new/", {"body": OBSCENE}, follow=True)
    page = response.content.decode()
    assert "obscene" in page
    post = Post.objects.get(author=member)
    assert post.status == PostStatus.HELD
    assert f"/p/{post.pk}/edit/" in page


def test_the_topic_count_is_unchanged_for_others_while_a_topic_is_held():
    community = make_community(kind="group")
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    api_as(member).post(f"/communities/{community.slug}/topics", {"title": OBSCENE, "body": ""})
    assert Topic.objects.get().held is True
    key = f"held:{HeldItem.objects.get().pk}"
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "approve"},
    )
    assert Topic.objects.get().held is False


def test_the_author_finds_held_and_refused_posts_on_the_wall_and_in_the_api():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    first = post_as(member, community, OBSCENE).json()
    second = post_as(member, community, OBSCENE + " снова").json()
    item = HeldItem.objects.get(post_id=first["id"])
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [f"held:{item.pk}"], "decision": "reject", "reason": "Keep it civil"},
    )
    mine = api_as(member).get(f"/communities/{community.slug}/held/mine").json()
    assert [(p["id"], p["status"]) for p in mine] == [
        (second["id"], "held"),
        (first["id"], "rejected"),
    ]
    assert mine[1]["review_reason"] == "Keep it civil"
    assert (
        api_as(add_member(community)).get(f"/communities/{community.slug}/held/mine").json() == []
    )
    client = Client()
    client.force_login(member)
    page = client.get(f"/c/{community.slug}/wall/").content.decode()
    assert "Waiting for a moderator" in page
    assert "Keep it civil" in page


def test_reviewers_see_what_the_checks_found_in_a_suggested_post():
    community = make_community(kind="public_page")
    configure(community, stop_words=["casino"])
    member = add_member(community)
    response = api_as(member).post(
        f"/communities/{community.slug}/suggestions", {"body": "A casino night for the club"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "suggested"
    items = (
        api_as(owner_of(community))
        .get(f"/communities/{community.slug}/moderation/queue?kind=suggestion")
        .json()["items"]
    )
    assert "stop words" in items[0]["summary"]


def test_a_held_comment_takes_no_replies_so_it_cannot_surface_through_them():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    post = make_post(community)
    held = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE}).json()
    reply = api_as(member).post(
        f"/posts/{post.pk}/comments", {"body": "And more", "parent": held["id"]}
    )
    assert reply.status_code == 404
    assert api_as(add_member(community)).get(f"/posts/{post.pk}/comments").json()["items"] == []


def test_a_rejected_topic_stays_with_its_author_with_the_reason_and_cannot_be_edited_back():
    community = make_community(kind="group")
    configure(community, stop_words=["crypto"])
    member = add_member(community)
    topic = (
        api_as(member)
        .post(f"/communities/{community.slug}/topics", {"title": "Crypto signals", "body": "Join"})
        .json()
    )
    key = f"held:{HeldItem.objects.get().pk}"
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "reject", "reason": "No trading tips here"},
    )
    seen = api_as(member).get(f"/topics/{topic['id']}").json()
    assert (seen["held"], seen["rejected"], seen["held_reasons"]) == (
        True,
        True,
        ["No trading tips here"],
    )
    assert api_as(add_member(community)).get(f"/topics/{topic['id']}").status_code == 404
    edit = api_as(member).patch(f"/topics/{topic['id']}", {"title": "Bread", "body": "Sourdough"})
    assert edit.status_code == 403
    assert Topic.objects.get().held is True


def test_a_rejected_comment_cannot_be_edited_and_its_thread_count_stays_right():
    community = make_community()
    configure(community, outcomes={"obscene": "hold"})
    member = add_member(community)
    post = make_post(community)
    held = api_as(member).post(f"/posts/{post.pk}/comments", {"body": OBSCENE}).json()
    key = f"held:{HeldItem.objects.get().pk}"
    api_as(owner_of(community)).post(
        f"/communities/{community.slug}/moderation/queue/decide",
        {"items": [key], "decision": "reject", "reason": "No"},
    )
    edit = api_as(member).patch(f"/comments/{held['id']}", {"body": OBSCENE + " ещё"})
    assert edit.status_code == 403
    post.refresh_from_db()
    assert post.comment_count == 0
    assert Comment.objects.get().status == CommentStatus.REJECTED

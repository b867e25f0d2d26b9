"""Poll pages: the team's manage pages, members' votes by form and by htmx, results and voters as
the poll's rule shows them, and the poll under a post on the wall and the post's page (a
visitor's kept wall included)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from communa.communities.models import Privacy, Role
from communa.engagement.actions.polls import close_poll, delete_poll, update_poll, vote_in_poll
from communa.engagement.models import Poll
from communa.walls.models import Post
from tests.engagement.polls_support import counts, make_poll, option_ids
from tests.factories import add_member, make_community, owner_of, person
from tests.support import client_of
from tests.walls.support import make_post, queries_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def community():
    return make_community(person("olga"), slug="cooks")


def form_data(**extra):
    return {
        "question": "Which knife first?",
        "options": "Santoku\nChef's knife\n",
        "multiple": "0",
        "anonymous": "1",
        "results_shown": "after_vote",
        "changeable": "on",
        "closes_at": "",
        "post_id": "",
        **extra,
    }


def test_the_team_finds_polls_in_the_manage_area_and_opens_one(community):
    editor = add_member(community, role=Role.EDITOR)
    client = client_of(editor)
    page = client.get("/c/cooks/polls/manage/")
    assert page.status_code == 200
    assert b"New poll" in page.content
    response = client.post("/c/cooks/polls/new/", form_data())
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/cooks/polls/{poll.pk}/"
    assert [o.text for o in poll.options.all()] == ["Santoku", "Chef's knife"]
    assert poll.question.encode() in client.get("/c/cooks/polls/manage/").content


def test_a_poll_with_one_option_is_sent_back_with_the_reason_on_the_field(community):
    response = client_of(owner_of(community)).post(
        "/c/cooks/polls/new/", form_data(options="Only one")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["options"]
    assert not Poll.objects.exists()


def test_members_do_not_reach_the_manage_pages(community):
    member = client_of(add_member(community))
    assert member.get("/c/cooks/polls/manage/").status_code == 403
    assert member.post("/c/cooks/polls/new/", form_data()).status_code == 403
    assert not Poll.objects.exists()


def test_a_member_votes_by_form_and_then_sees_the_results_as_text(community):
    poll = make_poll(community)
    member = add_member(community)
    client = client_of(member)
    page = client.get(f"/c/cooks/polls/{poll.pk}/")
    assert b'type="radio" name="option"' in page.content
    assert b"The results show once you have voted." in page.content
    yes, _no = option_ids(poll)
    response = client.post(f"/c/cooks/polls/{poll.pk}/vote/", {"option": str(yes)})
    assert response.status_code == 302
    assert counts(poll) == [1, 0]
    page = client.get(f"/c/cooks/polls/{poll.pk}/")
    assert b"100 % \xc2\xb7 1 vote" in page.content
    assert b"Change my vote" in page.content


def test_a_vote_without_a_choice_shows_why_on_the_poll(community):
    poll = make_poll(community)
    response = client_of(add_member(community)).post(f"/c/cooks/polls/{poll.pk}/vote/", {})
    assert response.status_code == 422
    assert b"Choose an option." in response.content
    assert counts(poll) == [0, 0]


def test_an_htmx_vote_answers_with_the_live_poll(community):
    poll = make_poll(community, multiple=True)
    yes, no = option_ids(poll)
    response = client_of(add_member(community)).post(
        f"/c/cooks/polls/{poll.pk}/vote/", {"option": [str(yes), str(no)], "in_card": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert response.templates[0].name == "engagement/polls/_poll.html"
    assert b'type="checkbox"' in response.content
    assert b"1 person voted." in response.content
    assert counts(poll) == [1, 1]


def test_a_member_takes_the_vote_back(community):
    poll = make_poll(community)
    member = add_member(community)
    vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    response = client_of(member).post(f"/c/cooks/polls/{poll.pk}/withdraw/")
    assert response.status_code == 302
    assert counts(poll) == [0, 0]


def test_a_visitor_sees_the_poll_and_is_asked_to_log_in_to_vote(community):
    poll = make_poll(community)
    page = client_of().get(f"/c/cooks/polls/{poll.pk}/card/", **HTMX)
    assert page.status_code == 200
    assert b"Log in to vote" in page.content
    assert b'name="option"' not in page.content
    assert b"Which knife first?" in client_of().get("/c/cooks/polls/").content


def test_voters_of_a_public_poll_are_listed_and_of_an_anonymous_one_are_not(community):
    public = make_poll(community, anonymous=False)
    member = add_member(community, person(display_name="Anh"))
    vote_in_poll(actor=member, poll=public, option_ids=option_ids(public)[:1])
    client = client_of(member)
    page = client.get(f"/c/cooks/polls/{public.pk}/voters/?option={option_ids(public)[0]}")
    assert page.status_code == 200
    assert b"Anh" in page.content
    assert b"See who voted" in client.get(f"/c/cooks/polls/{public.pk}/").content
    hidden = make_poll(community)
    vote_in_poll(actor=member, poll=hidden, option_ids=option_ids(hidden)[:1])
    assert client.get(f"/c/cooks/polls/{hidden.pk}/voters/").status_code == 403


def test_after_the_first_vote_the_edit_form_keeps_the_options(community):
    poll = make_poll(community)
    vote_in_poll(actor=add_member(community), poll=poll, option_ids=option_ids(poll)[:1])
    client = client_of(owner_of(community))
    page = client.get(f"/c/cooks/polls/{poll.pk}/edit/")
    assert page.context["form"].fields["options"].disabled
    assert not page.context["form"].fields["closes_at"].disabled
    client.post(f"/c/cooks/polls/{poll.pk}/edit/", form_data(question="Changed?"))
    assert Poll.objects.get(pk=poll.pk).question == "Which knife first?"


def test_the_team_closes_and_deletes_a_poll(community):
    poll = make_poll(community)
    client = client_of(owner_of(community))
    assert client.post(f"/c/cooks/polls/{poll.pk}/close/").status_code == 302
    assert Poll.objects.get(pk=poll.pk).state == "closed"
    page = client.get(f"/c/cooks/polls/{poll.pk}/")
    assert b"Close the poll now" not in page.content
    assert client.post(f"/c/cooks/polls/{poll.pk}/delete/").status_code == 302
    assert not Poll.objects.exists()


def test_a_closed_poll_shows_its_results_to_everyone(community):
    poll = make_poll(community, results_shown="after_close")
    vote_in_poll(actor=add_member(community), poll=poll, option_ids=option_ids(poll)[:1])
    assert b"1 person voted." not in client_of().get(f"/c/cooks/polls/{poll.pk}/").content
    close_poll(actor=owner_of(community), poll=poll)
    assert b"1 person voted." in client_of().get(f"/c/cooks/polls/{poll.pk}/").content


# --- under a post ------------------------------------------------------------------------------


def test_a_poll_attached_to_a_post_shows_under_it_on_the_wall_and_the_post_page(community):
    post = make_post(community, body="Knife week")
    poll = make_poll(community, post_id=post.pk)
    member = client_of(add_member(community))
    card_url = f"/c/cooks/polls/{poll.pk}/card/".encode()
    wall = member.get("/c/cooks/wall/", **HTMX)
    assert card_url in wall.content
    assert b"Poll: Which knife first?" in wall.content
    page = member.get(f"/p/{post.pk}/")
    assert card_url in page.content
    assert f'href="/c/cooks/polls/{poll.pk}/"'.encode() in page.content


def test_a_visitors_kept_wall_shows_a_poll_attached_after_it_was_kept(community, settings):
    # impressions buffered, as `communa serve` runs: reading the wall leaves its rows as they were
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    post = make_post(community, body="Knife week")
    visitor = client_of()
    before = visitor.get("/c/cooks/wall/", **HTMX)
    assert b"/card/" not in before.content
    assert visitor.get("/c/cooks/wall/", **HTMX).content == before.content  # kept whole
    poll = make_poll(community, post_id=post.pk)
    after = visitor.get("/c/cooks/wall/", **HTMX)
    assert f"/c/cooks/polls/{poll.pk}/card/".encode() in after.content


def test_a_post_without_a_poll_shows_none(community):
    make_post(community, body="Plain")
    make_poll(community)
    wall = client_of(add_member(community)).get("/c/cooks/wall/", **HTMX)
    assert b"/card/" not in wall.content


def test_a_poll_hidden_from_a_person_is_missing_to_them():
    club = make_community(person(), slug="club", privacy=Privacy.CLOSED)
    poll = make_poll(club)
    outsider = client_of(person())
    for path in (f"/c/club/polls/{poll.pk}/", f"/c/club/polls/{poll.pk}/card/", "/c/club/polls/"):
        assert outsider.get(path).status_code == 404
    # a poll is found only under its own community's address
    make_community(person(), slug="other")
    assert client_of().get(f"/c/other/polls/{poll.pk}/").status_code == 404
    assert client_of(add_member(club)).get(f"/c/club/polls/{poll.pk}/").status_code == 200


def marked(post) -> bool:
    return Post.objects.values_list("has_widgets", flat=True).get(pk=post.pk)


def test_attaching_a_poll_marks_the_post_and_moving_or_deleting_it_takes_the_mark_away(
    community, settings
):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    first, second = make_post(community, body="Knife week"), make_post(community, body="Pans")
    visitor = client_of()
    visitor.get("/c/cooks/wall/", **HTMX)  # the visitor's wall is kept whole
    owner = owner_of(community)
    # attached: the post is marked and the poll shows on the kept wall
    poll = make_poll(community, post_id=first.pk)
    assert (marked(first), marked(second)) == (True, False)
    card = f"/c/cooks/polls/{poll.pk}/card/"
    assert visitor.get("/c/cooks/wall/", **HTMX).content.decode().count(card) == 1
    # moved to another post: the mark moves with it
    update_poll(actor=owner, poll=poll, data={"post_id": second.pk})
    assert (marked(first), marked(second)) == (False, True)
    # deleted: no mark is left, and the kept wall shows no poll
    delete_poll(actor=owner, poll=Poll.objects.get(pk=poll.pk))
    assert (marked(first), marked(second)) == (False, False)
    assert card not in visitor.get("/c/cooks/wall/", **HTMX).content.decode()


def test_a_wall_pays_for_polls_only_when_a_post_of_it_has_one(community, settings):
    settings.COMMUNA = {**django_settings.COMMUNA, "IMPRESSIONS_MODE": "buffered"}
    post = make_post(community, body="Knife week")
    make_post(community, body="Pans")
    make_poll(community)  # a poll of the community, under no post
    member = client_of(add_member(community))

    def cost() -> int:
        member.get("/c/cooks/wall/", **HTMX)
        return queries_of(lambda: member.get("/c/cooks/wall/", **HTMX))

    without = cost()
    make_poll(community, post_id=post.pk)
    # A page with a poll under a post is not kept whole for its readers (the poll's answer is
    # each one's own): besides the rows that name the kept page (with the member's likes and
    # whether they have a held post), the page, its pinned post, the member's held posts and
    # the polls of the page's marked posts are read.
    assert cost() == without + 4


def test_a_poll_page_is_found_at_its_communitys_address_in_any_case(community):
    poll = make_poll(community)
    member = client_of(add_member(community))
    page = member.get(f"/c/COOKS/polls/{poll.pk}/")
    assert page.status_code == 200
    assert poll.question.encode() in page.content
    assert member.get(f"/c/no-such-place/polls/{poll.pk}/").status_code == 404

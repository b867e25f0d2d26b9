"""Taking part is a write like any other (R5.5): votes, photo entries, form answers and guide
steps share one hourly limit per member (`COMMUNA_RATE_TAKE_PART_*`), refused with a 429 that
says how long to wait, and nothing is written past it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communa.accounts.models import User
from communa.core.errors import RateLimited
from communa.engagement.actions.form_answers import submit_response
from communa.engagement.actions.polls import vote_in_poll
from communa.engagement.models import Ballot, FormResponse
from tests.engagement.forms_support import add_question, make_form, open_form
from tests.engagement.polls_support import make_poll, option_ids
from tests.factories import add_member, make_community
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db


def established_member(community):
    member = add_member(community)
    User.objects.filter(pk=member.pk).update(date_joined=timezone.now() - timedelta(days=30))
    member.refresh_from_db()
    return member


def test_a_member_past_the_hourly_limit_is_refused_and_no_vote_is_written(settings):
    # given a limit of two acts an hour
    settings.COMMUNA = {**settings.COMMUNA, "RATE_TAKE_PART_PER_HOUR": 2}
    community = make_community()
    member = established_member(community)
    polls = [make_poll(community, question=f"Question {n}?") for n in range(3)]
    # when the member votes in three polls
    for poll in polls[:2]:
        vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])
    with pytest.raises(RateLimited):
        vote_in_poll(actor=member, poll=polls[2], option_ids=option_ids(polls[2])[:1])
    # then the third poll has no ballot
    assert Ballot.objects.filter(voter=member).count() == 2
    assert not Ballot.objects.filter(poll=polls[2]).exists()


def test_new_accounts_have_the_lower_limit_and_the_api_answers_429(settings):
    settings.COMMUNA = {
        **settings.COMMUNA,
        "RATE_TAKE_PART_PER_HOUR": 100,
        "RATE_TAKE_PART_NEW_PER_HOUR": 1,
    }
    community = make_community()
    newcomer = add_member(community)
    first, second = make_poll(community), make_poll(community, question="Another?")
    api = api_as(newcomer)

    assert (
        api.post(f"/polls/{first.pk}/vote", {"option_ids": option_ids(first)[:1]}).status_code
        == 201
    )
    refused = api.post(f"/polls/{second.pk}/vote", {"option_ids": option_ids(second)[:1]})

    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert not Ballot.objects.filter(poll=second).exists()


def test_votes_and_form_answers_count_against_one_limit(settings):
    settings.COMMUNA = {**settings.COMMUNA, "RATE_TAKE_PART_PER_HOUR": 1}
    community = make_community()
    member = established_member(community)
    poll = make_poll(community)
    form = make_form(community)
    question = add_question(form)
    open_form(form)
    vote_in_poll(actor=member, poll=poll, option_ids=option_ids(poll)[:1])

    with pytest.raises(RateLimited):
        submit_response(actor=member, form=form, answers={str(question.pk): "Olga"})

    assert not FormResponse.objects.filter(form=form).exists()

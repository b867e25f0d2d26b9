"""Members at publication fixed by the rollup (analytics/post_facts.py): each run reads only the
posts published since the last one; a sweep, every POST_FACTS_SWEEP_SECONDS or by the command,
reads them all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from communa.analytics import post_facts
from communa.analytics.metrics.posts import figures_of
from communa.analytics.models import PostFacts, RollupState
from communa.analytics.post_facts import POST_FACTS, POST_FACTS_SWEEP, roll_up_post_facts
from communa.communities.actions.membership import join_community
from communa.communities.models import MembershipEvent
from communa.walls.models import Post
from tests.analytics.support import rolled_up
from tests.factories import make_community, person
from tests.walls.support import make_post

pytestmark = pytest.mark.django_db


def _post_stored_earlier():
    """A community of two members for ten days, rolled up once, then a post stored with a
    moment three days back (as an import or a restore stores it)."""
    community = make_community(person(), privacy="open")
    join_community(actor=person(), community=community)
    MembershipEvent.objects.filter(community=community).update(
        at=timezone.now() - timedelta(days=10)
    )
    rolled_up()
    post = make_post(community)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=3))
    return post


def _sweep_by_the_worker() -> None:
    RollupState.objects.filter(name=POST_FACTS_SWEEP).update(
        seen_at=timezone.now() - timedelta(days=2)
    )
    rolled_up()


@pytest.mark.parametrize(
    "sweep", [_sweep_by_the_worker, lambda: call_command("roll_up", verbosity=0)]
)
def test_a_post_stored_with_an_earlier_moment_gets_its_facts_at_the_sweep(sweep):
    # given
    post = _post_stored_earlier()
    # when: the next run reads only what was published since the last one
    rolled_up()
    # then: no facts yet; the figures count the members from the history meanwhile
    assert not PostFacts.objects.filter(post=post).exists()
    assert figures_of(Post.objects.filter(pk=post.pk))[0].members_at_publication == 2
    # when: the sweep (after POST_FACTS_SWEEP_SECONDS, or `communa manage roll_up`)
    sweep()
    # then
    assert PostFacts.objects.get(post=post).members_at_publication == 2


def test_a_full_batch_is_read_again_until_every_new_post_has_its_facts(monkeypatch):
    # given: a run half an hour ago, then five posts, read two at a time
    community = make_community(person(), privacy="open")
    rolled_up()
    before = timezone.now() - timedelta(minutes=30)
    RollupState.objects.filter(name=POST_FACTS).update(seen_at=before)
    posts = [make_post(community, body=f"Post {n}") for n in range(5)]
    monkeypatch.setattr(post_facts, "_POST_FACTS_BATCH", 2)
    # when
    first = roll_up_post_facts()
    # then: a full batch leaves the watermark where it was
    assert first == 2
    assert RollupState.objects.get(name=POST_FACTS).seen_at == before
    # when: the next runs
    rest = [roll_up_post_facts() for _ in range(3)]
    # then: every post, each once, and the watermark moved on
    assert rest == [2, 1, 0]
    assert PostFacts.objects.filter(post__in=posts).count() == 5
    assert RollupState.objects.get(name=POST_FACTS).seen_at > before


def test_a_post_published_just_before_the_last_run_began_is_still_read():
    # given: a post stamped 20 minutes before the last run began, committed after it
    community = make_community(person(), privacy="open")
    MembershipEvent.objects.filter(community=community).update(
        at=timezone.now() - timedelta(days=1)
    )
    rolled_up()
    post = make_post(community)
    began = timezone.now()
    RollupState.objects.filter(name=POST_FACTS).update(seen_at=began)
    Post.objects.filter(pk=post.pk).update(published_at=began - timedelta(minutes=20))
    # when
    rolled_up()
    # then
    assert PostFacts.objects.get(post=post).members_at_publication == 1

"""The demo's machinery: a plan that is the same every time, and a clock that leaves no trace."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone

from communa.demo import DemoContext
from communa.demo.context import relaxed_limits
from communa.demo.loader import plan_demo
from communa.walls.models import Post

NOW = datetime(2021, 11, 23, 18, 30, tzinfo=UTC)  # before any real now the tests run at


def fingerprint(ctx: DemoContext) -> list[tuple[datetime, str]]:
    return [(step.moment, step.run.__qualname__) for step in sorted(plan_demo(ctx).steps)]


def test_the_plan_is_the_same_every_time_it_is_made():
    first = fingerprint(DemoContext(now=NOW))

    again = fingerprint(DemoContext(now=NOW))

    assert again == first
    assert len(first) > 3000


def test_no_step_of_the_plan_lies_after_the_demos_now():
    steps = plan_demo(DemoContext(now=NOW)).steps

    assert max(step.moment for step in steps) <= NOW
    assert min(step.moment for step in steps) < NOW.replace(year=NOW.year - 1)


def test_the_clock_sets_now_and_model_defaults_then_puts_them_back():
    ctx = DemoContext(now=NOW)
    real_now = timezone.now

    with ctx.clock.running():
        ctx.at(datetime(2021, 10, 1, 9, tzinfo=UTC))
        assert timezone.now() == datetime(2021, 10, 1, 9, tzinfo=UTC)
        assert Post._meta.get_field("created_at").get_default() == timezone.now()
        ctx.at(datetime(2025, 1, 1, tzinfo=UTC))
        assert timezone.now() == NOW, "the clock never runs past the demo's now"

    assert timezone.now is real_now
    assert Post._meta.get_field("created_at").get_default() > NOW


def test_limits_are_relaxed_only_while_loading():
    before = dict(settings.COMMUNA)

    with relaxed_limits():
        assert settings.COMMUNA["RATE_COMMENT_PER_HOUR"] == 0
        assert settings.COMMUNA["FILTER_BURST_ACCOUNT_HOURS"] == 0

    assert before == settings.COMMUNA


@pytest.mark.django_db
def test_the_clock_is_put_back_when_a_step_fails():
    ctx = DemoContext(now=NOW)
    ctx.at(datetime(2021, 10, 1, tzinfo=UTC))

    def fail() -> None:
        with ctx.clock.running():
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail()
    assert timezone.now() > NOW

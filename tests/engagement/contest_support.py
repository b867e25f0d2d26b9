"""Builders for the contest tests: rules with dates around now, contests moved by the worker's
runner, members who share a post."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from communa.accounts.models import User
from communa.communities.models import Community
from communa.engagement.actions.contests import (
    advance_due_contests,
    announce_contest,
    create_contest,
)
from communa.engagement.models import Contest
from tests.factories import owner_of


def rules(**changes: Any) -> dict[str, Any]:
    """A photo contest's rules: announced an hour ago and open, closing in a day."""
    now = timezone.now()
    data: dict[str, Any] = {
        "kind": "photo",
        "title": "Best pie",
        "mechanics": "Send a photo of your pie.",
        "prize": "A cookbook",
        "delivery": "By post within two weeks.",
        "announce_at": now - timedelta(hours=2),
        "open_at": now - timedelta(hours=1),
        "close_at": now + timedelta(days=1),
        "decide_at": now + timedelta(days=1, hours=1),
    }
    data.update(changes)
    return data


def draw_rules(post: Any, **changes: Any) -> dict[str, Any]:
    """A repost draw on `post`, open now."""
    base = {"kind": "draw", "source": "shared", "post": post.pk, "title": "Share and win"}
    return rules(**{**base, **changes})


def contest_in(
    community: Community, actor: User | None = None, *, announce: bool = True, **changes: Any
) -> Contest:
    """A contest written (and announced, and moved to its state by the runner) through actions."""
    actor = actor or owner_of(community)
    data = changes.pop("data", None) or rules(**changes)
    contest = create_contest(actor=actor, community=community, data=data)
    if announce:
        announce_contest(actor=actor, contest=contest)
        advance_due_contests()
    contest.refresh_from_db()
    return contest


def later(contest: Contest, hours: int = 1) -> datetime:
    """A moment past the contest's last date."""
    last = contest.winners_at or contest.decide_at
    return last + timedelta(hours=hours)


def run_to_the_end(contest: Contest) -> Contest:
    """Let the runner move the contest through every date."""
    advance_due_contests(now=later(contest))
    contest.refresh_from_db()
    return contest


DRAWS_DOC = Path(__file__).resolve().parents[2] / "docs" / "contest-draws.md"


def documented_script() -> str:
    """The draw script docs/contest-draws.md gives members to check a draw."""
    found = re.search(r"```python\n(.*?)```", DRAWS_DOC.read_text(encoding="utf-8"), re.S)
    assert found, "docs/contest-draws.md shows the script"
    return found.group(1)


def run_documented_script(published: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """Run the documented script as a member would, in a process of its own, on a published
    draw (the API's answer or what the contest page shows)."""
    return subprocess.run(
        [sys.executable, "-c", documented_script()],
        input=json.dumps(published),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

"""The sockets content apps call before and after they write what people say.

"May this text go out?" (`TextGate`), "may this member write here?" (`MemberGate`) and "file this
complaint" (`ReportDesk`) are asked by walls and the other content apps; moderation answers them
(`moderation.gate`, plugged in at start-up). Without moderation every text goes out as written,
nobody is muted and complaints are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communa.core.errors import NotFound, PermissionRefused
from communa.core.hooks import answer
from communa.core.rows import Beside

PUBLISH = "publish"
HOLD = "hold"


class ReportReason(models.TextChoices):
    """Why a member reports a post or comment."""

    SPAM = "spam", gettext_lazy("Spam or advertising")
    ABUSE = "abuse", gettext_lazy("Insults or harassment")
    OBSCENE = "obscene", gettext_lazy("Obscene language")
    VIOLENCE = "violence", gettext_lazy("Violence or hatred")
    MISINFORMATION = "misinformation", gettext_lazy("False information")
    OTHER = "other", gettext_lazy("Something else")


@dataclass(frozen=True)
class Screened:
    """What the checks decided for one submission: its outcome, language and the texts to store
    (with hidden words masked); `held` are the findings that hold it (category, detail)."""

    outcome: str
    language: str
    texts: dict[str, str]
    held: tuple[tuple[str, str], ...] = ()
    found: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        return self.outcome == HOLD

    def reasons(self) -> list[str]:
        """Why it is held, for its author, in the active language (the gate's own class says)."""
        return []


class TextGate:
    """May this text go out? Screens submissions, holds rows for review and says why."""

    def screen(
        self,
        *,
        author: Any,
        community: Any,
        texts: Mapping[str, str],
        primary: str,
        exempt: bool = False,
        history: bool = True,
    ) -> Screened:
        """Check the texts of one submission; raise `ValidationFailed` on a rejection."""
        return Screened(PUBLISH, "", {name: value or "" for name, value in texts.items()})

    def history_wanted(self) -> tuple[datetime, int] | None:
        """The span of the author's writing the next `screen()` may ask of
        `ModeratedContent.recent_texts`: (since, at most how many), for a content app that can
        read it with another row; None when the checks read no history."""
        return None

    def screen_profile(self, texts: Mapping[str, str]) -> None:
        """Check profile texts (name, city); raise `ValidationFailed` on any finding."""

    def hold(
        self, *, community: Any, author: Any, target: models.Model, screened: Screened
    ) -> None:
        """Record that the checks held this row for a moderator (inside the writer's
        transaction)."""

    def rehold(
        self, *, target: models.Model, screened: Screened, community: Any, author: Any
    ) -> None:
        """After its author edited a held row: keep it held with the new reasons, or release it."""

    def withdraw(self, target: models.Model) -> None:
        """The row was deleted: it no longer waits for a moderator."""

    def held_state(self, target: models.Model) -> tuple[str, list[str]]:
        """("held" | "rejected" | "", the reasons its author sees)."""
        return "", []

    def flagged_comments(self, community: Any) -> QuerySet[Any] | None:
        """The comments of the community the checks held that no moderator approved, as a query
        of their ids (`comment_id`) that a caller filters with `pk__in`; None when no checks
        run. Read by analytics' negative feedback (R9.5)."""
        return None


class MemberGate:
    """May this member write here? Answers sanctions and records offences."""

    def require_not_muted(self, user: Any, community: Any) -> None:
        """Refuse a muted member's new post, comment or topic, saying until when and why."""

    def read_beside(self, user: Any) -> tuple[tuple[Beside, ...], list[Any]]:
        """Rows to read in the statement of a row with a `community_id` (`t0`, a post) the
        member is about to write under: what `require_not_muted` and the text's check will
        ask of that community, so they need no statement of their own. With their
        parameters, in order; nothing to read: `((), [])`."""
        return (), []

    def keep_read(self, user: Any, community: Any, row: Any) -> None:
        """Leave what `read_beside` read with `row` (set on it under the rows' names) for the
        checks of the member's write in `community` that follow."""

    def content_removed(self, *, community: Any, content: Any, moderator: Any) -> None:
        """A moderator (not its author) removed this comment: an offence of its author."""


class ReportDesk:
    """Where complaints about posts and comments go."""

    def file_report(
        self,
        *,
        reporter: Any,
        community_id: int | None,
        reason: str,
        text: str = "",
        post: Any = None,
        comment: Any = None,
    ) -> Any:
        """Record a complaint about a post or comment, once per person and item."""
        raise PermissionRefused(_("Reports are not taken on this site."))


class ModeratedContent:
    """What moderation may ask of a content app's rows. The content app does it through its own
    lifecycle (`walls.states`) and actions, checking the actor's rights itself; moderation never
    writes those rows. Without a content app there is nothing to moderate."""

    def release_held(
        self,
        *,
        actor: Any,
        post_id: int | None = None,
        comment_id: int | None = None,
        topic_id: int | None = None,
    ) -> None:
        """Publish what the checks held, as if it had passed them."""
        raise NotFound

    def refuse_held(
        self,
        *,
        actor: Any,
        reason: str,
        delete: bool,
        post_id: int | None = None,
        comment_id: int | None = None,
        topic_id: int | None = None,
    ) -> None:
        """Keep what the checks held from all but its author (with the reason), or delete it."""
        raise NotFound

    def remove_reported(
        self, *, actor: Any, post_id: int | None = None, comment_id: int | None = None
    ) -> None:
        """A moderator upheld a report: take the post or comment down."""
        raise NotFound

    def waiting_suggestions(self, community: Any) -> QuerySet[Any] | None:
        """Suggested posts waiting for review (their `suggested_by_id` is the author)."""
        return None

    def suggestions(self, ids: list[int]) -> dict[int, Any]:
        """The suggested posts with these ids, with their authors."""
        return {}

    def decide_suggestion(self, *, actor: Any, suggestion: Any, decision: str, reason: str) -> None:
        """ "approve" publishes it, "reject" returns it to its author with the reason, "delete"
        removes it."""
        raise NotFound

    def reviewed_suggestions(self, community: Any, since: datetime) -> list[tuple[Any, bool]]:
        """(reviewer, published?) for each suggestion reviewed since then."""
        return []

    def recent_texts(self, author: Any, since: datetime, limit: int) -> list[tuple[str, datetime]]:
        """What the author wrote since then anywhere, newest first: (text, when)."""
        return []


def text_gate() -> TextGate:
    """Whatever answers "may this text go out?" (moderation, when installed)."""
    return answer(TextGate)


def member_gate() -> MemberGate:
    """Whatever answers "may this member write here?" (moderation, when installed)."""
    return answer(MemberGate)


def moderated_content() -> ModeratedContent:
    """The content apps' answer to moderation's decisions."""
    return answer(ModeratedContent)


def report_desk() -> ReportDesk:
    """Whatever takes complaints (moderation, when installed)."""
    return answer(ReportDesk)

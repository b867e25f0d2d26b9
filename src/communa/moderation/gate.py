"""Moderation's answers to the kernel's sockets (`core.gate`): the automatic checks, holds,
mutes and offences, and complaints. Plugged in by `ModerationConfig.ready()`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import QuerySet

from communa.core import gate
from communa.core.rows import Beside
from communa.moderation import actions, playbooks, screening
from communa.moderation.models import HeldItem, HeldStatus


def _own(screened: gate.Screened) -> screening.Screened:
    """The checks' own result: the one `screen()` returned, or the same facts re-wrapped."""
    if isinstance(screened, screening.Screened):
        return screened
    return screening.Screened(
        screened.outcome, screened.language, screened.texts, screened.held, screened.found
    )


class ModerationTextGate(gate.TextGate):
    """The automatic checks of R5.1 with the community's outcomes of R5.2."""

    def screen(
        self,
        *,
        author: Any,
        community: Any,
        texts: Mapping[str, str],
        primary: str,
        exempt: bool = False,
        history: bool = True,
    ) -> gate.Screened:
        return screening.screen(
            author=author,
            community=community,
            texts=texts,
            primary=primary,
            exempt=exempt,
            history=history,
        )

    def history_wanted(self) -> tuple[datetime, int] | None:
        return screening.history_wanted()

    def screen_profile(self, texts: Mapping[str, str]) -> None:
        screening.screen_profile(texts)

    def hold(
        self, *, community: Any, author: Any, target: models.Model, screened: gate.Screened
    ) -> None:
        screening.hold(community=community, author=author, target=target, screened=_own(screened))

    def rehold(
        self, *, target: models.Model, screened: gate.Screened, community: Any, author: Any
    ) -> None:
        screening.rehold(target=target, screened=_own(screened), community=community, author=author)

    def withdraw(self, target: models.Model) -> None:
        screening.withdraw(target)

    def held_state(self, target: models.Model) -> tuple[str, list[str]]:
        return screening.held_state(target)

    def flagged_comments(self, community: Any) -> QuerySet[Any] | None:
        # Held now, rejected, or withdrawn by its author while held: an approved hold was a
        # false alarm. A comment counts when any of its holds was not approved.
        return (
            HeldItem.objects.filter(community=community, comment__isnull=False)
            .exclude(status=HeldStatus.APPROVED)
            .values("comment_id")
        )


class ModerationMemberGate(gate.MemberGate):
    """Mutes from the community's playbook, and offences that feed it."""

    def require_not_muted(self, user: Any, community: Any) -> None:
        playbooks.require_not_muted(user, community)

    def read_beside(self, user: Any) -> tuple[tuple[Beside, ...], list[Any]]:
        return playbooks.mute_beside(user)

    def keep_read(self, user: Any, community: Any, row: Any) -> None:
        playbooks.keep_mute(user, community, row)

    def content_removed(self, *, community: Any, content: Any, moderator: Any) -> None:
        playbooks.offence_for_deleted_comment(
            community=community, comment=content, moderator=moderator
        )


class ModerationReportDesk(gate.ReportDesk):
    """Complaints go into the moderation queue."""

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
        return actions.file_report(
            reporter=reporter,
            community_id=community_id,
            reason=reason,
            text=text,
            post=post,
            comment=comment,
        )

"""Polls (R6.1): a question with options that members vote on, standing alone on the
community or shown under one of its posts; one ballot per member, several choices in it when the
poll allows more than one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PollState(models.TextChoices):
    """Open polls take votes; closed ones (by hand, or at their deadline) only show results."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ResultsShown(models.TextChoices):
    """When members see the results (the team always sees them)."""

    AFTER_VOTE = "after_vote", _("After voting")
    AFTER_CLOSE = "after_close", _("After the poll closes")


class Poll(models.Model):
    """A question put to a community's members, optionally under one of its posts."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="polls"
    )
    # The post it is shown under (a published post of the same community), or none: a poll of
    # its own. Deleting the post leaves the poll standing alone.
    post = models.ForeignKey(
        "walls.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="polls"
    )
    question = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several choices"), default=False)
    # With several choices: at most this many per ballot (none: as many as there are options).
    max_choices = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    results_shown = models.CharField(
        _("results shown"),
        max_length=20,
        choices=ResultsShown.choices,
        default=ResultsShown.AFTER_VOTE,
    )
    changeable = models.BooleanField(_("votes may be changed"), default=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=PollState.choices, default=PollState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One poll under a post: the wall shows it beneath the card.
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(post__isnull=False), name="poll_one_per_post"
            ),
            models.CheckConstraint(
                condition=models.Q(max_choices__isnull=True) | models.Q(max_choices__gte=1),
                name="poll_max_choices_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="poll_community_latest"),
            # The closing runner's scan: open polls by their deadline.
            models.Index(
                fields=["closes_at"],
                condition=models.Q(state="open", closes_at__isnull=False),
                name="poll_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def is_open_at(self, moment: object = None) -> bool:
        """Whether it takes votes now: open, and its deadline (if any) not reached."""
        now = moment or timezone.now()
        return self.state == PollState.OPEN and (
            self.closes_at is None or self.closes_at > now  # type: ignore[operator]
        )


class PollOption(models.Model):
    """One answer a member may choose, in the order the team wrote them."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position")
        ]

    def __str__(self) -> str:
        return self.text


class Ballot(models.Model):
    """A member's vote in a poll: one per member (the constraint decides concurrent votes)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_ballots"
    )
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="ballot_one_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} in {self.poll_id}"


class BallotChoice(models.Model):
    """One option chosen in a ballot; the poll is repeated so results are one grouped count."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="ballot_choice_once")
        ]
        indexes = [models.Index(fields=["poll", "option"], name="ballot_choice_poll_option")]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.option_id}"

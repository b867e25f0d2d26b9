"""Contests (R6.2): written rules frozen once the contest opens, a draw anyone can verify or a
photo contest with votes, and a lifecycle the worker moves at the contest's dates."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def entry_photo_path(instance: models.Model, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    contest_id = getattr(instance, "contest_id", 0)
    return f"contests/{contest_id}/{uuid.uuid4().hex}.{extension}"


class ContestKind(models.TextChoices):
    """How winners are found: drawn at random among entrants, or counted from members' votes."""

    DRAW = "draw", _("Random draw")
    PHOTO = "photo", _("Photo contest")


class DrawSource(models.TextChoices):
    """Who enters a draw: members who shared a post, commented on it, or joined in the period."""

    SHARED = "shared", _("Shared the post")
    COMMENTED = "commented", _("Commented on the post")
    JOINED = "joined", _("Joined the community")


class VoteScope(models.TextChoices):
    """How many votes a member has in a photo contest."""

    ENTRY = "entry", _("One vote per entry")
    CONTEST = "contest", _("One vote per contest")


class ContestState(models.TextChoices):
    """Where a contest stands; the worker moves it at its dates, the team marks prizes sent."""

    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DECIDED = "decided", _("Winners found")
    WINNERS = "winners", _("Winners announced")
    DELIVERED = "delivered", _("Prizes delivered")


# The order of the states: the rules are frozen from OPEN on.
STATE_ORDER = [state.value for state in ContestState]


class Contest(models.Model):
    """A contest with its written rules, its dates, its state and, for a draw, its commitment."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="contests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContestKind.choices)
    title = models.CharField(_("title"), max_length=120)
    mechanics = models.TextField(_("how to take part"), blank=True)
    prize = models.TextField(_("prize"))
    delivery = models.TextField(_("how the prize is delivered"), blank=True)
    source = models.CharField(
        _("who enters"), max_length=10, choices=DrawSource.choices, blank=True
    )
    post = models.ForeignKey(
        "walls.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    winners_count = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    members_only = models.BooleanField(_("members only"), default=True)
    min_account_days = models.PositiveSmallIntegerField(_("minimum account age"), default=0)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    vote_scope = models.CharField(
        _("votes"), max_length=8, choices=VoteScope.choices, default=VoteScope.ENTRY
    )
    live_counts = models.BooleanField(_("show the counts while voting"), default=True)
    post_winners = models.BooleanField(_("announce the winners on the wall"), default=False)
    announce_at = models.DateTimeField(_("announced"))
    open_at = models.DateTimeField(_("opens"))
    close_at = models.DateTimeField(_("closes"))
    decide_at = models.DateTimeField(_("draw or count"))
    winners_at = models.DateTimeField(_("winners announced"), null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ContestState.choices, default=ContestState.DRAFT
    )
    # The team has published the draft: the worker announces it at `announce_at`.
    ready = models.BooleanField(default=False)
    # SHA-256 of the seed, published from the announcement; the seed itself from the draw on.
    commitment = models.CharField(max_length=64, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    drawn_entries = models.JSONField(default=list, blank=True)
    drawn_winners = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    winners_post = models.ForeignKey(
        "walls.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    winners_post_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["community", "-announce_at", "-id"]),
            models.Index(fields=["state"]),
        ]

    def __str__(self) -> str:
        return self.title

    def reached(self, state: str) -> bool:
        """Whether the contest is at `state` or past it."""
        return STATE_ORDER.index(self.state) >= STATE_ORDER.index(state)

    @property
    def frozen(self) -> bool:
        """Once open, the rules change only by a logged correction."""
        return self.reached(ContestState.OPEN)

    @property
    def counts_shown(self) -> bool:
        """Votes are shown while voting when the rules say so, and to everyone after the close."""
        return self.live_counts or self.reached(ContestState.CLOSED)


class CorrectableField(models.TextChoices):
    """The words of the rules a correction may fix once they are frozen."""

    TITLE = "title", _("Title")
    MECHANICS = "mechanics", _("How to take part")
    PRIZE = "prize", _("Prize")
    DELIVERY = "delivery", _("How the prize is delivered")


class ContestCorrection(models.Model):
    """A typo corrected after the contest opened, shown on its page with its date."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=20, choices=CorrectableField.choices)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    note = models.CharField(max_length=500, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.field} of {self.contest_id} at {self.made_at:%Y-%m-%d}"


class ContestEntry(models.Model):
    """One entry: a member drawn from walls' rows at the draw, or a photo a member submitted.

    `number` is the entry's public number in the contest. An entry with an `excluded` reason
    takes no part; the team sees the excluded list with the reasons.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=150, blank=True)
    excluded = models.CharField(max_length=20, blank=True)
    photo = models.ImageField(upload_to=entry_photo_path, blank=True)
    thumbnail = models.ImageField(upload_to=entry_photo_path, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(max_length=200, blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="contest_entry_number"),
        ]
        indexes = [models.Index(fields=["contest", "user"])]

    def __str__(self) -> str:
        return f"#{self.number} in {self.contest_id}"


class ContestVote(models.Model):
    """A member's vote for a photo entry.

    `slot` makes the database refuse a second vote: the entry's id when the rules give one vote
    per entry, 0 when they give one per contest. Two votes sent at the same instant leave one.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(ContestEntry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slot = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "voter", "slot"], name="contest_vote_one_per_slot"
            ),
        ]
        indexes = [models.Index(fields=["entry", "voter"])]

    def __str__(self) -> str:
        return f"{self.voter_id} votes for {self.entry_id}"


class ContestWinner(models.Model):
    """A winner, in order of place; the team marks the prize delivered."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="winners")
    entry = models.ForeignKey(ContestEntry, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    place = models.PositiveSmallIntegerField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    delivery_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["place"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "place"], name="contest_winner_place"),
            models.UniqueConstraint(fields=["contest", "user"], name="contest_winner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.place}. {self.user_id} in {self.contest_id}"

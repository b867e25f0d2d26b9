"""Communities (groups, public pages, events), their wiki, team roles and membership."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communa.core.models import KeepsMarksOnWholeSave


class Kind(models.TextChoices):
    """R1.1: members post in a group; a public page posts only as itself; an event has a date."""

    GROUP = "group", _("Group")
    PUBLIC_PAGE = "public_page", _("Public page")
    EVENT = "event", _("Event")


class Category(models.TextChoices):
    """Odnoklassniki-style subtypes (R1.1)."""

    PUBLIC_PAGE = "public_page", _("Public page")
    COMPANY = "company", _("Company or organisation")
    PLACE = "place", _("Place")
    FAMOUS = "famous", _("Famous person or band")
    INTEREST = "interest", _("Interest group")
    EVENT = "event", _("Event")
    BULLETIN = "bulletin", _("Bulletin board")
    SHOP = "shop", _("Shop")


class Privacy(models.TextChoices):
    """R1.2: who sees and who joins."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PRIVATE = "private", _("Private")


class WallMode(models.TextChoices):
    """R1.3: who posts on the wall."""

    OPEN = "open", _("Open")
    LIMITED = "limited", _("Limited")
    CLOSED = "closed", _("Closed")
    OFF = "off", _("Off")


class CommentPolicy(models.TextChoices):
    """R1.4: who comments."""

    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Members only")
    NOBODY = "nobody", _("Nobody")


def image_path(instance: Community, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"communities/{instance.pk or 'new'}/{uuid.uuid4().hex}.{extension}"


class Community(KeepsMarksOnWholeSave, models.Model):
    """A group, public page or event with its settings; member_count is kept exact by actions."""

    # Raised only by communities.actions.badges, when a badge is given or taken back.
    kept_on_whole_save = ("badges_version",)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROUP)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.INTEREST
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short address"), max_length=64)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    contacts = models.TextField(_("contacts"), blank=True, max_length=2000)
    links = models.JSONField(_("links"), default=list, blank=True)
    cover = models.ImageField(_("cover"), upload_to=image_path, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=image_path, blank=True)
    privacy = models.CharField(
        _("privacy"), max_length=10, choices=Privacy.choices, default=Privacy.OPEN
    )
    wall_mode = models.CharField(
        _("wall"), max_length=10, choices=WallMode.choices, default=WallMode.OPEN
    )
    comment_policy = models.CharField(
        _("comments"), max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.EVERYONE
    )
    links_allowed = models.BooleanField(_("links under posts allowed"), default=True)
    obscene_filter = models.BooleanField(_("check for obscene language"), default=True)
    event_starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    event_ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    event_place = models.CharField(_("place"), max_length=200, blank=True)
    event_capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    # The planner (R8.3): the zone a post "at 09:00" is at 09:00 in (an IANA name; blank: the
    # site's), whether a second person approves drafts, and what happens to a post whose time
    # passed while no worker ran.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    approval_required = models.BooleanField(_("drafts need approval"), default=False)
    hold_late_posts = models.BooleanField(_("hold late posts for review"), default=False)
    member_count = models.PositiveIntegerField(default=0)
    # Raised whenever a badge beside a member's name here is given, changed or taken back (the
    # app that gives badges calls `actions.refresh_member_badges`, ADR 0021): cached pages that
    # show names put it in their keys, so the row every page reads anyway says whether its kept
    # bylines are still true. 0: nobody here ever had a badge, so pages do not ask for them.
    badges_version = models.PositiveIntegerField(default=0, editable=False)
    verified = models.BooleanField(_("verified"), default=False)
    featured = models.BooleanField(_("featured in the catalog"), default=False)
    featured_rank = models.PositiveIntegerField(_("catalog position"), default=0)
    kind_changed_at = models.DateTimeField(null=True, blank=True)
    # Case-folded copies for search: SQLite's LIKE folds only ASCII, not Cyrillic or Vietnamese.
    search_name = models.CharField(max_length=120, default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="communities_slug_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="public_page") | models.Q(privacy="open"),
                name="communities_public_page_is_open",
            ),
        ]
        indexes = [models.Index(fields=["featured", "featured_rank"])]

    def __str__(self) -> str:
        return self.name

    @property
    def shows_badges(self) -> bool:
        """Whether a member here may have a badge to show beside their name (one was given)."""
        return self.badges_version > 0

    def refresh_search_fields(self) -> None:
        """Recompute the case-folded search copies after the name or description changed."""
        self.search_name = self.name.casefold()
        self.search_text = f"{self.name}\n{self.description}".casefold()


class WikiPage(models.Model):
    """A page of the community's wiki; pages in `position` order form the community menu."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="wiki_pages")
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("address"), max_length=64)
    body = models.TextField(_("text"), max_length=50000, blank=True)
    position = models.PositiveIntegerField(_("menu position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="wiki_community_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    """R2: a member's role in the team; `member` means no team role."""

    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")
    MEMBER = "member", _("Member")


class JoinSource(models.TextChoices):
    """R3.4: where a member came from."""

    SEARCH = "search", _("Search")
    INVITATION = "invitation", _("Invitation")
    CATALOG = "catalog", _("Catalog")
    WIDGET = "widget", _("Widget on a website")
    CROSSPOST = "crosspost", _("Cross-post")
    AD = "ad", _("Advertising")
    COMMUNITY = "community", _("Another community")
    DIRECT = "direct", _("Direct link")


class Membership(models.Model):
    """A person's membership of a community, with role and where they came from."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=12, choices=JoinSource.choices, default=JoinSource.DIRECT)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
            # Exactly one owner: at most one row with the owner role per community.
            models.UniqueConstraint(
                fields=["community"], condition=models.Q(role="owner"), name="membership_one_owner"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "-joined_at", "-id"]),
            models.Index(fields=["community", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} ({self.role})"


class MembershipEvent(models.Model):
    """Append-only history of joins, leaves and blocks, for growth statistics over time."""

    class Kind(models.TextChoices):
        JOIN = "join", _("Joined")
        LEAVE = "leave", _("Left")
        BLOCK = "block", _("Blocked")
        UNBLOCK = "unblock", _("Unblocked")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    source = models.CharField(max_length=12, choices=JoinSource.choices, blank=True)
    # The UTM campaign a join came with, kept here because the membership goes when they leave.
    utm_campaign = models.CharField(max_length=100, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.community_id} at {self.at:%Y-%m-%d}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class JoinRequest(models.Model):
    """A request to join a closed community, decided by a moderator."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(blank=True, max_length=1000)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    source = models.CharField(max_length=12, choices=JoinSource.choices, default=JoinSource.DIRECT)
    utm = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]
        indexes = [models.Index(fields=["community", "status", "-created_at", "-id"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.community_id} ({self.status})"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(models.Model):
    """An invitation the invitee accepts or declines (R3.2: nobody joins without consent)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "invitee"],
                condition=models.Q(status="pending"),
                name="invitation_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["inviter", "created_at"]),
            models.Index(fields=["invitee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.inviter_id} invites {self.invitee_id} to {self.community_id}"


class Block(models.Model):
    """A person blocked from a community, with a reason and an optional end."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="blocks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(lifted_at__isnull=True),
                name="block_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} blocked in {self.community_id}"

    def is_active(self, now: object = None) -> bool:
        """Not lifted and not past its end."""
        moment = now or timezone.now()
        return self.lifted_at is None and (self.ends_at is None or self.ends_at > moment)  # type: ignore[operator]


class TransferState(models.TextChoices):
    PENDING = "pending", _("Pending")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class OwnershipTransfer(models.Model):
    """A handover of ownership that takes effect at `effective_at` unless cancelled (R2.1)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="transfers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=TransferState.choices, default=TransferState.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    effective_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(state="pending"),
                name="transfer_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id}: {self.from_user_id} → {self.to_user_id} ({self.state})"


class VerificationRequest(models.Model):
    """A request for the verified mark, reviewed by operators in the admin (R1.8)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="verification_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(max_length=2000)
    evidence_url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community"],
                condition=models.Q(status="pending"),
                name="verification_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"verification of {self.community_id} ({self.status})"


# -- Rubrics (R8.1) and tones (R8.4) ------------------------------------------------------------


class Tone(models.TextChoices):
    """R8.4: the tone class of a post, for the target mix (30 / 35 / 35 by default)."""

    BRANDED = "branded", _("Branded")
    FUNCTIONAL = "functional", _("Functional")
    EMOTIONAL = "emotional", _("Emotional")


class DefaultRubric(models.TextChoices):
    """R8.1: the rubrics every community starts with (seed 000)."""

    PRODUCT = "product", _("Product information")
    INTERACTION = "interaction", _("Interaction with members")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    BEHIND_SCENES = "behind_scenes", _("Behind the scenes / HR")
    EXPERT = "expert", _("Educational / expert")
    POLL = "poll", _("Poll")
    NEWS = "news", _("Industry news")
    GRAPHICS = "graphics", _("Graphics")


# The tone a post of each default rubric most often has; a post may override it.
DEFAULT_TONES: dict[str, str] = {
    DefaultRubric.PRODUCT: Tone.BRANDED,
    DefaultRubric.INTERACTION: Tone.EMOTIONAL,
    DefaultRubric.ENTERTAINMENT: Tone.EMOTIONAL,
    DefaultRubric.BEHIND_SCENES: Tone.BRANDED,
    DefaultRubric.EXPERT: Tone.FUNCTIONAL,
    DefaultRubric.POLL: Tone.EMOTIONAL,
    DefaultRubric.NEWS: Tone.FUNCTIONAL,
    DefaultRubric.GRAPHICS: Tone.EMOTIONAL,
}


class Rubric(models.Model):
    """A content category of one community; every community post has one (R8.1)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="rubrics"
    )
    # A default rubric keeps its code so that its name shows in each reader's language.
    code = models.CharField(max_length=20, choices=DefaultRubric.choices, blank=True)
    name = models.CharField(_("name"), max_length=80, blank=True)
    default_tone = models.CharField(
        _("default tone"), max_length=12, choices=Tone.choices, default=Tone.FUNCTIONAL
    )
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        # The table keeps the name it was created with in the planner app (ADR 0006).
        db_table = "planner_rubric"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                condition=~models.Q(code=""),
                name="rubric_default_once",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The custom name, or the default rubric's name in the current language."""
        if self.name:
            return self.name
        return str(DefaultRubric(self.code).label) if self.code else "?"

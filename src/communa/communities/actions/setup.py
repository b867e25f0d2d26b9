"""Creating a community, its settings, images, conversion, verification request and wiki."""

from __future__ import annotations

from datetime import timedelta
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communa.accounts.models import User
from communa.accounts.validation import FieldErrors
from communa.communities.actions._common import (
    _add_member,
    _audit,
)
from communa.communities.models import (
    Community,
    Kind,
    Membership,
    Privacy,
    RequestStatus,
    Role,
    VerificationRequest,
    WikiPage,
)
from communa.communities.permissions import (
    Action,
    require,
)
from communa.communities.rubrics import add_default_rubrics
from communa.communities.validation import AVATAR_RULE, COVER_RULE, clean_community
from communa.core.conf import int_setting
from communa.core.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from communa.core.uploads import check_image

# --- creation and settings --------------------------------------------------------------


def create_community(*, actor: User, data: dict[str, Any]) -> Community:
    """Create a community; its creator becomes the owner and first member."""
    if not actor.is_authenticated:
        raise PermissionRefused(_("Log in to create a community."))
    errors = FieldErrors()
    if "name" not in data:
        errors.add("name", _("This field is required."))
    if "slug" not in data:
        errors.add("slug", _("This field is required."))
    cleaned = clean_community(data, errors)
    if Membership.objects.filter(user=actor, role=Role.OWNER).count() >= int_setting(
        "COMMUNITIES_PER_USER"
    ):
        errors.add(
            "name",
            _("You own %(n)d communities, the most one person may own.")
            % {"n": int_setting("COMMUNITIES_PER_USER")},
        )
    errors.raise_if_any()
    with transaction.atomic():
        community = Community(created_by=actor, **cleaned)
        if community.kind == Kind.PUBLIC_PAGE:
            community.category = cleaned.get("category", community.category)
            # R8.3: a page speaks for a brand, so its drafts need a second look unless it says not.
            community.approval_required = cleaned.get("approval_required", True)
        community.refresh_search_fields()
        _save_claiming_address(community)
        _add_member(community, actor, role=Role.OWNER)
        add_default_rubrics(community=community)
        _audit(actor, community, "community.create", community, after=cleaned)
    community.refresh_from_db()
    return community


def _save_claiming_address(community: Community) -> None:
    """Save; an address another community took meanwhile is a field error, not a 500."""
    try:
        with transaction.atomic():
            community.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            fields={"slug": [_("This address is taken by another community.")]}
        ) from exc


def update_community(*, actor: User, community: Community, changes: dict[str, Any]) -> Community:
    """Change settings (name, address, privacy, wall, comments...) as an admin or the owner."""
    require(actor, Action.EDIT_SETTINGS, community)
    errors = FieldErrors()
    cleaned = clean_community(changes, errors, current=community)
    errors.raise_if_any()
    before = {name: getattr(community, name) for name in cleaned}
    changed = {name: value for name, value in cleaned.items() if before[name] != value}
    if not changed:
        return community
    with transaction.atomic():
        for name, value in changed.items():
            setattr(community, name, value)
        community.refresh_search_fields()
        _save_claiming_address(community)
        _audit(
            actor,
            community,
            "community.update",
            community,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return community


def set_community_image(
    *, actor: User, community: Community, field: str, upload: IO[bytes]
) -> Community:
    """Replace the cover or the avatar with an image of the sizes R1.7 asks for."""
    require(actor, Action.EDIT_SETTINGS, community)
    if field not in {"cover", "avatar"}:
        raise ValidationFailed(fields={"field": [_("Choose cover or avatar.")]})
    checked = check_image(
        upload,
        field=field,
        max_bytes=int_setting("COMMUNITY_IMAGE_MAX_BYTES"),
        max_side=7000,
        rule=COVER_RULE if field == "cover" else AVATAR_RULE,
    )
    image = getattr(community, field)
    old = image.name if image else ""
    with transaction.atomic():
        image.save(f"{field}.{checked.extension}", ContentFile(upload.read()), save=False)
        community.save(update_fields=[field])
        _audit(
            actor,
            community,
            f"community.{field}",
            community,
            before={field: old},
            after={field: image.name},
        )
    if old:
        image.storage.delete(old)
    return community


def convert_community(*, actor: User, community: Community, kind: str) -> Community:
    """Turn a group into a public page or back, at most once per KIND_CHANGE_DAYS (R1.5)."""
    require(actor, Action.CONVERT_KIND, community)
    conversions = {Kind.GROUP: Kind.PUBLIC_PAGE, Kind.PUBLIC_PAGE: Kind.GROUP}
    if community.kind not in conversions or conversions[Kind(community.kind)] != kind:
        raise ValidationFailed(
            fields={"kind": [_("Only a group and a public page convert into each other.")]}
        )
    days = int_setting("KIND_CHANGE_DAYS")
    now = timezone.now()
    if community.kind_changed_at and community.kind_changed_at + timedelta(days=days) > now:
        possible = community.kind_changed_at + timedelta(days=days)
        raise Conflict(
            _(
                "This community was converted less than %(days)d days ago; it can be converted "
                "again from %(date)s."
            )
            % {"days": days, "date": date_format(timezone.localtime(possible), "DATETIME_FORMAT")}
        )
    if kind == Kind.PUBLIC_PAGE and community.privacy != Privacy.OPEN:
        raise ValidationFailed(
            fields={
                "privacy": [
                    _(
                        "A public page is always open: make the group open first, "
                        "so nobody's content is exposed by surprise."
                    )
                ]
            }
        )
    with transaction.atomic():
        before = community.kind
        community.kind = kind
        community.kind_changed_at = now
        community.save(update_fields=["kind", "kind_changed_at"])
        _audit(
            actor,
            community,
            "community.convert",
            community,
            before={"kind": before},
            after={"kind": kind},
        )
    return community


def request_verification(
    *, actor: User, community: Community, message: str, evidence_url: str = ""
) -> VerificationRequest:
    """Ask the operators for the verified mark."""
    require(actor, Action.REQUEST_VERIFICATION, community)
    errors = FieldErrors()
    message = (message or "").strip()
    if not message:
        errors.add("message", _("Tell the operators why this community is official."))
    elif len(message) > 2000:
        errors.add("message", _("Use at most %(n)d characters.") % {"n": 2000})
    if evidence_url and not evidence_url.startswith(("http://", "https://")):
        errors.add("evidence_url", _("Give a web address starting with http:// or https://."))
    if community.verified:
        errors.add("message", _("This community is already verified."))
    errors.raise_if_any()
    try:
        with transaction.atomic():
            found = VerificationRequest.objects.create(
                community=community,
                requested_by=actor,
                message=message,
                evidence_url=evidence_url[:200],
            )
            _audit(actor, community, "community.verification_request", found)
    except IntegrityError as exc:
        raise Conflict(_("A verification request is already waiting for the operators.")) from exc
    return found


def _require_operator(actor: User) -> None:
    """The catalog and the verified mark are the site operators' (staff in the admin) decisions."""
    if not (actor.is_active and actor.is_staff):
        raise PermissionRefused(_("Only the site's operators may do this."))


def decide_verification(
    *, actor: User, request: VerificationRequest, approve: bool
) -> VerificationRequest:
    """An operator approves a verification request (the community gets the verified mark) or
    rejects it; a request already decided is left as it is (Conflict)."""
    _require_operator(actor)
    with transaction.atomic():
        found = (
            VerificationRequest.objects.select_for_update()
            .select_related("community")
            .filter(pk=request.pk)
            .first()
        )
        if found is None:
            raise NotFound(_("No such verification request."))
        if found.status != RequestStatus.PENDING:
            raise Conflict(_("This request has already been decided."))
        found.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        found.decided_at = timezone.now()
        found.save(update_fields=["status", "decided_at"])
        if approve:
            Community.objects.filter(pk=found.community_id).update(verified=True)
        _audit(
            actor,
            found.community,
            "verification.approve" if approve else "verification.reject",
            found,
        )
    return found


def feature_community(
    *, actor: User, community: Community, featured: bool, rank: int | None = None
) -> Community:
    """An operator puts a community in the catalog's featured list (at `rank`) or takes it out."""
    _require_operator(actor)
    if rank is not None and rank < 0:
        raise ValidationFailed(fields={"featured_rank": [_("Give a position of 0 or more.")]})
    before = {"featured": community.featured, "featured_rank": community.featured_rank}
    community.featured = featured
    if rank is not None:
        community.featured_rank = rank
    with transaction.atomic():
        community.save(update_fields=["featured", "featured_rank"])
        after = {"featured": community.featured, "featured_rank": community.featured_rank}
        _audit(actor, community, "community.feature", community, before=before, after=after)
    return community


# --- wiki ---------------------------------------------------------------------------------


def save_wiki_page(
    *, actor: User, community: Community, slug: str, title: str, body: str, position: int = 0
) -> WikiPage:
    """Create or update a wiki page; pages form the community menu in `position` order."""
    require(actor, Action.EDIT_WIKI, community)
    from communa.communities.validation import SLUG_RE

    errors = FieldErrors()
    slug = (slug or "").strip().lower()
    title = (title or "").strip()
    if slug in {"new", "edit"}:
        errors.add("slug", _("“%(slug)s” is reserved; choose another address.") % {"slug": slug})
    elif not SLUG_RE.match(slug):
        errors.add(
            "slug",
            _(
                "Use 3 to 64 Latin letters, digits, dashes or underscores, "
                "starting and ending with a letter or digit."
            ),
        )
    if not title:
        errors.add("title", _("This field is required."))
    elif len(title) > 120:
        errors.add("title", _("Use at most %(n)d characters.") % {"n": 120})
    if len(body or "") > 50000:
        errors.add("body", _("Use at most %(n)d characters.") % {"n": 50000})
    if not 0 <= position <= 1000:
        errors.add("position", _("Choose a position from 0 to 1000."))
    errors.raise_if_any()
    with transaction.atomic():
        page, created = WikiPage.objects.update_or_create(
            community=community,
            slug=slug,
            defaults={
                "title": title,
                "body": body or "",
                "position": position,
                "updated_by": actor,
            },
        )
        _audit(
            actor,
            community,
            "wiki.create" if created else "wiki.update",
            page,
            after={"title": title},
        )
    return page


def delete_wiki_page(*, actor: User, community: Community, slug: str) -> None:
    """Remove a wiki page from the community."""
    require(actor, Action.EDIT_WIKI, community)
    page = WikiPage.objects.filter(community=community, slug=slug).first()
    if page is None:
        raise NotFound
    with transaction.atomic():
        _audit(actor, community, "wiki.delete", page, before={"title": page.title})
        page.delete()

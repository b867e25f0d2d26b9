"""Every write to accounts: sign-up, log-in, profile, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from communa.accounts.models import Notification, NotificationKind, PersonalAccessToken, User
from communa.accounts.validation import (
    FieldErrors,
    check_email,
    check_password,
    check_username,
    clean_profile,
)
from communa.core import ratelimit
from communa.core.conf import int_setting
from communa.core.errors import DomainError, NotFound, PermissionRefused, ValidationFailed
from communa.core.gate import text_gate
from communa.core.limits import limit_write
from communa.core.rows import read_one
from communa.core.uploads import check_image
from communa.core.writes import insert_and_add

TOKEN_PREFIX = "cmn_"  # noqa: S105 - a public marker, not a secret


class InvalidCredentials(DomainError):
    """Wrong username or password (never says which)."""

    status = 401
    code = "invalid_credentials"

    def default_message(self) -> str:
        return _("The username or password is wrong.")


def _limits() -> dict[str, ratelimit.Limit]:
    return {
        "account": ratelimit.Limit(
            "login-account",
            int_setting("LOGIN_ATTEMPTS_PER_ACCOUNT"),
            int_setting("LOGIN_WINDOW_SECONDS"),
        ),
        "ip": ratelimit.Limit(
            "login-ip", int_setting("LOGIN_ATTEMPTS_PER_IP"), int_setting("LOGIN_WINDOW_SECONDS")
        ),
        "reset": ratelimit.Limit(
            "reset-ip", int_setting("PASSWORD_RESETS_PER_IP"), int_setting("SIGNUP_WINDOW_SECONDS")
        ),
    }


def register_user(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    language: str = "",
    ip: str = "",
) -> User:
    """Create an account after checking every field; refuses a burst of sign-ups from one IP."""
    errors = FieldErrors()
    username = check_username(username, errors)
    email = check_email(email, errors)
    profile = clean_profile({"display_name": display_name, "language": language}, errors)
    check_password(password, errors, user=User(username=username, email=email, **profile))
    errors.raise_if_any()
    text_gate().screen_profile(
        {"username": username, "display_name": profile.get("display_name", "")}
    )
    limit_write("signup", ip=ip)
    user = User(username=username, email=email, **profile)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two sign-ups raced for the same name; the constraint decided.
        raise ValidationFailed(fields={"username": [_("This username is taken.")]}) from exc
    return user


def authenticate_user(
    *, request: HttpRequest | None, username: str, password: str, ip: str
) -> User:
    """Check credentials, limited per account and per IP; success clears the account's count."""
    limits = _limits()
    account_key = (username or "").strip().lower()
    ratelimit.check(limits["ip"], ip)
    ratelimit.check(limits["account"], account_key)
    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        ratelimit.hit(limits["ip"], ip)
        ratelimit.hit(limits["account"], account_key)
        raise InvalidCredentials
    ratelimit.reset(limits["account"], account_key)
    return user


def update_profile(*, actor: User, user: User, changes: dict[str, Any]) -> User:
    """Change profile fields of one's own account (staff may edit anyone's)."""
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionRefused
    errors = FieldErrors()
    cleaned = clean_profile(changes, errors)
    errors.raise_if_any()
    text_gate().screen_profile(
        {name: cleaned[name] for name in ("display_name", "city") if name in cleaned}
    )
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(user, name, value)
        user.save(update_fields=[*cleaned.keys()] if cleaned else None)
    return user


def set_avatar(*, actor: User, user: User, upload: IO[bytes]) -> User:
    """Replace the avatar with a validated image; the old file is removed."""
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionRefused
    checked = check_image(
        upload,
        field="avatar",
        max_bytes=int_setting("AVATAR_MAX_BYTES"),
        max_side=int_setting("AVATAR_MAX_PIXELS"),
        min_side=32,
    )
    old = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        user.avatar.save(f"avatar.{checked.extension}", ContentFile(upload.read()), save=False)
        user.save(update_fields=["avatar"])
    if old:
        user.avatar.storage.delete(old)
    return user


def remove_avatar(*, actor: User, user: User) -> User:
    """Remove the avatar image."""
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionRefused
    if user.avatar:
        name = user.avatar.name
        user.avatar = ""
        user.save(update_fields=["avatar"])
        user.avatar.storage.delete(name)
    return user


def change_password(*, actor: User, old_password: str, new_password: str) -> User:
    """Change one's password after proving the old one."""
    errors = FieldErrors()
    if not actor.check_password(old_password or ""):
        errors.add("old_password", _("Your current password is wrong."))
    check_password(new_password, errors, user=actor, field="new_password")
    errors.raise_if_any()
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    return actor


def request_password_reset(*, email: str, ip: str, build_link: Callable[[str, str], str]) -> None:
    """Mail a reset link if an account has this address; answer the same either way."""
    errors = FieldErrors()
    email = (email or "").strip()
    if not email:
        errors.add("email", _("Enter your e-mail address."))
    errors.raise_if_any()
    if ip:
        ratelimit.consume(_limits()["reset"], ip)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = build_link(uid, default_token_generator.make_token(user))
    with translation.override(user.language or translation.get_language()):
        subject = _("Reset your Communa password")
        body = render_to_string("accounts/email/password_reset.txt", {"user": user, "link": link})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def user_for_reset(*, uidb64: str, token: str) -> User:
    """The account a reset link is for, or NotFound when the link is wrong or used."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as exc:
        raise NotFound(_("This reset link is invalid or has already been used.")) from exc
    if not default_token_generator.check_token(user, token):
        raise NotFound(_("This reset link is invalid or has already been used."))
    return user


def reset_password(*, uidb64: str, token: str, new_password: str) -> User:
    """Set a new password from a mailed link; the link stops working once used."""
    user = user_for_reset(uidb64=uidb64, token=token)
    errors = FieldErrors()
    check_password(new_password, errors, user=user, field="new_password")
    errors.raise_if_any()
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def hash_token(plaintext: str) -> str:
    """SHA-256 of a token; tokens are long random strings, so no salt or slow hash is needed."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_access_token(
    *,
    actor: User,
    name: str,
    expires_in_days: int | None = None,
) -> tuple[PersonalAccessToken, str]:
    """Make a personal access token; the plaintext is returned once and never stored."""
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Give the token a name, such as the script that will use it."))
    elif len(name) > 100:
        errors.add("name", _("Use at most 100 characters."))
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        errors.add("expires_in_days", _("Choose between 1 and 3650 days, or no expiry."))
    limit = int_setting("TOKENS_PER_USER")
    if actor.tokens.filter(revoked_at__isnull=True).count() >= limit:
        errors.add(
            "name", _("You already have %(n)d active tokens; revoke one first.") % {"n": limit}
        )
    errors.raise_if_any()
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(
        user=actor,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(plaintext),
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    return token, plaintext


def revoke_access_token(*, actor: User, token_id: int) -> PersonalAccessToken:
    """Revoke one of one's own tokens; someone else's is reported as not found."""
    token = PersonalAccessToken.objects.filter(user=actor, pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_token(plaintext: str) -> User | None:
    """The active user a live token belongs to; records its use at most once a minute."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    # Read on every API request with a token: a statement written once (core.rows).
    token = read_one(
        PersonalAccessToken,
        't0."token_hash" = %s AND t0."revoked_at" IS NULL',
        [hash_token(plaintext)],
        order_by='t0."id"',
        join=("user",),
    )
    if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        _touch_token(token.pk, now)
    return token.user


def _touch_token(token_id: int, now: datetime) -> None:
    """Record a token's use. On PostgreSQL, outside any other transaction, the commit does not
    wait for the disk: a crash may lose the last second of "last used", never anything else, and
    a request made with a token no longer pays a flush of the log for it. Both statements go as
    one simple query, which PostgreSQL runs as one transaction (an error rolls it back whole):
    one round trip instead of four. Its values are ours, written in: an id and a moment."""
    touch = PersonalAccessToken.objects.filter(pk=token_id)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        touch.update(last_used_at=now)
        return
    table = connection.ops.quote_name(PersonalAccessToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL synchronous_commit TO OFF;"  # noqa: S608 — an id and a moment
            f" UPDATE {table} SET \"last_used_at\" = '{now.isoformat()}'::timestamptz"
            f' WHERE "id" = {int(token_id)}'
        )


def create_admin(*, username: str, email: str, password: str) -> User:
    """Create an operator account with access to /admin/ (used by `communa createadmin`)."""
    errors = FieldErrors()
    username = check_username(username, errors)
    email = check_email(email, errors)
    check_password(password, errors, user=User(username=username, email=email))
    errors.raise_if_any()
    return User.objects.create_superuser(username=username, email=email, password=password)


def placeholder_accounts(*, zones: dict[str, str]) -> dict[str, User]:
    """Accounts that stand for people of an imported file (username → time zone): made
    inactive and without a usable password, so nobody logs in as them; an existing one of the
    same username gets the zone given. Called by the import actions that checked permission."""
    users: dict[str, User] = {}
    with transaction.atomic():
        existing = {u.username: u for u in User.objects.filter(username__in=list(zones))}
        changed = [u for name, u in existing.items() if u.time_zone != zones[name]]
        for user in changed:
            user.time_zone = zones[user.username]
        User.objects.bulk_update(changed, ["time_zone"], batch_size=500)
        fresh = [
            User(
                username=name,
                time_zone=zone,
                is_active=False,
                password=make_password(None),
            )
            for name, zone in zones.items()
            if name not in existing
        ]
        User.objects.bulk_create(fresh, batch_size=500)
        users.update(existing)
        if fresh:
            # Not every database returns the ids of a bulk insert; read them back by name.
            users.update(
                {
                    u.username: u
                    for u in User.objects.filter(username__in=[u.username for u in fresh])
                }
            )
    return users


# --- notifications ----------------------------------------------------------------------------


def notify(
    *,
    recipients: list[Any],
    kind: NotificationKind,
    actor: Any = None,
    community: Any = None,
    subject: str = "",
    url: str = "",
) -> list[Notification]:
    """Tell people that something happened for them; call it in the transaction of the action.

    Nobody is told about their own doing, and each recipient is told once. One statement on
    PostgreSQL whatever the number of recipients (two elsewhere, in a transaction of their own
    when there is none around): the rows, and the unread counters.
    """
    actor_id = getattr(actor, "pk", None)
    ids = list(dict.fromkeys(getattr(r, "pk", r) for r in recipients if r is not None))
    ids = [pk for pk in ids if pk != actor_id]
    if not ids:
        return []
    now = timezone.now()
    shared = {
        "kind": kind,
        "actor_name": getattr(actor, "shown_name", "")[:150] if actor is not None else "",
        "community_name": (getattr(community, "name", "") or "")[:200],
        "subject": " ".join((subject or "").split())[:200],
        "url": url[:500],
        "created_at": now,
    }
    # One statement on PostgreSQL: the rows and the counts of those they are for.
    return insert_and_add(
        *(Notification(recipient_id=pk, **shared) for pk in ids),
        link="recipient",
        deltas={"unread_notifications": 1},
    )


def mark_notifications_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark some of my notifications read (all of them when `ids` is None); returns how many."""
    with transaction.atomic():
        unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
        if ids is not None:
            unread = unread.filter(pk__in=ids)
        done = unread.update(read_at=timezone.now())
        # Recounted rather than decremented: two tabs marking the same rows stay exact.
        left = Notification.objects.filter(recipient=actor, read_at__isnull=True).count()
        User.objects.filter(pk=actor.pk).update(unread_notifications=left)
        actor.unread_notifications = left
    return done

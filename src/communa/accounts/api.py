"""Accounts API: sign-up, log-in, the profile, passwords and personal access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from communa.accounts import actions
from communa.accounts.http import AuthedRequest
from communa.accounts.models import Gender, PersonalAccessToken, User
from communa.accounts.selectors import tokens_of
from communa.core.errors import DomainError
from communa.core.http import client_ip
from communa.core.schemas import Error, OneOf, Strict

auth_router = Router(tags=["accounts"])
me_router = Router(tags=["accounts"])


# Empty means "not said" (gender) or "the site's language" (language).
GenderName = Annotated[str, OneOf(["", *Gender.values])]
LanguageCode = Annotated[str, OneOf(["", *(code for code, _name in settings.LANGUAGES)])]


class SignupIn(Strict):
    username: str
    email: str
    password: str
    display_name: str = ""
    language: LanguageCode = ""


class LoginIn(Strict):
    username: str
    password: str


class PasswordResetIn(Strict):
    email: str


class PasswordResetConfirmIn(Strict):
    uid: str
    token: str
    new_password: str


class PasswordChangeIn(Strict):
    old_password: str
    new_password: str


class ProfileIn(Strict):
    display_name: str | None = None
    gender: GenderName | None = None
    birth_year: int | None = None
    city: str | None = None
    country: str | None = None
    language: LanguageCode | None = None
    time_zone: str | None = None


class ProfileOut(Schema):
    id: int
    username: str
    email: str
    display_name: str
    avatar_url: str | None
    gender: str
    birth_year: int | None
    city: str
    country: str
    language: str
    time_zone: str
    date_joined: datetime


class TokenIn(Strict):
    name: str
    expires_in_days: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str


class Message(Schema):
    message: str


def profile_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "avatar_url": user.avatar.url if user.avatar else None,
        "gender": user.gender,
        "birth_year": user.birth_year,
        "city": user.city,
        "country": str(user.country or ""),
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
    }


def token_out(token: PersonalAccessToken, plaintext: str | None = None) -> dict[str, Any]:
    out = {name: getattr(token, name) for name in TokenOut.model_fields}
    if plaintext:
        out["token"] = plaintext
    return out


def require_json(request: HttpRequest) -> None:
    # Cross-site HTML forms cannot send JSON without a CORS preflight, so this stops login CSRF.
    if not (request.content_type or "").startswith("application/json"):
        raise DomainError(
            _("Send this request as application/json."), code="unsupported_media_type"
        )


@auth_router.post("/signup", auth=None, response={201: ProfileOut})
def signup(request: HttpRequest, payload: SignupIn) -> Status:
    """Create an account and start a session for it."""
    require_json(request)
    user = actions.register_user(**payload.model_dump(), ip=client_ip(request))
    login(request, user, backend="communa.accounts.backends.CaseInsensitiveModelBackend")
    return Status(201, profile_out(user))


@auth_router.post("/login", auth=None, response={200: ProfileOut, 401: Error})
def log_in(request: HttpRequest, payload: LoginIn) -> dict[str, Any]:
    """Start a session; limited per account and per IP (429 with Retry-After when over)."""
    require_json(request)
    user = actions.authenticate_user(
        request=request, username=payload.username, password=payload.password, ip=client_ip(request)
    )
    login(request, user)
    return profile_out(user)


@auth_router.post("/logout", response={204: None})
def log_out(request: HttpRequest) -> Status:
    """End the current session."""
    logout(request)
    return Status(204, None)


@auth_router.post("/password-reset", auth=None, response={202: Message})
def password_reset(request: HttpRequest, payload: PasswordResetIn) -> Status:
    """Mail a reset link when an account has this address (the answer is the same either way)."""
    actions.request_password_reset(
        email=payload.email,
        ip=client_ip(request),
        build_link=lambda uid, token: request.build_absolute_uri(
            reverse("accounts:password_reset_confirm", args=[uid, token])
        ),
    )
    return Status(
        202, {"message": _("If an account uses this address, a reset link is on its way.")}
    )


@auth_router.post("/password-reset/confirm", auth=None, response={200: Message, 404: Error})
def password_reset_confirm(request: HttpRequest, payload: PasswordResetConfirmIn) -> dict[str, str]:
    """Set a new password with the uid and token from the mailed link."""
    actions.reset_password(
        uidb64=payload.uid, token=payload.token, new_password=payload.new_password
    )
    return {"message": _("Your password has been set. You can log in now.")}


@me_router.get("", response=ProfileOut)
def my_profile(request: AuthedRequest) -> dict[str, Any]:
    """The signed-in person's profile."""
    return profile_out(request.auth)


@me_router.patch("", response=ProfileOut)
def update_my_profile(request: AuthedRequest, payload: ProfileIn) -> dict[str, Any]:
    """Change some profile fields; fields left out stay as they are."""
    user = request.auth
    user = actions.update_profile(
        actor=user, user=user, changes=payload.model_dump(exclude_unset=True)
    )
    return profile_out(user)


@me_router.post("/avatar", response=ProfileOut)
def upload_my_avatar(request: AuthedRequest, avatar: File[UploadedFile]) -> dict[str, Any]:
    """Upload a new avatar (JPEG, PNG, WebP or GIF)."""
    user = request.auth
    return profile_out(actions.set_avatar(actor=user, user=user, upload=avatar))


@me_router.delete("/avatar", response=ProfileOut)
def delete_my_avatar(request: AuthedRequest) -> dict[str, Any]:
    """Remove the avatar."""
    user = request.auth
    return profile_out(actions.remove_avatar(actor=user, user=user))


@me_router.post("/password", response={204: None})
def change_my_password(request: AuthedRequest, payload: PasswordChangeIn) -> Status:
    """Change the password; the current session stays signed in."""
    user = request.auth
    actions.change_password(
        actor=user, old_password=payload.old_password, new_password=payload.new_password
    )
    if request.session.session_key:
        update_session_auth_hash(request, user)
    return Status(204, None)


@me_router.get("/tokens", response=list[TokenOut])
def list_my_tokens(request: AuthedRequest) -> list[dict[str, Any]]:
    """Every personal access token, newest first (the secret itself is never shown again)."""
    return [token_out(t) for t in tokens_of(request.auth)]


@me_router.post("/tokens", response={201: NewTokenOut})
def create_my_token(request: AuthedRequest, payload: TokenIn) -> Status:
    """Create a token; the `token` field of this answer is the only time the secret is shown."""
    token, plaintext = actions.create_access_token(
        actor=request.auth,
        name=payload.name,
        expires_in_days=payload.expires_in_days,
    )
    return Status(201, token_out(token, plaintext))


@me_router.delete("/tokens/{token_id}", response={204: None})
def revoke_my_token(request: AuthedRequest, token_id: int) -> Status:
    """Revoke a token; requests that use it fail from now on."""
    actions.revoke_access_token(actor=request.auth, token_id=token_id)
    return Status(204, None)

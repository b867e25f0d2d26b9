"""Rules for account and profile fields, shared by sign-up, profile edits and the admin."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from communa.accounts.models import Gender, User
from communa.core.errors import ValidationFailed

USERNAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,30})[A-Za-z0-9]$")
OLDEST_BIRTH_YEAR = 1900


@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name that this installation knows."""
    return frozenset(zoneinfo.available_timezones())


class FieldErrors:
    """Collects reasons per field so a person sees every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


def _others(exclude_pk: int | None) -> QuerySet[User]:
    users = User.objects.all()
    return users.exclude(pk=exclude_pk) if exclude_pk is not None else users


def check_username(username: str, errors: FieldErrors, *, exclude_pk: int | None = None) -> str:
    """A username is 3–32 Latin letters, digits, dots, dashes or underscores, unique in any case."""
    username = (username or "").strip()
    if not username:
        errors.add("username", _("Choose a username."))
    elif not USERNAME_RE.match(username):
        errors.add(
            "username",
            _(
                "Use 3 to 32 Latin letters, digits, dots, dashes or underscores, "
                "starting and ending with a letter or digit."
            ),
        )
    elif _others(exclude_pk).filter(username__iexact=username).exists():
        errors.add("username", _("This username is taken."))
    return username


def check_email(email: str, errors: FieldErrors, *, exclude_pk: int | None = None) -> str:
    """An e-mail address is well formed and not used by another account (in any case)."""
    email = (email or "").strip()
    if not email:
        errors.add("email", _("Enter your e-mail address."))
        return email
    try:
        validate_email(email)
    except ValidationError:
        errors.add("email", _("Enter a valid e-mail address."))
        return email
    if _others(exclude_pk).filter(email__iexact=email).exists():
        errors.add("email", _("An account with this e-mail address already exists."))
    return email


def check_password(
    password: str, errors: FieldErrors, *, user: User | None = None, field: str = "password"
) -> None:
    """Apply the configured password validators (length, common, numeric, similar to user)."""
    if not password:
        errors.add(field, _("Enter a password."))
        return
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add(field, message)


def _text(limit: int) -> Callable[[Any, Callable[[str], None]], Any]:
    def clean(value: Any, refuse: Callable[[str], None]) -> str:
        text = str(value or "").strip()
        if len(text) > limit:
            refuse(_("Use at most %(n)d characters.") % {"n": limit})
        return text

    return clean


def _choice(choices: Callable[[], Iterable[str]]) -> Callable[[Any, Callable[[str], None]], Any]:
    def clean(value: Any, refuse: Callable[[str], None]) -> str:
        text = str(value or "")
        allowed = list(choices())
        if text and text not in allowed:
            refuse(_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)})
        return text

    return clean


def _birth_year(value: Any, refuse: Callable[[str], None]) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        refuse(_("Enter a year such as 1990."))
        return None
    this_year = timezone.now().year
    if year > this_year:
        refuse(_("A birth year cannot be in the future."))
    elif year < OLDEST_BIRTH_YEAR:
        refuse(
            _("Enter a year from %(min)d to %(max)d.")
            % {"min": OLDEST_BIRTH_YEAR, "max": this_year}
        )
    return year


def _country(value: Any, refuse: Callable[[str], None]) -> str:
    code = str(value or "").strip().upper()
    if code and code not in dict(countries):
        refuse(_("“%(code)s” is not a known ISO 3166 country code.") % {"code": code})
    return code


def _time_zone(value: Any, refuse: Callable[[str], None]) -> str:
    zone = str(value or "").strip()
    if zone and zone not in time_zone_names():
        refuse(_("“%(zone)s” is not a known time zone, such as Europe/Kyiv.") % {"zone": zone})
    return zone


PROFILE_CLEANERS: dict[str, Callable[[Any, Callable[[str], None]], Any]] = {
    "display_name": _text(80),
    "gender": _choice(lambda: Gender.values),
    "birth_year": _birth_year,
    "city": _text(100),
    "country": _country,
    "language": _choice(lambda: [code for code, _name in settings.LANGUAGES]),
    "time_zone": _time_zone,
}
PROFILE_FIELDS = tuple(PROFILE_CLEANERS)


def clean_profile(data: dict[str, Any], errors: FieldErrors) -> dict[str, Any]:
    """Check the profile fields present in `data` and return their cleaned values."""
    for name in sorted(set(data) - set(PROFILE_CLEANERS)):
        errors.add(name, _("This field cannot be changed here."))
    cleaned: dict[str, Any] = {}
    for name, clean in PROFILE_CLEANERS.items():
        if name in data:
            cleaned[name] = clean(data[name], partial(errors.add, name))
    return cleaned

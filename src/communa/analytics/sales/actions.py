"""Every write of sales (R9.9): a community's conversion keys and the conversions a shop reports.

Keys are managed by who manages the community's settings (EDIT_SETTINGS: the owner and the
administrators, ADR 0017): a key lets an outside system write figures into the community's
statistics, like the settings that connect other systems. The plaintext is shown once; only its
SHA-256 is kept, as for personal access tokens.

A conversion is idempotent by its order id: the unique constraint (community, order id) decides
between concurrent reports of one order, so one row is written whatever the timing; a repeat with
the same amount and currency answers the stored row, a repeat that differs is a conflict.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.analytics.models import Conversion, ConversionKey
from communa.analytics.sales.currencies import MINOR_UNITS
from communa.communities.models import Community
from communa.communities.permissions import Action, require
from communa.core import ratelimit
from communa.core.audit import record_audit
from communa.core.errors import Conflict, NotFound
from communa.walls.models import Post

KEY_PREFIX: Final = "cck_"  # a public marker ("Communa conversion key"), not a secret
MAX_ACTIVE_KEYS: Final = 5
NAME_MAX: Final = 100
ORDER_ID_MAX: Final = 100
UTM_MAX: Final = 100
AMOUNT_DIGITS: Final = 14  # digits before the point: up to 99 999 999 999 999
FUTURE_SKEW: Final = timedelta(minutes=5)
POST_CONTENT = re.compile(r"^post-([1-9][0-9]{0,18})$")
ORDER_ID = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII without spaces
# Reports per key and minute: a busy shop's checkout, far from a script gone wrong.
CONVERSIONS_PER_MINUTE: Final = 600


def conversion_limit() -> ratelimit.Limit:
    return ratelimit.Limit("conversion", CONVERSIONS_PER_MINUTE, 60)


def hash_key(plaintext: str) -> str:
    """SHA-256 of a key; keys are long random strings, so no salt or slow hash is needed."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _key_name(name: str, errors: FieldErrors) -> str:
    cleaned = " ".join(str(name or "").split())
    if not cleaned:
        errors.add("name", _("Give the key a name, such as the shop that will use it."))
    elif len(cleaned) > NAME_MAX:
        errors.add("name", _("A key name has at most %(n)d characters.") % {"n": NAME_MAX})
    return cleaned


def _new_key(*, actor: Any, community: Community, name: str) -> tuple[ConversionKey, str]:
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ConversionKey.objects.create(
        community=community,
        name=name,
        prefix=plaintext[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(plaintext),
        created_by=actor,
    )
    return key, plaintext


def create_conversion_key(
    *, actor: Any, community: Community, name: str
) -> tuple[ConversionKey, str]:
    """Make a conversion key for the community; the plaintext is returned once, never stored."""
    require(actor, Action.EDIT_SETTINGS, community)
    errors = FieldErrors()
    cleaned = _key_name(name, errors)
    errors.raise_if_any()
    with transaction.atomic():
        # One key at a time per community: the count and the insert cannot interleave.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        active = ConversionKey.objects.filter(community=community, revoked_at__isnull=True)
        if active.count() >= MAX_ACTIVE_KEYS:
            errors.add(
                "name",
                _("The community already has %(n)d active keys; revoke one first.")
                % {"n": MAX_ACTIVE_KEYS},
            )
            errors.raise_if_any()
        key, plaintext = _new_key(actor=actor, community=community, name=cleaned)
        record_audit(
            actor=actor,
            community=community,
            action="conversion_key.create",
            target=key,
            after={"name": key.name, "prefix": key.prefix},
        )
    return key, plaintext


def _active_key(community: Community, key_id: int) -> ConversionKey:
    key = (
        ConversionKey.objects.select_for_update()
        .filter(community=community, pk=key_id, revoked_at__isnull=True)
        .first()
    )
    if key is None:
        raise NotFound(_("No such key, or it is revoked already."))
    return key


def revoke_conversion_key(*, actor: Any, community: Community, key_id: int) -> ConversionKey:
    """Revoke a key: the shop's next report with it is refused (401); its conversions stay."""
    require(actor, Action.EDIT_SETTINGS, community)
    with transaction.atomic():
        key = _active_key(community, key_id)
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record_audit(
            actor=actor,
            community=community,
            action="conversion_key.revoke",
            target=key,
            before={"revoked_at": None},
            after={"revoked_at": key.revoked_at},
        )
    return key


def rotate_conversion_key(
    *, actor: Any, community: Community, key_id: int
) -> tuple[ConversionKey, str]:
    """Replace a key by a new one of the same name in one step: the old one stops working at
    once, the new plaintext is returned once."""
    require(actor, Action.EDIT_SETTINGS, community)
    with transaction.atomic():
        old = _active_key(community, key_id)
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        key, plaintext = _new_key(actor=actor, community=community, name=old.name)
        record_audit(
            actor=actor,
            community=community,
            action="conversion_key.rotate",
            target=key,
            before={"key": old.prefix},
            after={"key": key.prefix},
        )
    return key, plaintext


def key_for(plaintext: str) -> ConversionKey | None:
    """The live key a plaintext is, with its community; None for anything else."""
    if not plaintext.startswith(KEY_PREFIX) or len(plaintext) > 200:
        return None
    key = (
        ConversionKey.objects.select_related("community")
        .filter(key_hash=hash_key(plaintext), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1):
        ConversionKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@dataclass(frozen=True)
class Recorded:
    """A conversion as stored, and whether this report wrote it (False: a repeat)."""

    conversion: Conversion
    created: bool


def _amount(value: Any, currency: str, errors: FieldErrors) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, str | int | Decimal):
        errors.add("amount", _('Send the amount as text, such as "12.50".'))
        return Decimal(0)  # refused: the error is in `errors`
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add("amount", _('Send the amount as a number in text, such as "12.50".'))
        return Decimal(0)  # refused: the error is in `errors`
    if not amount.is_finite() or amount < 0:
        errors.add("amount", _("The amount is zero or more."))
        return Decimal(0)  # refused: the error is in `errors`
    exponent = amount.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    if amount and amount.adjusted() + 1 > AMOUNT_DIGITS:
        errors.add("amount", _("The amount is too large."))
        return Decimal(0)  # refused: the error is in `errors`
    units = MINOR_UNITS.get(currency)
    if units is not None and places > units:
        errors.add(
            "amount",
            _("%(currency)s has %(n)d digits after the point.")
            % {"currency": currency, "n": units},
        )
        return Decimal(0)  # refused: the error is in `errors`
    return amount


def _currency(value: Any, errors: FieldErrors) -> str:
    code = str(value or "").strip()
    if code not in MINOR_UNITS:
        errors.add("currency", _("Give an ISO 4217 currency code in capitals, such as EUR."))
    return code


def _order_id(value: Any, errors: FieldErrors) -> str:
    order = str(value or "").strip()
    if not order:
        errors.add("order_id", _("Give the shop's order id."))
    elif len(order) > ORDER_ID_MAX or not ORDER_ID.match(order):
        errors.add(
            "order_id",
            _("Use at most %(n)d visible ASCII characters, without spaces.") % {"n": ORDER_ID_MAX},
        )
    return order


def _utm(data: dict[str, Any], errors: FieldErrors) -> dict[str, str]:
    tags: dict[str, str] = {}
    for field in ("utm_source", "utm_medium", "utm_campaign", "utm_content"):
        value = str(data.get(field) or "").strip()
        if len(value) > UTM_MAX:
            errors.add(field, _("Use at most %(n)d characters.") % {"n": UTM_MAX})
        tags[field] = value
    if not tags["utm_source"]:
        errors.add(
            "utm_source",
            _("Only sales from UTM-tagged visits are recorded: send the visit's utm_source."),
        )
    return tags


def _occurred_at(value: Any, community: Community, errors: FieldErrors) -> datetime:
    now = timezone.now()
    if value is None:
        return now
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors.add(
            "occurred_at", _("Give a date and time with its offset, such as 2026-01-31T18:00:00Z.")
        )
        return now
    if value > now + FUTURE_SKEW:
        errors.add("occurred_at", _("The order cannot have happened in the future."))
    elif value < community.created_at:
        errors.add("occurred_at", _("The order cannot have happened before the community existed."))
    return value


def _post_of(community: Community, utm_content: str) -> int | None:
    found = POST_CONTENT.match(utm_content)
    if found is None:
        return None
    post_id = int(found.group(1))
    return post_id if Post.objects.filter(pk=post_id, community=community).exists() else None


def _same(stored: Conversion, amount: Decimal, currency: str) -> bool:
    return stored.amount == amount and stored.currency == currency


def record_conversion(*, key: ConversionKey, data: dict[str, Any]) -> Recorded:
    """Record an order a shop reports for a UTM-tagged visit, once per order id.

    The key's community is the one it counts for. The same order id again with the same amount
    and currency answers the stored row (`created` False) and counts nothing; with another amount
    or currency it is a conflict. Each report counts towards the key's limit per minute.
    """
    community = key.community
    ratelimit.consume(conversion_limit(), f"key{key.pk}")
    errors = FieldErrors()
    order_id = _order_id(data.get("order_id"), errors)
    currency = _currency(data.get("currency"), errors)
    amount = _amount(data.get("amount"), currency, errors)
    tags = _utm(data, errors)
    occurred_at = _occurred_at(data.get("occurred_at"), community, errors)
    errors.raise_if_any()
    existing = Conversion.objects.filter(community=community, order_id=order_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                conversion = Conversion.objects.create(
                    community=community,
                    key=key,
                    order_id=order_id,
                    amount=amount,
                    currency=currency,
                    post_id=_post_of(community, tags["utm_content"]),
                    occurred_at=occurred_at,
                    **tags,
                )
            return Recorded(conversion, created=True)
        except IntegrityError:
            # Another report of this order won the race: it is the stored one.
            existing = Conversion.objects.get(community=community, order_id=order_id)
    if not _same(existing, amount, currency):
        raise Conflict(
            _("Order %(order)s was reported with another amount: %(amount)s %(currency)s.")
            % {"order": order_id, "amount": existing.amount, "currency": existing.currency},
            code="order_conflict",
            fields={"amount": [_("This order was reported with another amount or currency.")]},
        )
    return Recorded(existing, created=False)

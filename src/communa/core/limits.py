"""Write limits per member and per address (R5.5): posting, commenting, liking, reporting,
inviting, joining and signing up.

Each kind has three hourly numbers in settings.COMMUNA (docs/operations.md compares them with
mature platforms): `RATE_<KIND>_PER_HOUR` for a member, `RATE_<KIND>_NEW_PER_HOUR` for an
account younger than `NEW_ACCOUNT_HOURS`, and `RATE_<KIND>_NEW_PER_IP_PER_HOUR` for the writes of
new accounts from one address. The address limit counts only new accounts, as Discourse
exempts trusted users from its per-IP limits: many people share one address (mobile carriers'
NAT, campuses, offices), and it is fresh accounts from one address that make a spam farm.
Sign-ups have only the address limit (`SIGNUPS_PER_IP` per `SIGNUP_WINDOW_SECONDS`). A value of
0 switches a limit off. Site staff are not limited, as in Discourse.

The counters live in the shared store of `core.ratelimit` (the database, or Redis), so the limits
hold across any number of app processes. Actions call `limit_write` after their permission and
input checks, right before they write: a refused or mistyped attempt costs nothing, and a
refused person is told why rather than when to come back.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from communa.core import ratelimit
from communa.core.conf import int_setting
from communa.core.errors import RateLimited
from communa.core.text import describe_wait

KINDS = ("post", "draft", "comment", "like", "report", "invite", "join", "signup", "take_part")
HOUR = 3600

# What a member is told past their own limit; the number is the limit that applies to them.
MEMBER_MESSAGES = {
    "post": ngettext_lazy(
        "You can publish at most %(limit)d post an hour.",
        "You can publish at most %(limit)d posts an hour.",
        "limit",
    ),
    "draft": ngettext_lazy(
        "You can write at most %(limit)d draft an hour.",
        "You can write at most %(limit)d drafts an hour.",
        "limit",
    ),
    "comment": ngettext_lazy(
        "You can write at most %(limit)d comment an hour.",
        "You can write at most %(limit)d comments an hour.",
        "limit",
    ),
    "like": ngettext_lazy(
        "You can give at most %(limit)d like an hour.",
        "You can give at most %(limit)d likes an hour.",
        "limit",
    ),
    "report": ngettext_lazy(
        "You can send at most %(limit)d report an hour.",
        "You can send at most %(limit)d reports an hour.",
        "limit",
    ),
    "invite": ngettext_lazy(
        "You can send at most %(limit)d invitation an hour.",
        "You can send at most %(limit)d invitations an hour.",
        "limit",
    ),
    "join": ngettext_lazy(
        "You can join at most %(limit)d community an hour.",
        "You can join at most %(limit)d communities an hour.",
        "limit",
    ),
    # Votes in polls and photo contests, photo entries, form answers and guide steps.
    "take_part": ngettext_lazy(
        "You can vote, enter or answer at most %(limit)d time an hour.",
        "You can vote, enter or answer at most %(limit)d times an hour.",
        "limit",
    ),
}


def is_new_account(user: Any) -> bool:
    """Whether the account is younger than NEW_ACCOUNT_HOURS, and so gets the stricter limits."""
    joined = getattr(user, "date_joined", None)
    if joined is None:
        return False
    return joined > timezone.now() - timedelta(hours=int_setting("NEW_ACCOUNT_HOURS"))


def address_key(ip: str | None) -> str | None:
    """The key an address counts under: an IPv6 address by its /64, as Mastodon does (one
    household or server gets a whole /64); None when there is no usable address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _refusal(kind: str, limit: ratelimit.Limit, *, by_address: bool, new: bool) -> str:
    if kind == "signup":
        first = _("Too many accounts have been created from your network.")
    elif by_address:
        first = _("Too many new accounts on your network are doing this right now.")
    else:
        first = str(MEMBER_MESSAGES[kind] % {"limit": limit.limit})
        if new:
            hours = int_setting("NEW_ACCOUNT_HOURS")
            first += " " + ngettext(
                "New accounts have lower limits in their first %(hours)d hour.",
                "New accounts have lower limits in their first %(hours)d hours.",
                hours,
            ) % {"hours": hours}
    return first


def limit_write(kind: str, *, actor: Any = None, ip: str | None = None, count: int = 1) -> None:
    """Count `count` writes of `kind` by the actor and from the address; past a limit, refuse
    with RateLimited saying how long to wait (nothing is counted then)."""
    if kind not in KINDS:
        raise ValueError(f"unknown write kind {kind!r}")
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and getattr(actor, "is_staff", False):
        return
    new = signed_in and is_new_account(actor)
    name = kind.upper()
    hits: list[tuple[ratelimit.Limit, str]] = []
    if signed_in and kind != "signup":
        per_member = int_setting(f"RATE_{name}_NEW_PER_HOUR" if new else f"RATE_{name}_PER_HOUR")
        if per_member > 0:
            # New and established share one counter: an account that comes of age mid-hour
            # keeps what it has used and simply gets the larger allowance.
            hits.append((ratelimit.Limit(f"write-{kind}-member", per_member, HOUR), str(actor.pk)))
    address = address_key(ip)
    if address is not None:
        if kind == "signup":
            # The scope and numbers log-in's neighbours have always used (accounts.actions).
            per_address = ratelimit.Limit(
                "signup-ip", int_setting("SIGNUPS_PER_IP"), int_setting("SIGNUP_WINDOW_SECONDS")
            )
            if per_address.limit > 0:
                hits.append((per_address, address))
        elif new:
            limit = int_setting(f"RATE_{name}_NEW_PER_IP_PER_HOUR")
            if limit > 0:
                hits.append((ratelimit.Limit(f"write-{kind}-ip", limit, HOUR), address))
    if not hits:
        return
    try:
        ratelimit.consume_all(hits, amount=count)
    except ratelimit.LimitExceeded as exc:
        by_address = exc.limit.scope.endswith("-ip")
        message = _refusal(kind, exc.limit, by_address=by_address, new=new)
        wait = _("Try again in %(wait)s.") % {"wait": describe_wait(exc.retry_after)}
        raise RateLimited(f"{message} {wait}", retry_after=exc.retry_after) from exc

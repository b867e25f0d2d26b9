"""Event capture, the kernel's part: who is looking, what kinds of events there are, and the
socket that records them. Content apps call `record_event` and `record_impressions`; analytics
plugs in the store (`analytics.ingest`), so recording an event is a kernel call and the rollups
and queries stay above the content apps."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communa.core.hooks import answer
from communa.core.http import client_ip

VISITOR_COOKIE = "communa_vid"
_MOBILE = re.compile(r"Mobi|Android|iPhone|iPad|iPod|Opera Mini|IEMobile", re.IGNORECASE)
# Search engines, link previews and scripts: what they fetch is not a person's view.
_CRAWLER = re.compile(
    r"bot\b|bot/|crawler|spider|slurp|facebookexternalhit|vkshare|whatsapp|embedly|preview"
    r"|curl/|wget/|python-requests|python-urllib|aiohttp|go-http-client|libwww|scrapy|okhttp"
    r"|httpclient|headlessbrowser",
    re.IGNORECASE,
)


class EventKind(models.TextChoices):
    """What happened; each kind feeds a metric of METRICS.md."""

    IMPRESSION = "impression", _("Impression")
    LIKE = "like", _("Like")
    UNLIKE = "unlike", _("Unlike")
    COMMENT = "comment", _("Comment")
    SHARE = "share", _("Share")
    HIDE = "hide", _("Hide from feed")
    REPORT = "report", _("Report")
    LINK_CLICK = "link_click", _("Link click")
    # Taking part (R6): counted in the loyalty KPIs, not in a post's engagement.
    POLL_VOTE = "poll_vote", _("Poll vote")
    ENTRY = "entry", _("Contest entry")
    CONTEST_VOTE = "contest_vote", _("Contest vote")
    FORM_ANSWER = "form_answer", _("Form answer")
    GUIDE_STEP = "guide_step", _("Guide step done")


class Platform(models.TextChoices):
    """Where the viewer was: the web on a desktop, the web on a phone, or the API."""

    WEB = "web", _("Web")
    MOBILE_WEB = "mobile_web", _("Mobile web")
    API = "api", _("API")


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a person when logged in, else a privacy-preserving visitor key."""

    user_id: int | None
    key: str
    platform: str
    crawler: bool = False  # a known crawler or script: its views are neither impressions nor reach

    @property
    def known(self) -> bool:
        return bool(self.key)


NOBODY_IN_PARTICULAR = Viewer(user_id=None, key="", platform=Platform.WEB)


def _visitor_key(raw: str) -> str:
    # Only a keyed hash is stored, never the cookie or address it came from.
    digest = hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return f"v{digest[:32]}"


def _first_visit_id(request: HttpRequest) -> str:
    """The visitor id of a request without the cookie: the same for one address and user agent
    all day, so a client that never keeps cookies (a script, a load generator) is one viewer a
    day rather than a new one on every request, and a browser keeps this id as its cookie."""
    agent = str(request.META.get("HTTP_USER_AGENT", ""))
    raw = f"{client_ip(request)}|{agent}|{timezone.now().date().isoformat()}"
    digest = hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return f"d{digest[:30]}"


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def viewer_of(request: HttpRequest, *, api: bool = False) -> Viewer:
    """The viewer behind a request: the user, or the anonymous visitor's cookie, else their
    address and user agent for the day (see METRICS.md, reach)."""
    agent = str(request.META.get("HTTP_USER_AGENT", ""))
    if api:
        platform = Platform.API
    else:
        platform = Platform.MOBILE_WEB if _MOBILE.search(agent) else Platform.WEB
    if _signed_in(request):
        pk = request.user.pk
        return Viewer(user_id=pk, key=f"u{pk}", platform=platform)
    visitor = request.COOKIES.get(VISITOR_COOKIE) or getattr(request, "_communa_visitor", "")
    if not visitor:
        visitor = _first_visit_id(request)
    crawler = bool(_CRAWLER.search(agent))
    return Viewer(user_id=None, key=_visitor_key(visitor), platform=platform, crawler=crawler)


def viewer_for_user(user: Any, platform: str = Platform.WEB) -> Viewer:
    """The viewer of an action taken by a logged-in person outside a request (demo, tests)."""
    return Viewer(user_id=user.pk, key=f"u{user.pk}", platform=platform)


class VisitorCookieMiddleware:
    """Give anonymous web visitors a random id, so reach counts each of them once.

    A signed-in member's views count by their account (`viewer_of`): their requests get no
    visitor id (a member's client without the cookie had been sent a new one with every page).
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        new_id = ""
        if (
            VISITOR_COOKIE not in request.COOKIES
            and not request.path.startswith("/api/")
            and not _signed_in(request)
        ):
            new_id = _first_visit_id(request)
            request._communa_visitor = new_id  # type: ignore[attr-defined]
        response: HttpResponse = self.get_response(request)
        if new_id:
            response.set_cookie(
                VISITOR_COOKIE,
                new_id,
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class EventRecorder:
    """The socket analytics plugs its store into; without it, events are not kept."""

    def record_impressions(self, viewer: Viewer, posts: Sequence[Any]) -> None:
        """A page showed these posts to the viewer (count impressions and first views)."""

    def flush_impressions(self) -> int:
        """Write the buffered impressions (buffered mode); return how many were written."""
        return 0

    def pending_impressions(self) -> int | None:
        """Page views waiting in the buffer for the worker; None when nothing is kept."""
        return None

    def record_event(
        self,
        kind: str,
        *,
        viewer: Viewer,
        post: Any = None,
        comment: Any = None,
        community_id: int | None = None,
    ) -> None:
        """Append one interaction event (like, unlike, comment, share, hide, report, click)."""


def record_impressions(viewer: Viewer, posts: Sequence[Any]) -> None:
    """A page showed these posts to the viewer: a fixed number of queries whatever their count.

    `COMMUNA_RECORD_IMPRESSIONS=0` switches impressions and reach off (to measure their cost).
    """
    if viewer.crawler or not settings.COMMUNA.get("RECORD_IMPRESSIONS", True):
        return
    answer(EventRecorder).record_impressions(viewer, posts)


def pending_impressions() -> int | None:
    """Page views the worker has not written yet (the operator's health report shows them)."""
    return answer(EventRecorder).pending_impressions()


def flush_impressions() -> int:
    """Write the impressions buffered by pages (the worker calls this every few seconds)."""
    return answer(EventRecorder).flush_impressions()


def record_event(
    kind: str,
    *,
    viewer: Viewer,
    post: Any = None,
    comment: Any = None,
    community_id: int | None = None,
) -> None:
    """Append one interaction event (like, unlike, comment, share, hide, report, link click)."""
    answer(EventRecorder).record_event(
        kind, viewer=viewer, post=post, comment=comment, community_id=community_id
    )

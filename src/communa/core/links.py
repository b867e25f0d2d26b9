"""Finding links in plain text: the one reading that formatting (to linkify) and the link checks
(to count and judge them) share; the addresses anchors of rendered HTML point to (tracked links,
R8.8) and the socket that names their campaign."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlsplit

from communa.core.hooks import answer

_TRAILING = ".,;:!?'\"»*_~"
_CLOSING = {")": "(", "]": "[", "}": "{"}


def trim_url(url: str) -> str:
    """Drop the sentence punctuation and unbalanced closing brackets a URL is written next to."""
    while url:
        last = url[-1]
        unbalanced = last in _CLOSING and url.count(last) > url.count(_CLOSING[last])
        if last not in _TRAILING and not unbalanced:
            break
        url = url[:-1]
    return url


# -- Links ------------------------------------------------------------------------------------

# Top-level domains that make a bare "name.tld" a link. A curated list rather than the full
# root zone: ".py", ".md", ".sh", ".zip" and ".world" are real domains, but in a post they are
# far more often file names and words ("main.py", "hello.world").
_TLD_NAMES = """
    com net org info biz edu gov mil int eu asia mobi name pro tel travel io co me ly
    ai app dev xyz top site online shop store club link click live tech blog news page
    space website fun icu vip win bid pw one cloud digital media agency email host
    tv cc ws to fm gg tk ml ga cf gq su ru ua by kz uz kg tj am az ge ee lv lt pl cz
    sk hu ro bg gr de at ch li fr it es pt nl be lu uk ie se no dk fi is us ca mx br ar
    cl pe au nz jp kr cn hk tw in id my sg th vn ph tr il ae sa za ng ke eg
    рф рус укр бел қаз срб онлайн сайт москва
"""
LINK_TLDS: Final = frozenset(_TLD_NAMES.split())

_URL_CHARS = r"[^\s<>\"'`]"
_LINKISH = re.compile(
    rf"""
    (?<![\w@.\-/])                          # not in the middle of a word, address or URL
    (?:
        (?P<url>https?://{_URL_CHARS}+)
      | (?P<www>www\.(?:[\w\-]+\.)+[^\W\d_]{{2,24}}(?![\w\-]){_URL_CHARS}*)
      | (?P<bare>
            (?:[\w\-]+\.)+(?P<tld>[^\W\d_]{{2,24}})
            (?![\w\-])(?!\.[\w\-])          # the top-level domain ends the host name
            (?P<path>[/?\#]{_URL_CHARS}*)?
        )
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)


def find_links(text: str) -> list[str]:
    """Every http(s) URL, www. address or bare domain in the text, in order, without repeats."""
    found: dict[str, None] = {}
    for match in _LINKISH.finditer(text):
        if match.group("bare"):
            tld = match.group("tld")
            # "ASP.NET" and "Mr.Smith" are words; a capitalised TLD counts only with a path.
            if tld.lower() not in LINK_TLDS or not (tld.islower() or match.group("path")):
                continue
        link = trim_url(match.group())
        if link:
            found.setdefault(link, None)
    return list(found)


# -- Links in rendered HTML -------------------------------------------------------------------

# Sanitised HTML (nh3's serialiser) always quotes attributes with double quotes and escapes a
# quote inside one, so a regular expression reads its anchors reliably.
ANCHOR_HREF: Final = re.compile(r'(<a\s[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
WEB_SCHEMES: Final = frozenset({"http", "https"})


def is_web_address(url: str) -> bool:
    """True for an absolute http(s) address with a host: the only links that leave the site."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def find_hrefs(html_text: str) -> list[str]:
    """The http(s) addresses the anchors of sanitised HTML point to, in order, without repeats."""
    found: dict[str, None] = {}
    for match in ANCHOR_HREF.finditer(html_text):
        url = html.unescape(match.group(2))
        if is_web_address(url):
            found.setdefault(url, None)
    return list(found)


# -- The campaign of tracked links (R8.8) -----------------------------------------------------


class LinkCampaigns:
    """The socket that names the `utm_campaign` of a post's tracked links.

    A service above the content apps that knows better (the planner: the promotion a post
    belongs to) plugs in an answer; None lets the content app use its own default (the post's
    rubric).
    """

    def campaign_of(self, post: Any) -> str | None:
        """The campaign this post's links are tagged with, or None for the default."""
        return None

    def campaigns_of(self, posts: Sequence[Any]) -> dict[int, str]:
        """The campaigns of many posts at once (statistics read hundreds): post id → campaign,
        for the posts that have one. An answer that reads the database overrides this with one
        query."""
        found = {post.pk: self.campaign_of(post) for post in posts}
        return {pk: campaign for pk, campaign in found.items() if campaign}


def campaign_of(post: Any) -> str | None:
    """Whatever names a post's campaign (a service plugged in), else None."""
    return answer(LinkCampaigns).campaign_of(post)


def campaigns_of(posts: Sequence[Any]) -> dict[int, str]:
    """`campaign_of` for many posts in one go: post id → campaign, where one is named."""
    return answer(LinkCampaigns).campaigns_of(posts)

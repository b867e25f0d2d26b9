"""Links and mentions in a text: where they are, their hosts, link farms and spam domains."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from communa.core.links import find_links

__all__ = ["Link", "domain_listed", "find_link_spans", "find_mentions", "host_of"]

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
# "@name" not inside a word or an e-mail address; a trailing dot ends the sentence, not the name.
_MENTION = re.compile(r"(?<![\w@.])@(\w[\w.]*\w|\w)")


class Link(NamedTuple):
    """A URL, www. address or bare domain as written, with its place and host."""

    start: int
    end: int
    text: str
    host: str


def host_of(link: str) -> str:
    """The lower-case host name of a link, without `www.` and a port."""
    rest = _SCHEME.sub("", link)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    return host.removeprefix("www.")


def find_link_spans(text: str) -> list[Link]:
    """Every link of the text (as `core.links.find_links` sees them), each occurrence once."""
    links = []
    for link in find_links(text):
        host = host_of(link)
        start = text.find(link)
        while start != -1:
            links.append(Link(start, start + len(link), link, host))
            start = text.find(link, start + len(link))
    links.sort()
    return links


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every @mention: (start, end, lower-case name)."""
    return [(m.start(), m.end(), m.group(1).lower()) for m in _MENTION.finditer(text)]


def domain_listed(host: str, domains: Iterable[str]) -> str | None:
    """The listed domain a host is, or is a subdomain of; None when it is on no list."""
    for listed in domains:
        domain = listed.strip().lower().removeprefix("www.")
        if domain and (host == domain or host.endswith("." + domain)):
            return domain
    return None

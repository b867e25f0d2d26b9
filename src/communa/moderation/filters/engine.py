"""`check_text`: every automatic check of R5.1 on one text, as pure functions (no database).

The caller (an action) passes the community's `FilterRules` and, for the checks that need the
author's past, a `TextHistory`; it then decides the outcome of each finding (publish, hide the
words, hold, reject) from the community's settings. The engine only reports.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final, Literal, NamedTuple

from communa.moderation.filters.language import detect_language, language_evidence
from communa.moderation.filters.lexicon import shipped_spam_domains
from communa.moderation.filters.links import (
    Link,
    domain_listed,
    find_link_spans,
    find_mentions,
)
from communa.moderation.filters.normalise import (
    RawToken,
    Variant,
    canonical,
    plain_tokens,
    token_variants,
    tokenise,
)
from communa.moderation.filters.obscene import find_obscene, mask_spans
from communa.moderation.filters.spam import TextHistory, is_near_duplicate

__all__ = ["CATEGORIES", "Category", "FilterResult", "FilterRules", "Finding", "check_text"]

Category = Literal[
    "obscene",
    "links",
    "link_farm",
    "spam_repeat",
    "spam_burst",
    "spam_domain",
    "mass_mentions",
    "stop_word",
]
CATEGORIES: Final[tuple[Category, ...]] = (
    "obscene",
    "links",
    "link_farm",
    "spam_repeat",
    "spam_burst",
    "spam_domain",
    "mass_mentions",
    "stop_word",
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class FilterRules:
    """One community's filter settings; the defaults are those of a new community."""

    check_obscene: bool = True
    links_allowed: bool = True
    # Hosts a community allows even when it bans links (its own site, its shop).
    allowed_link_domains: tuple[str, ...] = ()
    # A link farm: more than `max_links` links, or `farm_domains` distinct hosts in a text
    # with fewer than `farm_text_chars` characters outside its links.
    max_links: int = 3
    farm_domains: int = 3
    farm_text_chars: int = 120
    spam_domains: tuple[str, ...] = ()
    max_mentions: int = 5
    stop_words: tuple[str, ...] = ()
    repeat_window: timedelta = timedelta(hours=24)
    repeat_similarity: float = 0.8
    repeat_min_chars: int = 20
    new_account_hours: float = 72.0
    burst_window: timedelta = timedelta(minutes=10)
    burst_posts: int = 5
    detect_language: bool = True


class Finding(NamedTuple):
    """One reason a text may need attention: its category, a short detail and where it is."""

    category: Category
    detail: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class FilterResult:
    """What the checks found in a text, its language and the text with obscene words starred."""

    findings: tuple[Finding, ...]
    language: str | None
    masked_text: str
    categories: frozenset[Category] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", frozenset(f.category for f in self.findings))

    @property
    def clean(self) -> bool:
        """Whether no check found anything."""
        return not self.findings

    def finding(self, category: Category) -> Finding | None:
        """The finding of one category, if any."""
        return next((f for f in self.findings if f.category == category), None)


def check_text(
    text: str, *, rules: FilterRules, history: TextHistory | None = None
) -> FilterResult:
    """Run every check on a text: obscene words, links, spam, mentions and stop words."""
    findings: list[Finding] = []
    links = find_link_spans(text)
    mentions = find_mentions(text)
    findings.extend(_link_findings(text, links, rules))
    if len({name for _, _, name in mentions}) > rules.max_mentions:
        spans = tuple((start, end) for start, end, _ in mentions)
        findings.append(Finding("mass_mentions", str(len(mentions)), spans))

    # Words are read with links and mentions blanked out: a URL's path is not language.
    words_text = _blank(text, [(s, e) for s, e, *_ in links] + [(s, e) for s, e, _ in mentions])
    language = detect_language(words_text) if rules.detect_language else None
    tokens = tokenise(words_text)
    variants = [token_variants(t.text) for t in tokens]

    @functools.cache
    def context() -> frozenset[str]:
        return language_evidence(words_text, (v[0].text for v in variants if v), language)

    masked = text
    if rules.check_obscene:
        hits = find_obscene(words_text, tokens, variants, context)
        if hits:
            spans = tuple((h.start, h.end) for h in hits)
            langs = ",".join(sorted({h.entry.lang for h in hits}))
            findings.append(Finding("obscene", langs, spans))
            masked = mask_spans(text, spans)
    if rules.stop_words:
        found = _stop_words(tokens, variants, _compile_stop_words(tuple(rules.stop_words)))
        if found:
            words = ", ".join(sorted({w for w, _ in found}))
            findings.append(Finding("stop_word", words, tuple(s for _, s in found)))
    if history is not None:
        findings.extend(_history_findings(text, rules, history))
    return FilterResult(tuple(findings), language, masked)


def _blank(text: str, spans: Sequence[Span]) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _link_findings(text: str, links: Sequence[Link], rules: FilterRules) -> list[Finding]:
    if not links:
        return []
    findings = []
    spam = []
    for link in links:
        domain = domain_listed(link.host, shipped_spam_domains()) or domain_listed(
            link.host, rules.spam_domains
        )
        if domain:
            spam.append((link, domain))
    if spam:
        detail = ", ".join(sorted({d for _, d in spam}))
        findings.append(
            Finding("spam_domain", detail, tuple((link.start, link.end) for link, _ in spam))
        )
    if not rules.links_allowed:
        banned = [
            link for link in links if not domain_listed(link.host, rules.allowed_link_domains)
        ]
        if banned:
            detail = ", ".join(dict.fromkeys(link.host for link in banned))
            findings.append(
                Finding("links", detail, tuple((link.start, link.end) for link in banned))
            )
    hosts = {link.host for link in links}
    outside = len(text) - sum(link.end - link.start for link in links)
    if len(links) > rules.max_links or (
        len(hosts) >= rules.farm_domains and outside < rules.farm_text_chars
    ):
        detail = f"{len(links)} links, {len(hosts)} domains"
        findings.append(
            Finding("link_farm", detail, tuple((link.start, link.end) for link in links))
        )
    return findings


class _StopWords(NamedTuple):
    """Stop phrases indexed by their first word: whole words, and stems written with a star."""

    by_word: dict[str, list[tuple[str, tuple[str, ...]]]]
    by_stem: tuple[tuple[str, str, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=256)
def _compile_stop_words(stop_words: tuple[str, ...]) -> _StopWords:
    """Each stop word or phrase with its normalised words ("казино*" keeps its star: a stem)."""
    by_word: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    by_stem: list[tuple[str, str, tuple[str, ...]]] = []
    for phrase in stop_words:
        words = tuple(
            canonical(w) if w.endswith("*") else (plain_tokens(w) or [canonical(w)])[0]
            for w in phrase.split()
        )
        if not words or words[0] in ("", "*"):
            continue
        if words[0].endswith("*"):
            by_stem.append((words[0][:-1], phrase.strip(), words))
        else:
            by_word.setdefault(words[0], []).append((phrase.strip(), words))
    return _StopWords(by_word, tuple(by_stem))


def _word_matches(pattern: str, spellings: Sequence[Variant]) -> bool:
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return any(v.text.startswith(stem) for v in spellings)
    return any(v.text == pattern for v in spellings)


def _stop_words(
    tokens: Sequence[RawToken], variants: Sequence[Sequence[Variant]], compiled: _StopWords
) -> list[tuple[str, Span]]:
    found = []
    for index, spellings in enumerate(variants):
        candidates: list[tuple[str, tuple[str, ...]]] = []
        for variant in spellings:
            candidates.extend(compiled.by_word.get(variant.text, ()))
            for stem, phrase, words in compiled.by_stem:
                if variant.text.startswith(stem):
                    candidates.append((phrase, words))
        for phrase, words in candidates:
            end = index + len(words)
            if end > len(tokens):
                continue
            if all(_word_matches(w, variants[index + k]) for k, w in enumerate(words[1:], 1)):
                found.append((phrase, (tokens[index].start, tokens[end - 1].end)))
    return list(dict.fromkeys(found))


def _history_findings(text: str, rules: FilterRules, history: TextHistory) -> list[Finding]:
    findings = []
    earlier = history.recent_texts(rules.repeat_window)
    if earlier:
        score = is_near_duplicate(
            text, earlier, threshold=rules.repeat_similarity, min_chars=rules.repeat_min_chars
        )
        if score:
            findings.append(Finding("spam_repeat", f"{score:.2f}"))
    age = history.account_age_hours()
    if age is not None and age < rules.new_account_hours:
        count = history.recent_count(rules.burst_window)
        if count >= rules.burst_posts:
            findings.append(Finding("spam_burst", str(count)))
    return findings

"""Obscene words in a text, with their spans, and the text with those words starred out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from communa.moderation.filters.lexicon import Entry, Lexicon, obscene_lexicon
from communa.moderation.filters.normalise import RawToken, Variant, letter_runs, spelt_variants

__all__ = ["ObsceneHit", "find_obscene", "mask_spans"]


class ObsceneHit(NamedTuple):
    """An obscene word or phrase: where it is and which lexicon entry it matched."""

    start: int
    end: int
    entry: Entry


class _Context(NamedTuple):
    """What some entries need to know about the whole text: its languages, and if it shouts."""

    languages: Callable[[], frozenset[str]]
    shouting: bool


def _accepts(entry: Entry, variant: Variant, written: str, context: _Context) -> bool:
    if entry.disguised_only and not variant.disguised:
        return False
    if entry.nocap and written[:1].isupper() and not written.isupper():
        return False
    if entry.noupper and written.isupper() and not context.shouting:
        return False
    return not entry.gates or bool(entry.gates & context.languages())


def _match(
    lexicon: Lexicon,
    variants: Sequence[Variant],
    written: str,
    context: _Context,
) -> Entry | None:
    if variants and lexicon.allowed(variants[0].text):
        # An innocent word as written stays innocent in every other reading ("Ebbi", "Webb").
        return None
    for variant in variants:
        word = variant.text
        entry = lexicon.lookup_starred(word) if "*" in word else lexicon.lookup(word)
        if entry is not None and _accepts(entry, variant, written, context):
            return entry
    return None


def find_obscene(
    text: str,
    tokens: Sequence[RawToken],
    variants: Sequence[Sequence[Variant]],
    languages: Callable[[], frozenset[str]],
) -> list[ObsceneHit]:
    """Obscene words, phrases and letter-by-letter spellings among the text's tokens."""
    lexicon = obscene_lexicon()
    alphabetic = [c for c in text if c.isalpha()]
    shouting = bool(alphabetic) and sum(c.isupper() for c in alphabetic) > 0.6 * len(alphabetic)
    context = _Context(languages, shouting)
    hits: list[ObsceneHit] = []
    # Tokens already matched, and those of an innocent phrase, which are never flagged.
    taken: set[int] = set()
    innocent = lexicon.allow_phrases
    for index, token in enumerate(tokens):
        if index in taken:
            continue
        spellings = variants[index]
        if spellings and spellings[0].text in innocent:
            covered = _innocent_phrase_at(innocent[spellings[0].text], variants, index)
            if covered:
                taken.update(range(index, index + covered))
                continue
        entry = _match(lexicon, spellings, token.text, context)
        if entry is not None:
            hits.append(ObsceneHit(token.start, token.end, entry))
            taken.add(index)
    if lexicon.phrases:
        hits.extend(_phrases(text, lexicon, tokens, variants, taken=taken, context=context))
    for first, last, letters in letter_runs(list(tokens), text):
        if any(i in taken for i in range(first, last + 1)):
            continue
        entry = _match(lexicon, spelt_variants(letters), letters.lower(), context)
        if entry is not None:
            hits.append(ObsceneHit(tokens[first].start, tokens[last].end, entry))
            taken.update(range(first, last + 1))
    hits.sort()
    return hits


def _innocent_phrase_at(
    phrases: Sequence[tuple[str, ...]], variants: Sequence[Sequence[Variant]], index: int
) -> int:
    """How many tokens from `index` on make an innocent phrase written plainly (0 if none)."""
    for words in phrases:
        end = index + len(words)
        if end <= len(variants) and all(
            variants[index + k] and variants[index + k][0].text == word
            for k, word in enumerate(words[1:], 1)
        ):
            return len(words)
    return 0


def _ends_clause(text: str, end: int) -> bool:
    """Whether nothing but spaces stands between `end` and a punctuation mark or the end."""
    rest = text[end:].lstrip()
    return not rest or not rest[0].isalnum()


def _phrases(
    text: str,
    lexicon: Lexicon,
    tokens: Sequence[RawToken],
    variants: Sequence[Sequence[Variant]],
    *,
    taken: set[int],
    context: _Context,
) -> list[ObsceneHit]:
    hits = []
    spellings: dict[int, dict[str, bool]] = {}
    for index in range(len(tokens)):
        for variant in variants[index]:
            candidates = lexicon.phrases.get(variant.text)
            if not candidates:
                continue
            for words, entry in candidates:
                end = index + len(words)
                if end > len(tokens) or any(i in taken for i in range(index, end)):
                    continue
                disguised = variant.disguised
                matched = True
                for offset, word in enumerate(words[1:], start=1):
                    spelled = spellings.get(index + offset)
                    if spelled is None:
                        spelled = {v.text: v.disguised for v in variants[index + offset]}
                        spellings[index + offset] = spelled
                    if word not in spelled:
                        matched = False
                        break
                    disguised = disguised or spelled[word]
                if not matched:
                    continue
                if entry.clause_end and not _ends_clause(text, tokens[end - 1].end):
                    continue
                probe = Variant(entry.word, disguised)
                if _accepts(entry, probe, tokens[index].text, context):
                    hits.append(ObsceneHit(tokens[index].start, tokens[end - 1].end, entry))
                    taken.update(range(index, end))
                    break
    return hits


def mask_spans(text: str, spans: Sequence[tuple[int, int]], mark: str = "*") -> str:
    """The text with every non-space character inside the spans replaced by `mark`."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = mark
    return "".join(chars)

"""Tokens of a text with their spans, and the spellings a disguised word may stand for.

A writer hides an obscene word by swapping letters for digits or symbols (`f4ck`, `$hit`,
`п1здец`), by mixing look-alike Latin and Cyrillic letters (`cyka`, `xyй`, `пuдор`), by
repeating letters (`fuuuck`), by separating the letters (`f.u.c.k`, `х-у-й`, `с у к а`) or
by starring some out (`п*здец`). `token_variants` turns one written token into the few
normalised spellings it may stand for; the lexicon compares each of them with its entries as
whole words, so an innocent word that merely contains a bad substring stays innocent.

Normalised spelling: lower case; Cyrillic `ё` and `є` read as `е`, `і` as `и`, `ґ` as `г`
(Ukrainian and Russian spellings meet); Vietnamese keeps its tone marks (`lồn` and `lớn` differ).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Final, NamedTuple

__all__ = [
    "RawToken",
    "Variant",
    "canonical",
    "fingerprint",
    "has_cyrillic",
    "letter_runs",
    "plain_reading",
    "plain_tokens",
    "spelt_variants",
    "token_variants",
    "tokenise",
]


class RawToken(NamedTuple):
    """A word as written, with its place in the text."""

    start: int
    end: int
    text: str


class Variant(NamedTuple):
    """One normalised spelling of a token; `disguised` when digits, symbols or separators
    made it."""

    text: str
    disguised: bool


# Letters, digits, the symbols that stand for letters, and separators between them.
_LEET_CHARS = "@$!|*<"
_SEPARATORS = ".-_'’ʼ`·"
_TOKEN = re.compile(
    rf"[\w{re.escape(_LEET_CHARS)}]+(?:[{re.escape(_SEPARATORS)}]+[\w{re.escape(_LEET_CHARS)}]+)*"
)
_SEPARATOR_RUN = re.compile(rf"[{re.escape(_SEPARATORS)}]+")
_APOSTROPHES = re.compile("['’ʼ`]+")
_EDGE_SYMBOLS = _LEET_CHARS + _SEPARATORS
_DOUBLE = re.compile(r"(.)\1")
_TRIPLE_OR_MORE = re.compile(r"(.)\1{2,}")
_RUN = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff]")

_CYRILLIC_FOLD: Final = str.maketrans({"ё": "е", "є": "е", "і": "и", "ґ": "г"})

# Latin letters, digits and symbols read as Cyrillic inside a Cyrillic word ("пuдор", "3аебал").
_TO_CYRILLIC: Final[dict[str, tuple[str, ...]]] = {
    "a": ("а",), "b": ("в",), "c": ("с",), "e": ("е",), "h": ("н",), "i": ("и",),
    "k": ("к",), "m": ("м",), "n": ("п",), "o": ("о",), "p": ("р",), "r": ("г",),
    "t": ("т",), "u": ("и",), "x": ("х",), "y": ("у",), "0": ("о",), "1": ("и",),
    "3": ("з", "е"), "4": ("ч", "а"), "6": ("б",), "@": ("а",), "$": ("с",),
}  # fmt: skip
# Letters that look the same in both scripts: an all-Latin word made only of them may be
# Russian typed with Latin keys ("cyka" is "сука").
_LOOKALIKE_LATIN: Final = frozenset("acehkmoptxyb") | frozenset("0136")
# Cyrillic letters read as Latin inside a Latin word ("fuсk" with a Cyrillic с).
_TO_LATIN: Final = str.maketrans(
    {"а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
     "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d"}
)  # fmt: skip
# Digits and symbols read as Latin letters ("f4ck", "$hit", "sh!t", "b1tch").
_TO_LATIN_LEET: Final[dict[str, tuple[str, ...]]] = {
    "0": ("o",), "1": ("i", "l"), "3": ("e",), "4": ("a",), "5": ("s",), "7": ("t",),
    "8": ("b",), "@": ("a",), "$": ("s",), "!": ("i",), "|": ("i", "l"),
}  # fmt: skip

_MAX_VARIANTS = 8
# "motherfucker" is the longest word anyone spells letter by letter; a longer window would
# only cost time (a text of a thousand single letters must stay cheap to check).
_LONGEST_SPELT_WORD = 12


def canonical(word: str) -> str:
    """The normalised spelling of a plain word (entries of the lexicons go through it too)."""
    word = word.lower()
    if _CYRILLIC.search(word):
        word = word.translate(_CYRILLIC_FOLD)
    return word


def plain_reading(word: str) -> str:
    """A word written with symbols or separators ("a$$", "sh1t", "a-hole") as plain letters."""
    word = _SEPARATOR_RUN.sub("", canonical(word))
    if word.isalpha():
        return word
    table = _TO_CYRILLIC if _CYRILLIC.search(word) else _TO_LATIN_LEET
    return canonical("".join(table.get(c, (c,))[0] for c in word))


def has_cyrillic(text: str) -> bool:
    """Whether the text has any Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


def tokenise(text: str) -> list[RawToken]:
    """Every word-like run of the text, separators inside a word included (`f.u.c.k`)."""
    return [RawToken(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def plain_tokens(text: str) -> list[str]:
    """The normalised words of a text, without disguise handling (for stop words and context)."""
    out = []
    for token in tokenise(text):
        word = canonical(token.text.strip(_EDGE_SYMBOLS))
        if word:
            out.append(word)
    return out


def _expand(word: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """All readings of a word whose characters may each stand for one of several letters."""
    readings = [""]
    for char in word:
        choices = table.get(char)
        if choices is None:
            readings = [r + char for r in readings]
        else:
            readings = [r + c for r in readings for c in choices][:_MAX_VARIANTS]
    return readings


def _with_squeezed(words: list[str]) -> Iterator[str]:
    """Each word, then with long runs cut to two letters, then with every run cut to one."""
    for word in words:
        yield word
        if _DOUBLE.search(word):
            yield _TRIPLE_OR_MORE.sub(r"\1\1", word)
            yield _RUN.sub(r"\1", word)


def token_variants(raw: str) -> list[Variant]:
    """The normalised spellings a written token may stand for, the plain one first."""
    lowered = raw.lower().replace("|<", "k")
    core = lowered.strip(_EDGE_SYMBOLS)
    if lowered.endswith("**") and not lowered.startswith("*"):
        # "f***", "đ**", "б***": letters starred out at the end (one star is a footnote and
        # stars on both sides are Markdown emphasis).
        core = lowered.lstrip(_EDGE_SYMBOLS).rstrip(_SEPARATORS + "!")
    if not core:
        return []
    if (
        core.isalpha()
        and "ʼ" not in core
        and not _DOUBLE.search(core)
        and lowered.strip(_SEPARATORS + "!*<") == core
    ):
        return _plain_word_variants(core)
    out: dict[str, bool] = {}
    plain = canonical(core)
    out[plain] = False
    # Inner symbols may stand for letters ("a$$hole"); edge symbols too ("$hit").
    candidates = [lowered.strip(_SEPARATORS + "!*<"), core]
    if not _CYRILLIC.search(core):
        # An apostrophe in a Latin word ends it ("who're", "Shi'ite"); Ukrainian keeps it
        # inside words ("з'їбав").
        candidates = [piece for c in candidates for piece in _APOSTROPHES.split(c) if piece]
    joined_forms = []
    for candidate in candidates:
        joined = _SEPARATOR_RUN.sub("", candidate)
        if joined:
            joined_forms.append(joined)
    if _SEPARATOR_RUN.search(core):
        for part in _SEPARATOR_RUN.split(core):
            if len(part) >= 2:
                out.setdefault(canonical(part), False)
    for reading in _with_squeezed([r for joined in joined_forms for r in _readings(joined)]):
        word = canonical(reading)
        if word and word not in out:
            out[word] = True
    return [Variant(text, disguised) for text, disguised in out.items()]


def _plain_word_variants(word: str) -> list[Variant]:
    """The common case: letters only, no repeats; maybe typed in the other script's keys."""
    plain = Variant(canonical(word), False)
    if word.isascii() and len(word) >= 3 and all(c in _LOOKALIKE_LATIN for c in word):
        return [plain, *_cyrillic_readings(word)]
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return [plain, *_mixed_readings(word)]
    return [plain]


def _readings(joined: str) -> list[str]:
    """What a word with digits, symbols or mixed scripts may read as, in either script."""
    if _CYRILLIC.search(joined):
        readings = _expand(joined, _TO_CYRILLIC)
        if _LATIN.search(joined):
            readings.append(joined.translate(_TO_LATIN))
        return readings
    readings = _expand(joined, _TO_LATIN_LEET)
    if (
        joined.isascii()
        and len(joined) >= 3
        and all(c in _LOOKALIKE_LATIN for c in joined)
        and not joined.isdigit()
    ):
        readings.extend(_expand(joined, _TO_CYRILLIC))
    return readings


def spelt_variants(letters: str) -> list[Variant]:
    """The readings of a word spelt letter by letter: as written, and with repeats squeezed."""
    word = canonical(letters)
    return [Variant(w, True) for w in dict.fromkeys(_with_squeezed([word]))]


def _cyrillic_readings(word: str) -> list[Variant]:
    return [Variant(canonical(r), True) for r in _expand(word, _TO_CYRILLIC)]


def _mixed_readings(word: str) -> list[Variant]:
    readings = [*_expand(word, _TO_CYRILLIC), word.translate(_TO_LATIN)]
    return [Variant(canonical(r), True) for r in _with_squeezed(readings)]


def letter_runs(tokens: list[RawToken], text: str) -> Iterator[tuple[int, int, str]]:
    """Words spelt letter by letter ("с у к а", "F U C K"): (first token, last token, letters).

    Yields every window of three or more single letters in a row whose gaps are short
    separators, so "й с у к а" also yields "сука".
    """
    run: list[int] = []

    def windows() -> Iterator[tuple[int, int, str]]:
        if len(run) < 3:
            return
        letters = [tokens[i].text for i in run]
        for size in range(min(len(run), _LONGEST_SPELT_WORD), 2, -1):
            for first in range(len(run) - size + 1):
                yield run[first], run[first + size - 1], "".join(letters[first : first + size])

    for index, token in enumerate(tokens):
        single = len(token.text) == 1 and token.text.isalpha()
        if single and run:
            gap = text[tokens[run[-1]].end : token.start]
            if len(gap) > 3 or any(c.isalnum() for c in gap):
                yield from windows()
                run = []
        if single:
            run.append(index)
        else:
            yield from windows()
            run = []
    yield from windows()


_NON_WORD = re.compile(r"[\W_]+")


def fingerprint(text: str) -> str:
    """A text reduced for near-duplicate comparison: letters and digits, no marks or repeats."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_CYRILLIC_FOLD).replace("đ", "d")
    text = _NON_WORD.sub(" ", text)
    return _RUN.sub(r"\1", text).strip()

"""Tokens of a text with their spans, and the spellings a disguised word may stand for.

A writer hides an obscene word by swapping letters for digits or symbols (`f4ck`, `$hit`,
`п1здец`, `п!зда`, `бл9дь`), by mixing look-alike Latin and Cyrillic letters (`cyka`, `xyй`,
`пuдор`) or Latin letters that only sound alike into a Cyrillic word (`пиzдец`, `бляdь`), by
repeating letters (`fuuuck`), by separating the letters (`f.u.c.k`, `х-у-й`, `с у к а`) or
by starring some out (`п*здец`). `token_variants` turns one written token into the few
normalised spellings it may stand for; the lexicon compares each of them with its entries as
whole words, so an innocent word that merely contains a bad substring stays innocent.

Normalised spelling: lower case; Cyrillic `ё` and `є` read as `е`, `і` as `и`, `ґ` as `г`
(Ukrainian and Russian spellings meet); Vietnamese keeps its tone marks (`lồn` and `lớn` differ).

Codes are not words: a hexadecimal run of letters and digits (an order number `e8a7b5c2`, a
UUID, a hash, a colour `#b1ad00`) is read only as written, and three or more digits in a row
(`HU1220`) stay digits, so a code never reads as a transliterated obscene word.
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
    "has_latin",
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
# What a word may carry around it without being disguised: "word!", "*word*", "-word-".
_STRIPPED = _SEPARATORS + "!*<"
_DOUBLE = re.compile(r"(.)\1")
_TRIPLE_OR_MORE = re.compile(r"(.)\1{2,}")
_RUN = re.compile(r"(.)\1+")
_combining = unicodedata.combining
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff]", re.IGNORECASE)

_CYRILLIC_FOLDS: Final = {"ё": "е", "є": "е", "і": "и", "ґ": "г"}
_CYRILLIC_FOLD: Final = str.maketrans(_CYRILLIC_FOLDS)
# The same letters for a fingerprint, and đ: replace() scans in C, where translate() looks every
# letter of a non-ASCII text up in a dict (0.6 against 3.6 µs a comment).
_FINGERPRINT_FOLDS: Final = (*_CYRILLIC_FOLDS.items(), ("đ", "d"))

# Latin letters, digits and symbols read as Cyrillic inside a Cyrillic word ("пuдор", "3аебал").
_TO_CYRILLIC: Final[dict[str, tuple[str, ...]]] = {
    "a": ("а",), "b": ("в",), "c": ("с",), "e": ("е",), "h": ("н",), "i": ("и",),
    "k": ("к",), "m": ("м",), "n": ("п",), "o": ("о",), "p": ("р",), "r": ("г",),
    "t": ("т",), "u": ("и",), "x": ("х",), "y": ("у",), "0": ("о",), "1": ("и",),
    "3": ("з", "е"), "4": ("ч", "а"), "6": ("б",), "@": ("а",), "$": ("с",),
}  # fmt: skip
# Inside a Cyrillic word, Latin letters, digits and symbols that look like no Cyrillic letter
# stand for the one they sound like ("пиzдец", "бляdь", "п!зда", "бл@дь", "бл9дь"). A letter
# with a look-alike keeps that reading alone (a stray Latin "u" in "сухuй" is "сухий", not
# "сухуй"); "b" is both ("bля"). Only short Latin runs are read so: a run of four or more Latin
# letters is a brand or a loanword with a Cyrillic ending ("eBay-продавец", "Zoom-е") and keeps
# the look-alike table.
_SOUND_ALIKE: Final[dict[str, tuple[str, ...]]] = {
    "b": ("в", "б"), "d": ("д",), "f": ("ф",), "g": ("г",), "j": ("й",), "l": ("л",),
    "s": ("с",), "v": ("в",), "w": ("ш",), "z": ("з",), "9": ("я",), "!": ("и",),
    "@": ("а", "я"),
}  # fmt: skip
_IN_CYRILLIC: Final[dict[str, tuple[str, ...]]] = {**_TO_CYRILLIC, **_SOUND_ALIKE}
_LONG_LATIN_RUN = 4
_LATIN_RUN = re.compile(r"[a-z]+")
# Three or more digits in a row are a number (a model, a year, a price), never letters.
_DIGIT_RUN = re.compile(r"\d{3,}")
# A hexadecimal code: an order number, a hash, a UUID, a colour ("#b1ad00", "0x3e6a").
_HEX_CODE = re.compile(r"(?:0x)?(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{4,}")
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


def has_latin(text: str) -> bool:
    """Whether the text has any Latin letter, marked or not, in either case."""
    return _LATIN.search(text) is not None


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
    if not word.isalpha():
        return _expand_with(word, [table] * len(word))
    readings = [""]
    for char in word:
        choices = table.get(char)
        if choices is None:
            readings = [r + char for r in readings]
        else:
            readings = [r + c for r in readings for c in choices][:_MAX_VARIANTS]
    return readings


def _expand_in_cyrillic(word: str) -> list[str]:
    """The readings of a word with Cyrillic letters: short Latin runs may sound alike."""
    tables = [_IN_CYRILLIC] * len(word)
    for run in _LATIN_RUN.finditer(word):
        if run.end() - run.start() >= _LONG_LATIN_RUN:
            tables[run.start() : run.end()] = [_TO_CYRILLIC] * (run.end() - run.start())
    return _expand_with(word, tables)


def _expand_with(word: str, tables: list[dict[str, tuple[str, ...]]]) -> list[str]:
    numbers = {i for run in _DIGIT_RUN.finditer(word) for i in range(run.start(), run.end())}
    readings = [""]
    for index, char in enumerate(word):
        choices = None if index in numbers else tables[index].get(char)
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
    if core.isalpha():
        if "ʼ" not in core and not _DOUBLE.search(core) and lowered.strip(_STRIPPED) == core:
            variants = _plain_word_variants(core)
            return _with_latin_kh(variants) if "kh" in core else variants
    elif core.isdigit() or _HEX_CODE.fullmatch(
        core if core.isalnum() else _SEPARATOR_RUN.sub("", core)
    ):
        # A number or a code: nothing to read into it.
        return [Variant(canonical(core), False)]
    out: dict[str, bool] = {}
    plain = canonical(core)
    out[plain] = False
    # Inner symbols may stand for letters ("a$$hole"); edge symbols too ("$hit").
    candidates = [lowered.strip(_STRIPPED), core]
    if not _CYRILLIC.search(core):
        # An apostrophe in a Latin word ends it ("who're", "Shi'ite"); Ukrainian keeps it
        # inside words ("з'їбав").
        candidates = [piece for c in candidates for piece in _APOSTROPHES.split(c) if piece]
    joined_forms = []
    for candidate in candidates:
        joined = _SEPARATOR_RUN.sub("", candidate)
        if joined:
            joined_forms.append(joined)
    readings = [r for joined in joined_forms for r in _readings(joined)]
    if joined_forms and _SEPARATOR_RUN.search(core):
        readings.extend(_separated(core, joined_forms[-1], out))
    for reading in _with_squeezed(readings):
        word = canonical(reading)
        if word and word not in out:
            out[word] = True
    variants = [Variant(text, disguised) for text, disguised in out.items()]
    return _with_latin_kh(variants) if "kh" in core else variants


def _separated(core: str, joined: str, out: dict[str, bool]) -> list[str]:
    """A token with separators: each part of two letters or more is a word of its own (added
    to `out` as written); the returned readings are those of a Latin word spelt out letter by
    letter, which may be Russian read by sound ("n.i.z.d.e.c")."""
    parts = _SEPARATOR_RUN.split(core)
    for part in parts:
        if len(part) >= 2:
            out.setdefault(canonical(part), False)
    if core.isascii() and all(len(part) == 1 for part in parts):
        # Nobody spells out "e-book" like that, so the sound-alike table is safe here.
        return _expand_with(joined, [_IN_CYRILLIC] * len(joined))
    return []


def _with_latin_kh(variants: list[Variant]) -> list[Variant]:
    """Add the readings with "kh" as "h": the standard transliteration of Ukrainian and Russian
    `х` ("khuy", "nakhui") meets the informal one the lexicon lists ("huy", "nahui")."""
    seen = {v.text for v in variants}
    extra = []
    for variant in variants:
        if "kh" in variant.text and variant.text.isascii():
            reading = variant.text.replace("kh", "h")
            if reading not in seen:
                seen.add(reading)
                extra.append(Variant(reading, variant.disguised))
    return [*variants, *extra]


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
        readings = _expand_in_cyrillic(joined)
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
    readings = [*_expand_in_cyrillic(word), word.translate(_TO_LATIN)]
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
    text = "".join([c for c in text if not _combining(c)])
    for letter, reading in _FINGERPRINT_FOLDS:
        text = text.replace(letter, reading)
    text = _NON_WORD.sub(" ", text)
    return _RUN.sub(r"\1", text).strip()

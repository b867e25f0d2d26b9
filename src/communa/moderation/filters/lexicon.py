"""The obscene-word lexicons: shipped files per language plus a maintained package's English list.

Read once per process (`obscene_lexicon()`), then each normalised token is looked up with a
handful of dictionary probes: whole words, stems, roots anywhere, and stems after Russian and
Ukrainian word prefixes (`на-`, `за-`, `от(ъ)-`...). The file syntax is in `lexicons/README.md`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from communa.moderation.filters.normalise import canonical, plain_reading

__all__ = ["LANGUAGES", "Entry", "Lexicon", "obscene_lexicon"]

LANGUAGES: Final = ("ru", "uk", "en", "vi", "ms")
LEXICON_DIR: Final = Path(__file__).with_name("lexicons")


def _words(text: str) -> list[str]:
    """The words of a space-separated list."""
    return text.split()


# Word prefixes of Russian and Ukrainian (already normalised: і reads as и), and their Latin
# spellings in transliterated Russian and Ukrainian (`vid-`, `pid-`, `roz-`, `pry-`).
_CYRILLIC_PREFIXES: Final = _words(
    "на за по при про пере недо до вы у о об обо от ото раз разо рас роз рос с со из изо ис под "
    "подо над надо в во вз взо вс без бес пре ни вид ви пид з"
)
_LATIN_PREFIXES: Final = _words(
    "na za po pro pere nedo do vy u o ot s v raz pod iz ob vid pid roz z nad pry"
)
_VOWELS: Final = frozenset("аеиоуыэюяaeiouy")
_HARD_SIGNS: Final = ("ъ", "ь", "'", "y")


def _chains(prefixes: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Strings made of one or two prefixes: any of them, and those a vowel root may follow."""
    singles = set(prefixes)
    doubles = {a + b for a in prefixes for b in prefixes}
    chains = singles | doubles
    before_vowel = {c for c in chains if c[-1] in _VOWELS}
    before_vowel |= {c + sign for c in chains if c[-1] not in _VOWELS for sign in _HARD_SIGNS}
    return frozenset(chains), frozenset(before_vowel)


_ANY_CHAIN, _VOWEL_CHAIN = _chains(_CYRILLIC_PREFIXES + _LATIN_PREFIXES)
_ALL_CHAINS: Final = _ANY_CHAIN | _VOWEL_CHAIN
_LONGEST_CHAIN: Final = max(len(c) for c in _ALL_CHAINS)


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: the word or stem, its language and when it applies."""

    word: str
    lang: str
    gates: frozenset[str] = frozenset()
    nocap: bool = False
    noupper: bool = False
    disguised_only: bool = False
    # A phrase that counts only where a clause ends after it ("con cac!" but not "con cac ban",
    # còn các bạn: and you all).
    clause_end: bool = False


@dataclass(slots=True)
class Lexicon:
    """Entries indexed for lookups by normalised token."""

    exact: dict[str, Entry] = field(default_factory=dict)
    stems: dict[str, Entry] = field(default_factory=dict)
    roots: dict[str, Entry] = field(default_factory=dict)
    prefixed: dict[str, Entry] = field(default_factory=dict)
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = field(default_factory=dict)
    # Innocent phrases by their first word: "vai lon bia" (a few cans of beer) is not
    # "vãi lồn" followed by a word.
    allow_phrases: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    allow_exact: set[str] = field(default_factory=set)
    allow_stems: tuple[str, ...] = ()
    stem_lengths: tuple[int, ...] = ()
    prefixed_lengths: tuple[int, ...] = ()
    roots_pattern: re.Pattern[str] | None = None

    def add_line(self, line: str, lang: str) -> None:
        """Add one line of a lexicon file (see lexicons/README.md)."""
        line = line.split("#", 1)[0].strip()
        if not line:
            return
        flags: set[str] = set()
        if line.endswith("]") and "[" in line:
            line, _, flag_text = line[:-1].rpartition("[")
            line = line.strip()
            flags = {f.strip() for f in flag_text.split(",") if f.strip()}
        gates = frozenset(flags & set(LANGUAGES))
        if line.startswith("!") and " " in line:
            words = tuple(canonical(w) for w in line[1:].split())
            self.allow_phrases.setdefault(words[0], []).append(words)
            return
        if line.startswith("!"):
            word = canonical(line[1:])
            if word.endswith("*"):
                self.allow_stems = (*self.allow_stems, word[:-1])
            else:
                self.allow_exact.add(word)
            return
        if " " in line:
            words = tuple(canonical(w) for w in line.split())
            entry = Entry(
                " ".join(words),
                lang,
                gates,
                nocap="nocap" in flags,
                noupper="noupper" in flags,
                disguised_only="disguised" in flags,
                clause_end="end" in flags,
            )
            self.phrases.setdefault(words[0], []).append((words, entry))
            return
        if line.startswith("*") and line.endswith("*"):
            table, word = self.roots, line[1:-1]
        elif line.startswith("+") and line.endswith("*"):
            table, word = self.prefixed, line[1:-1]
        elif line.endswith("*"):
            table, word = self.stems, line[:-1]
        else:
            table, word = self.exact, plain_reading(line)
        word = canonical(word)
        entry = Entry(
            word,
            lang,
            gates,
            nocap="nocap" in flags,
            noupper="noupper" in flags,
            disguised_only="disguised" in flags,
        )
        # The first language to define a word keeps it (its flags win over a package's list).
        table.setdefault(word, entry)

    def seal(self) -> None:
        """Index lengths and compile the root pattern once every entry is in."""
        # The longest phrase first: "du ma may" is masked whole, not as "du ma" and "may".
        for candidates in self.phrases.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))
        for innocent in self.allow_phrases.values():
            innocent.sort(key=lambda words: -len(words))
        self.stem_lengths = tuple(sorted({len(s) for s in self.stems}))
        self.prefixed_lengths = tuple(sorted({len(s) for s in self.prefixed}))
        if self.roots:
            alternatives = "|".join(re.escape(r) for r in sorted(self.roots, key=len, reverse=True))
            self.roots_pattern = re.compile(alternatives)

    def allowed(self, word: str) -> bool:
        """Whether a normalised word is on the allow-list of innocent words."""
        return word in self.allow_exact or bool(
            self.allow_stems and word.startswith(self.allow_stems)
        )

    def lookup(self, word: str) -> Entry | None:
        """The entry a normalised word matches, or None (innocent words on the allow-list too)."""
        if self.allowed(word):
            return None
        entry = self.exact.get(word)
        if entry is not None:
            return entry
        size = len(word)
        for length in self.stem_lengths:
            if length > size:
                break
            entry = self.stems.get(word[:length])
            if entry is not None:
                return entry
        if self.roots_pattern is not None:
            found = self.roots_pattern.search(word)
            if found is not None:
                return self.roots[found.group()]
        return self._lookup_prefixed(word)

    def _lookup_prefixed(self, word: str) -> Entry | None:
        size = len(word)
        for start in range(min(_LONGEST_CHAIN, size - 2) + 1):
            chain = word[:start]
            if start and chain not in _ALL_CHAINS:
                continue
            for length in self.prefixed_lengths:
                if start + length > size:
                    break
                entry = self.prefixed.get(word[start : start + length])
                if entry is None:
                    continue
                if start and entry.word[0] in _VOWELS and entry.word[0] != "y":
                    if chain not in _VOWEL_CHAIN:
                        continue
                elif start and chain not in _ANY_CHAIN:
                    continue
                return entry
        return None

    def lookup_starred(self, word: str) -> Entry | None:
        """The entry a word with letters starred out ("п*здец", "f**k") stands for, if any."""
        letters = sum(1 for c in word if c != "*")
        if letters < 1 or len(word) < 3 or word.count("*") > 3:
            return None
        tables: tuple[tuple[dict[str, Entry], bool, bool], ...] = (
            (self.exact, True, False),
            (self.stems, False, False),
            (self.prefixed, False, False),
            (self.roots, False, True),
        )
        for table, whole, anywhere in tables:
            for key, entry in table.items():
                if entry.gates or entry.disguised_only or len(key) < 3:
                    continue
                if whole and len(key) != len(word):
                    continue
                offsets = range(len(word) - len(key) + 1) if anywhere else (0,)
                for offset in offsets:
                    if _starred_match(word, key, offset):
                        return entry
        return None


def _starred_match(word: str, key: str, offset: int) -> bool:
    if offset + len(key) > len(word):
        return False
    starred = False
    for index, char in enumerate(key):
        written = word[offset + index]
        if written == "*":
            starred = True
        elif written != char:
            return False
    return starred


def _read_file(lexicon: Lexicon, path: Path, lang: str) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        lexicon.add_line(line, lang)


def _package_english_words() -> list[str]:
    """Single-word entries of glin-profanity's English list, read from the installed package."""
    spec = importlib.util.find_spec("glin_profanity")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "data/dictionaries/english.json"
    if not path.exists():
        return []
    words = json.loads(path.read_text(encoding="utf-8")).get("words", [])
    return [w.strip() for w in words if isinstance(w, str) and w.strip() and " " not in w]


@functools.cache
def obscene_lexicon() -> Lexicon:
    """The lexicon of all five languages, built once per process."""
    lexicon = Lexicon()
    for lang in LANGUAGES:
        _read_file(lexicon, LEXICON_DIR / f"{lang}.txt", lang)
    excluded = {
        canonical(line.split("#", 1)[0].strip())
        for line in (LEXICON_DIR / "en-package-exclude.txt").read_text("utf-8").splitlines()
    }
    for word in _package_english_words():
        if canonical(word) in excluded:
            continue
        reading = plain_reading(word)
        if reading in excluded or not any(c.isalpha() for c in reading):
            continue
        lexicon.exact.setdefault(reading, Entry(reading, "en"))
    lexicon.seal()
    return lexicon


@functools.cache
def shipped_spam_domains() -> frozenset[str]:
    """The small shipped list of abuse domains (IP loggers), lower case."""
    path = LEXICON_DIR / "spam-domains.txt"
    lines = (line.split("#", 1)[0].strip().lower() for line in path.read_text("utf-8").splitlines())
    return frozenset(line for line in lines if line)

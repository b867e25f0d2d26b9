"""The language of a short text among the five the platform speaks, and language evidence for gates.

lingua-language-detector (Rust, statistical n-gram models) restricted to Russian, Ukrainian,
English, Vietnamese and Malay, built once per process with its models preloaded: 40 µs a short
text in high-accuracy mode on this machine, at about 140 MB of memory for the five models
(figures and the comparison with low-accuracy mode: docs/performance.md, docs/adr/0005).
Indonesian is left out on purpose: a Malay text would too often come back as Indonesian, and
the platform has no Indonesian interface to offer.

A text whose letters leave no doubt is answered without the models (`_by_letters`): Cyrillic
with letters only Ukrainian has (і, ї, є, ґ) in a quarter of its words and none only Russian
has (ы, э, ъ, ё) is Ukrainian, and the other way round Russian; Latin with marked letters in two
thirds of its words and letters only Vietnamese has in a third is Vietnamese. Under load the
models cost a comment about 0.3 ms (their 140 MB are cold between requests); these rules a few
µs. On every sentence of the platform's source articles and demo texts they decided, they gave
the models' answer (docs/performance.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from communa.moderation.filters.normalise import has_cyrillic, has_latin

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["detect_language", "language_evidence"]


def _words(text: str) -> list[str]:
    """The words of a space-separated list."""
    return text.split()


_NOT_LETTERS = re.compile(r"[\d_\W]+")
_VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũõẽã]", re.IGNORECASE
)
_UKRAINIAN_LETTERS = re.compile(r"[іїєґ]", re.IGNORECASE)
_RUSSIAN_LETTERS = re.compile(r"[ыэъё]", re.IGNORECASE)
# Latin letters with a mark, and those of them only Vietnamese writes (no â, ê, ô, ã, õ: French
# and Portuguese have them too).
_MARKED_LATIN = re.compile(r"[\u00c0-\u00ff\u0100-\u024f\u1e00-\u1eff]", re.IGNORECASE)
_ONLY_VIETNAMESE = re.compile(
    "[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ]", re.IGNORECASE
)

# Common words that show the language of a text written in Latin letters: Russian and
# Ukrainian in transliteration, Vietnamese without its tone marks, Malay, English.
_MARKERS: Final[dict[str, frozenset[str]]] = {
    "ru": frozenset(
        _words(
            "eto kak chto ne ty ya mne vse kogda opyat budet prosto tebya menya kakoy kakaya "
            "nu net ochen voobshe zabyl rabotaet vam nas tut uzhe eshche so svoimi pravila "
            "dostavka skidka ochered mozhno etot etih idi pishet tebe vas kto gde seychas "
            "segodnya zavtra pochemu opyat blin poshel poshol sovsem vsyo vsye otsyuda syuda"
        )
    ),
    "uk": frozenset(
        _words(
            "koly bude tse znovu tsi meni vashi yakyis pratsiuie chesne slovo zi svoimy cherha "
            "znyzhka idy tsei tsey tsia tsiu shcho vzhe mene tebe yak yaka yakyi yakas duzhe "
            "chomu sohodni zavtra teper zaraz vin vona vony yikh dlia bulo treba nichoho "
            "pishov sobi svoi nareshti yakoho iakoho"
        )
    ),
    "vi": frozenset(
        _words(
            "tao thang khong roi minh vay nha nhe cua giao cham xoa ngu nhu tien quen hieu biet "
            "het nguoi duoc troi oi dep ngon dat mua lam bai hang cai nua luon cung nhung thi "
            "voi chua toi tui chet nao giup gium nhieu kieu hom thay muon phai khi vao dien"
        )
    ),
    "ms": frozenset(
        _words(
            "saya kau aku ni tu lah betul sangat gila nak tak dah yang dengan untuk punya je ini "
            "itu dan hujan lagi lambat orang kedai barang korang awak mak"
        )
    ),
    "en": frozenset(
        _words(
            "the is you this what and my your are of to it for me on that with not was have off up"
        )
    ),
}

_CODES: Final = {
    "RUSSIAN": "ru",
    "UKRAINIAN": "uk",
    "ENGLISH": "en",
    "VIETNAMESE": "vi",
    "MALAY": "ms",
}


@functools.cache
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _CODES]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language among ru, uk, en, vi, ms; None without words."""
    letters = _NOT_LETTERS.sub(" ", text).strip()
    if len(letters) < 2:
        return None
    known = _by_letters(letters)
    if known is not None:
        return known
    language = _detector().detect_language_of(letters)
    return _CODES.get(language.name) if language is not None else None


def _share(pattern: re.Pattern[str], words: list[str]) -> int:
    return sum(1 for word in words if pattern.search(word))


def _by_letters(letters: str) -> str | None:
    """The language the letters alone show beyond doubt; None when the models must decide."""
    words = letters.split()
    if not words:
        return None
    if not has_cyrillic(letters):
        return _vietnamese_by_letters(words)
    if has_latin(letters):
        return None
    ukrainian = _share(_UKRAINIAN_LETTERS, words)
    russian = _share(_RUSSIAN_LETTERS, words)
    if ukrainian and not russian and 4 * ukrainian >= len(words):
        return "uk"
    if russian and not ukrainian and 4 * russian >= len(words):
        return "ru"
    return None


def _vietnamese_by_letters(words: list[str]) -> str | None:
    if 3 * _share(_MARKED_LATIN, words) < 2 * len(words):
        return None  # most Latin texts: no second look
    return "vi" if 3 * _share(_ONLY_VIETNAMESE, words) >= len(words) else None


def language_evidence(text: str, words: Iterable[str], detected: str | None) -> frozenset[str]:
    """Every language the text shows signs of: its script, its letters, its words, the detector."""
    found = set()
    if detected:
        found.add(detected)
    if has_cyrillic(text):
        found.update(("ru", "uk"))
    if _UKRAINIAN_LETTERS.search(text):
        found.add("uk")
    if _VIETNAMESE_LETTERS.search(text):
        found.add("vi")
    for word in words:
        for code, markers in _MARKERS.items():
            if word in markers:
                found.add(code)
    return frozenset(found)

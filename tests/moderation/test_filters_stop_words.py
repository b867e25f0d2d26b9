"""Each community's stop words and phrases, matched as whole normalised words."""

from __future__ import annotations

import pytest

from communa.moderation.filters import FilterRules, check_text

pytestmark = pytest.mark.django_db(False)


def stop_words(text: str, *words: str) -> list[str]:
    result = check_text(text, rules=FilterRules(stop_words=words))
    finding = result.finding("stop_word")
    return [text[s:e] for s, e in finding.spans] if finding else []


def test_a_stop_word_is_found_whatever_its_case() -> None:
    assert stop_words("Новое КАЗИНО открылось!", "казино") == ["КАЗИНО"]


def test_a_stop_phrase_needs_its_words_in_a_row() -> None:
    assert stop_words("Ставки на спорт без риска", "ставки на спорт") == ["Ставки на спорт"]
    assert stop_words("Ставки растут, на улице спорт", "ставки на спорт") == []


def test_a_stop_word_does_not_match_inside_another_word() -> None:
    # A hyphenated compound is reported whole: its parts are words of their own.
    assert stop_words("The casinos closed; casino-themed party", "casino") == ["casino-themed"]
    assert stop_words("Casinoville is a town", "casino") == []


def test_a_starred_stop_word_matches_every_word_it_begins() -> None:
    assert stop_words("Casinos and casino nights", "casino*") == ["Casinos", "casino"]


def test_stop_words_see_through_disguises() -> None:
    assert stop_words("Best cas1no bonus", "casino") == ["cas1no"]
    assert stop_words("Нове казінo відкрилось", "казино") == ["казінo"]


def test_stop_words_keep_vietnamese_tone_marks() -> None:
    assert stop_words("Nhận cá độ bóng đá uy tín", "cá độ") == ["cá độ"]
    assert stop_words("Cá đỏ rất đẹp", "cá độ") == []


def test_stop_words_are_reported_in_the_detail() -> None:
    result = check_text(
        "judi online dan pinjaman segera",
        rules=FilterRules(stop_words=("judi online", "pinjaman segera", "unused")),
    )

    finding = result.finding("stop_word")
    assert finding is not None
    assert finding.detail == "judi online, pinjaman segera"


def test_no_stop_words_means_no_finding() -> None:
    assert check_text("casino", rules=FilterRules()).clean

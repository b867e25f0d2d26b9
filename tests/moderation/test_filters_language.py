"""The language of short texts, among the five the platform speaks."""

from __future__ import annotations

import pytest

from communa.moderation.filters import FilterRules, check_text, detect_language

pytestmark = pytest.mark.django_db(False)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Спасибо, очень вкусно!", "ru"),
        ("Когда откроется магазин?", "ru"),
        ("Дякую, дуже смачно!", "uk"),
        ("Коли відкриється магазин?", "uk"),
        ("Thanks, it was delicious!", "en"),
        ("When does the shop open?", "en"),
        ("Cảm ơn, ngon lắm!", "vi"),
        ("Khi nào cửa hàng mở cửa?", "vi"),
        ("Terima kasih, sedap sangat!", "ms"),
        ("Bila kedai ini dibuka?", "ms"),
    ],
)
def test_the_language_of_a_short_text_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "👍👍", "12:30 — 15:00", "!!!"])
def test_a_text_without_words_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_the_result_records_the_language_of_the_words_not_of_links() -> None:
    result = check_text(
        "Вот рецепт этого торта: https://example.com/cake-recipe-english", rules=FilterRules()
    )

    assert result.language == "ru"


def test_a_community_can_skip_language_detection() -> None:
    result = check_text("Спасибо!", rules=FilterRules(detect_language=False))

    assert result.language is None

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


# Texts whose letters decide the language: the models are not asked, and the answer is theirs.
DECIDED_BY_LETTERS = [
    ("Дякую за рецепт, додала трохи більше кориці і вийшло чудово.", "uk"),
    ("Коли відкриється магазин?", "uk"),
    ("Это было очень вкусно, съели всё за вечер.", "ru"),
    ("Cảm ơn công thức, bánh mì giòn và thơm lắm!", "vi"),
    ("Khi nào cửa hàng mở cửa?", "vi"),
]
# Texts the letters leave open: the models decide.
LEFT_TO_THE_MODELS = [
    "Спасибо, получилось с первого раза.",  # no letter only Russian has
    "Привіт, это было вкусно",  # letters of both
    "Дякую, thank you",  # two scripts
    "I love phở and bánh mì",  # Vietnamese letters in too few words
    "Terima kasih, sedap sangat!",
    "Thanks, it was delicious!",
]


@pytest.mark.parametrize(("text", "language"), DECIDED_BY_LETTERS)
def test_a_text_whose_letters_decide_is_not_given_to_the_models(
    text: str, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from communa.moderation.filters import language as module

    # The models' own answer first, then without them.
    assert module._CODES[module._detector().detect_language_of(text).name] == language
    monkeypatch.setattr(module, "_detector", lambda: pytest.fail("the models were asked"))
    assert detect_language(text) == language


@pytest.mark.parametrize("text", LEFT_TO_THE_MODELS)
def test_a_text_whose_letters_leave_it_open_goes_to_the_models(text: str) -> None:
    from communa.moderation.filters import language as module

    letters = module._NOT_LETTERS.sub(" ", text).strip()
    assert module._by_letters(letters) is None
    expected = module._detector().detect_language_of(letters)
    assert detect_language(text) == module._CODES[expected.name]

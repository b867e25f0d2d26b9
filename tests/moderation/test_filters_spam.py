"""Spam that needs the author's history: near-duplicates within a window and bursts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from communa.moderation.filters import FilterRules, TextHistory, check_text
from communa.moderation.filters.spam import shingles, similarity

pytestmark = pytest.mark.django_db(False)


@dataclass
class FakeHistory:
    """An author's past as a test sets it; records the windows the engine asked about."""

    texts: list[str] = field(default_factory=list)
    posts_recently: int = 0
    age_hours: float | None = 10_000.0
    asked: list[timedelta] = field(default_factory=list)

    def recent_texts(self, within: timedelta) -> Sequence[str]:
        self.asked.append(within)
        return self.texts

    def recent_count(self, within: timedelta) -> int:
        self.asked.append(within)
        return self.posts_recently

    def account_age_hours(self) -> float | None:
        return self.age_hours


RULES = FilterRules()


def test_the_fake_history_satisfies_the_protocol() -> None:
    assert isinstance(FakeHistory(), TextHistory)


def test_the_same_text_again_is_a_repeat() -> None:
    text = "Selling iPhone 13 cheap, DM me, delivery across the city!"
    history = FakeHistory(texts=[text])

    result = check_text(text, rules=RULES, history=history)

    assert result.categories == {"spam_repeat"}
    assert timedelta(hours=24) in history.asked


@pytest.mark.parametrize(
    ("earlier", "text"),
    [
        (
            "Selling iphone 13 cheap, dm me, delivery across the city.",
            "SELLING iPhone 13 cheap!!! DM me - delivery across the city",
        ),
        (
            "Продаю айфон 13 дешево, пишите в личку, доставка по городу.",
            "Продаю айфон 13 дёшево!!! Пишите в личку, доставка по городу",
        ),
        (
            "Bán iphone 13 giá rẻ, inbox mình, giao hàng toàn thành phố.",
            "BÁN iPhone 13 giá rẻ!!! Inbox mình - giao hàng toàn thành phố",
        ),
    ],
)
def test_nearly_the_same_text_is_a_repeat(earlier: str, text: str) -> None:
    result = check_text(text, rules=RULES, history=FakeHistory(texts=[earlier]))

    assert "spam_repeat" in result.categories


def test_a_different_text_on_the_same_topic_is_not_a_repeat() -> None:
    history = FakeHistory(texts=["What time does the market open on Saturday?"])

    result = check_text(
        "What time does the residents meeting start tomorrow?", rules=RULES, history=history
    )

    assert result.clean


def test_a_short_thanks_said_again_is_not_a_repeat() -> None:
    result = check_text("Thanks!", rules=RULES, history=FakeHistory(texts=["Thanks!", "Thanks!"]))

    assert result.clean


def test_the_similarity_threshold_and_window_come_from_the_rules() -> None:
    earlier = "Join our bargain group: new discounts and gifts every single day!!!"
    text = "Join our bargain group, new discounts and gifts every day"
    history = FakeHistory(texts=[earlier])
    strict = FilterRules(repeat_similarity=0.99, repeat_window=timedelta(hours=1))

    assert (
        "spam_repeat"
        in check_text(text, rules=RULES, history=FakeHistory(texts=[earlier])).categories
    )
    assert "spam_repeat" not in check_text(text, rules=strict, history=history).categories
    assert timedelta(hours=1) in history.asked


def test_jaccard_similarity_of_shingles() -> None:
    a = shingles("delivery across the city")
    assert similarity(a, a) == 1.0
    assert similarity(a, shingles("a completely unrelated sentence")) < 0.2
    assert similarity(a, frozenset()) == 0.0


def test_a_burst_from_a_new_account_is_spam() -> None:
    history = FakeHistory(posts_recently=9, age_hours=1)

    result = check_text("Great offer, check my profile", rules=RULES, history=history)

    finding = result.finding("spam_burst")
    assert finding is not None
    assert finding.detail == "9"
    assert timedelta(minutes=10) in history.asked


def test_many_posts_from_an_old_account_are_not_a_burst() -> None:
    history = FakeHistory(posts_recently=9, age_hours=9000)

    assert check_text("Added the photos", rules=RULES, history=history).clean


def test_a_new_account_posting_calmly_is_not_a_burst() -> None:
    history = FakeHistory(posts_recently=1, age_hours=2)

    assert check_text("Hi all, I'm new here", rules=RULES, history=history).clean


def test_an_unknown_account_age_is_never_a_burst() -> None:
    history = FakeHistory(posts_recently=50, age_hours=None)

    assert check_text("Hello again", rules=RULES, history=history).clean


def test_without_history_the_history_checks_are_skipped() -> None:
    assert check_text("Selling iPhone 13 cheap, DM me!", rules=RULES).clean


@pytest.mark.parametrize(
    ("text", "reduced"),
    [
        # Ukrainian letters read as their Russian neighbours, marks and capitals gone
        ("Їжа є, ҐАНОК і ЁЛКА", "ижа е ганок и елка"),
        # Vietnamese: tones and hooks gone, đ read as d
        ("Đẹp quá, Đường phố!", "dep qua duong pho"),
        # punctuation to one space, repeated letters squeezed, compatibility forms unfolded
        ("Sooo   gooood!!! ﬁne...", "so god fine"),
    ],
)
def test_a_fingerprint_keeps_only_what_a_repeat_can_be_told_by(text, reduced):
    from communa.moderation.filters.normalise import fingerprint

    assert fingerprint(text) == reduced
    # the same text with other marks and cases is the same repeat
    assert similarity(shingles(text), shingles(reduced.upper())) == 1.0


def _best_by_sets(text: str, earlier: list[str], threshold: float) -> float:
    """The repeat score computed the plain way: every earlier text's shingle set, compared."""
    mine = shingles(text)
    best = max((similarity(mine, shingles(other)) for other in earlier), default=0.0)
    return best if best >= threshold else 0.0


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.95, 1.0])
def test_the_repeat_score_is_the_best_similarity_of_the_shingle_sets(threshold: float) -> None:
    import random

    from communa.moderation.filters.spam import is_near_duplicate

    pick = random.Random(7)
    words = ["pie", "dough", "crust", "спасибо", "рецепт", "тесто", "дякую", "cảm", "ơn", "bánh"]
    for _ in range(400):
        text = " ".join(pick.choice(words) for _ in range(pick.randint(2, 14)))
        earlier = [
            " ".join(pick.choice(words) for _ in range(pick.randint(1, 14)))
            for _ in range(pick.randint(0, 4))
        ]
        earlier.append(text + pick.choice(["", "!", " pie", " і"]))
        found = is_near_duplicate(text, earlier, threshold=threshold, min_chars=5)
        assert found == pytest.approx(_best_by_sets(text, earlier, threshold))


def test_an_earlier_text_is_reduced_once_per_process_not_for_every_later_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from communa.moderation.filters import spam

    spam._kept_pieces.cache_clear()
    reduced: list[str] = []
    real = spam.fingerprint

    def counting(text: str) -> str:
        reduced.append(text)
        return real(text)

    monkeypatch.setattr(spam, "fingerprint", counting)
    earlier = ["Fresh bread every morning at the corner bakery", "x" * (spam.KEPT_TEXT_CHARS + 1)]
    for text in ("Our new sourdough is out today", "The rye loaves are back on Friday"):
        spam.is_near_duplicate(text, earlier, threshold=0.8, min_chars=5)
    # Each new text once; the kept earlier text once in all; the overlong one every time.
    assert reduced.count(earlier[0]) == 1
    assert reduced.count(earlier[1]) == 2
    assert len(reduced) == 2 + 1 + 2

"""`make bench-http`'s commenting members write texts the repeat check does not hold: a held
comment writes no event, notification or counter, so a run that held some measured less work."""

from __future__ import annotations

import re
from pathlib import Path

from communa.moderation.filters.engine import FilterRules
from communa.moderation.filters.spam import is_near_duplicate

RUN_PY = Path(__file__).resolve().parents[1] / "bench" / "http" / "run.py"


def comment_texts() -> list[str]:
    script = RUN_PY.read_text()
    start = script.index("COMMENT_LUA")
    block = script[script.index("local texts = {{", start) : script.index("}}", start)]
    return re.findall(r'^\s+"(.+)",$', block, flags=re.MULTILINE)


def test_the_first_five_texts_are_those_of_earlier_runs():
    assert comment_texts()[:5] == [
        "Tried it on Sunday with the kids, the crust came out perfect.",
        "Спасибо, получилось с первого раза, тесто поднялось отлично.",
        "Дякую за рецепт, додала трохи більше кориці і вийшло чудово.",
        "Cảm ơn công thức, bánh mì giòn và thơm lắm!",
        "Terima kasih, resepi ini sangat mudah dan sedap.",
    ]


def test_no_text_repeats_another_for_the_repeat_check():
    texts = comment_texts()
    assert len(texts) == 16 == len(set(texts))
    rules = FilterRules()
    for index, text in enumerate(texts):
        others = [f"{other} (2)" for other in texts[:index] + texts[index + 1 :]]
        score = is_near_duplicate(
            f"{text} (1)",
            others,
            threshold=rules.repeat_similarity,
            min_chars=rules.repeat_min_chars,
        )
        assert score < rules.repeat_similarity, text
    # ... while the same text with another number is one (what the scenario must avoid).
    same = is_near_duplicate(
        f"{texts[0]} (1)", [f"{texts[0]} (2)"], threshold=0.0, min_chars=rules.repeat_min_chars
    )
    assert same >= rules.repeat_similarity

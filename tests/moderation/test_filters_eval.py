"""The quality bar: obscene-language precision and recall on the evaluation set's held-out split."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.django_db(False)

BENCH = Path(__file__).resolve().parents[2] / "bench" / "moderation" / "run.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_moderation_run", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_evaluation_set_is_large_and_covers_every_language() -> None:
    bench = load_bench()
    items = bench.load_items()

    assert len(items) >= 1000
    for lang in bench.LANGUAGES:
        mine = [i for i in items if i["lang"] == lang]
        assert sum("obscene" in i["labels"] for i in mine) >= 60
        assert sum(i["note"] == "scunthorpe" for i in mine) >= 20
        assert any(i["split"] == "test" for i in mine)


@pytest.mark.parametrize("lang", ["ru", "uk", "en", "vi", "ms"])
def test_obscene_language_meets_the_targets_on_the_test_split(lang: str) -> None:
    bench = load_bench()
    rules = bench.eval_rules()
    items = [i for i in bench.load_items() if i["split"] == "test" and i["lang"] == lang]
    predictions = {i["id"]: bench.predict(i, rules)[0] for i in items}

    precision, recall, positives, _ = bench.scores(items, predictions, "obscene")

    assert positives > 0
    assert precision is not None
    assert precision >= bench.TARGET_PRECISION
    assert recall is not None
    assert recall >= bench.TARGET_RECALL


@pytest.mark.parametrize("lang", ["ru", "uk", "vi"])
def test_the_disguises_of_issue_10_meet_the_targets(lang: str) -> None:
    # Sound-alike letters in Cyrillic words, Ukrainian transliteration, Vietnamese insults
    # without tone marks (batch 3 of the set).
    bench = load_bench()
    rules = bench.eval_rules()
    items = [i for i in bench.load_items() if i.get("batch") == 3 and i["lang"] == lang]
    predictions = {i["id"]: bench.predict(i, rules)[0] for i in items}

    precision, recall, positives, _ = bench.scores(items, predictions, "obscene")

    assert positives >= 15
    assert precision == 1.0
    assert recall is not None
    assert recall >= bench.TARGET_RECALL


def test_no_innocent_text_of_the_set_is_flagged_as_obscene() -> None:
    # Everyday texts, innocent look-alikes (Scunthorpe, "vai lon bia", "Kharkiv") and codes.
    bench = load_bench()
    rules = bench.eval_rules()
    innocent = [i for i in bench.load_items() if i["note"] in bench.INNOCENT_NOTES]

    flagged = [i["text"] for i in innocent if "obscene" in bench.predict(i, rules)[0]]

    assert len(innocent) > 700
    assert flagged == []


def test_innocent_texts_stay_innocent_without_tone_marks_or_in_latin_letters() -> None:
    bench = load_bench()
    rules = bench.eval_rules()
    items = bench.load_items()
    derived = [
        bench.without_tone_marks(i["text"])
        for i in items
        if i["lang"] == "vi" and i["note"] in bench.INNOCENT_NOTES
    ]
    for lang, table in (("uk", bench.UK_LATIN), ("ru", bench.RU_LATIN)):
        derived += [
            bench.transliterate(i["text"], table)
            for i in items
            if i["lang"] == lang and i["note"] in bench.INNOCENT_NOTES
        ]

    flagged = [t for t in derived if "obscene" in bench.check_text(t, rules=rules).categories]

    assert len(derived) > 400
    assert flagged == []

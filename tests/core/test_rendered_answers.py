"""An answer joined from parts already rendered (core.schemas `rendered_answer`, `slots`,
`filled`) is the text django-ninja renders of the whole answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from ninja.responses import NinjaJSONEncoder

from communa.core.schemas import (
    SLOT,
    Rendered,
    filled,
    json_bool,
    json_members,
    rendered_answer,
    slots,
)

ITEMS = [
    {"id": 1, "title": "Борщ «по-домашнему» 🍲", "at": datetime(2026, 12, 6, 9, 30, tzinfo=UTC)},
    {"id": 2, "title": 'a "quoted" \\ <b>', "at": None, "tags": [], "nested": {"x": [1, 2]}},
]


def ninja(value) -> str:
    return json.dumps(value, cls=NinjaJSONEncoder)


def rendered(item: dict) -> Rendered:
    return Rendered("{" + json_members(item) + "}")


@pytest.mark.parametrize("items", [ITEMS, ITEMS[:1], []])
def test_an_answer_of_rendered_parts_is_the_whole_answer_rendered(items):
    answer = {"items": [rendered(item) for item in items], "next_cursor": "abc", "pinned": None}
    expected = ninja({"items": items, "next_cursor": "abc", "pinned": None})
    assert rendered_answer(None, answer) == expected
    alone = {"pinned": rendered(ITEMS[0]), "items": []}
    assert rendered_answer(None, alone) == ninja({"pinned": ITEMS[0], "items": []})


def test_a_list_that_mixes_rendered_parts_and_values_is_refused():
    with pytest.raises(TypeError, match="items"):
        rendered_answer(None, {"items": [rendered(ITEMS[0]), ITEMS[1]]})


def test_slots_are_filled_in_order_and_their_number_is_checked():
    text = rendered_answer(
        None, {"items": [Rendered(f'{{"id": {n}, "liked": {SLOT}}}') for n in (1, 2, 3)]}
    )
    pieces = slots(text)
    assert len(pieces) == 4
    values = [json_bool(n % 2) for n in (1, 2, 3)]
    assert json.loads(filled(pieces, values)) == {
        "items": [{"id": 1, "liked": True}, {"id": 2, "liked": False}, {"id": 3, "liked": True}]
    }
    with pytest.raises(ValueError, match="zip"):
        filled(pieces, values[:2])


def test_no_rendered_text_holds_the_slot_mark():
    # JSON escapes control characters: a user's text can never make a slot of its own
    assert SLOT not in ninja({"body": "a\x00b"})

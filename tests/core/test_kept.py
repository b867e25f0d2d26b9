"""What a process keeps for its life (core.kept.ProcessKept): at most its limit, emptied when
full, when a setting changes and by `forget_all`, together with the pages core.near holds."""

from __future__ import annotations

from communa.core import kept, near
from communa.core.kept import ProcessKept


def test_a_full_keep_starts_again():
    texts = ProcessKept(2)
    assert texts.put("a", "A") == "A"
    texts.put("b", "B")
    assert (texts.get("a"), texts.get("b"), len(texts)) == ("A", "B", 2)
    texts.put("c", "C")  # full: emptied first
    assert (texts.get("a"), texts.get("b"), texts.get("c")) == (None, None, "C")


def test_a_changed_setting_empties_every_keep(settings):
    texts = ProcessKept(10)
    texts.put("a", "A")
    near.keep("page:a", "A", 60)
    settings.COMMUNA = {**settings.COMMUNA, "PAGE_SIZE": 7}
    assert texts.get("a") is None
    assert len(near._HELD) == 0


def test_forget_all_empties_every_keep():
    texts = ProcessKept(10)
    texts.put("a", "A")
    kept.forget_all()
    assert len(texts) == 0

"""A page view as the Redis buffer holds it: the text the json module would write, read back
as the same page view, whatever the viewer key holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from communa.analytics.impressions import PageView
from communa.core.events import Platform


@pytest.mark.parametrize(
    "view",
    [
        PageView(
            "u5", 5, Platform.API, (3, 1, 2), datetime(2026, 12, 7, 2, 30, 1, 594, tzinfo=UTC)
        ),
        PageView('v"\\é\n\t\u2028', None, "web", (), datetime(2026, 1, 1, tzinfo=UTC)),
        PageView(
            "", None, Platform.MOBILE_WEB, (10**12,), datetime(1999, 12, 31, 23, 59, tzinfo=UTC)
        ),
    ],
)
def test_a_page_view_is_written_as_json_and_read_back_whole(view):
    text = view.to_json()
    data = [view.viewer, view.user_id, str(view.platform), list(view.post_ids), view.at.timestamp()]
    assert json.loads(text) == data
    assert text == json.dumps(data, separators=(",", ":"))
    assert PageView.from_json(text) == view
    assert PageView.all_from_json([text.encode(), text.encode()]) == [view, view]
    assert PageView.all_from_json([]) == []

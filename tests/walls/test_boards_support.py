"""Moved: the board, event, document and album builders are in tests/walls/support.py.

These names stay importable from here only so that branches written before the move still run.
This module holds no tests.
"""

from tests.walls.support import (  # noqa: F401
    album_in,
    docx_bytes,
    editor_of,
    event,
    group,
    moderator_of,
    pdf_upload,
    photo_upload,
    topic_in,
)

"""Moved: the builders are in tests/factories.py and the clients in tests/support.py.

These names stay importable from here only so that branches written before the move still run;
new code imports from tests.factories and tests.support. This module holds no tests.
"""

from tests.factories import (  # noqa: F401
    add_member,
    block,
    image_bytes,
    image_upload,
    invite,
    make_community,
    owner_of,
    pending_request,
    person,
    with_relation,
)
from tests.support import api_as  # noqa: F401

"""Moved to the `communa.walls.api` package; the web pages' helpers stay importable from here."""

from communa.walls.api.discussions import calendar_response  # noqa: F401
from communa.walls.api.files import document_download  # noqa: F401
from communa.walls.api.routers import boards_router as router  # noqa: F401

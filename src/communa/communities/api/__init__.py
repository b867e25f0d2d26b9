"""Communities API: search, creation and settings, wiki, membership, invitations, blocks, team.

One package of modules (each under ~600 lines); the routers live in `routers`, and the modules
register their operations in this order, so `/catalog` and `/invitations/...` come before
`/{slug}`.
"""

from communa.communities.api import communities, membership, team  # noqa: F401
from communa.communities.api.routers import me_router, router

__all__ = ["me_router", "router"]

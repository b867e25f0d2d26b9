"""The one API at /api/: every app's router, token and session auth, one error shape."""

from communa import __version__
from communa.accounts.api import auth_router, me_router
from communa.accounts.authentication import default_auth
from communa.accounts.notifications_api import router as notifications_router
from communa.analytics.api import router as analytics_router
from communa.analytics.audience.api import router as audience_router
from communa.analytics.goals.api import router as goals_router
from communa.analytics.sales.api import conversions_router
from communa.analytics.sales.api import router as sales_router
from communa.analytics.statistics.api import router as statistics_router
from communa.api.errors import install_error_handlers
from communa.api.openapi import CommunaAPI
from communa.communities.api import me_router as my_communities_router
from communa.communities.api import router as communities_router
from communa.core.api import router as core_router
from communa.core.parser import SafeJsonParser
from communa.engagement.api import router as engagement_router
from communa.moderation.api import router as moderation_router
from communa.planner.api import router as planner_router
from communa.walls.api import boards_router
from communa.walls.api import router as walls_router

api = CommunaAPI(
    title="Communa API",
    version=__version__,
    description=(
        "Everything the web interface does. Authenticate with a personal access token "
        "(`Authorization: Bearer cmn_…`, made in Settings → API tokens) or the browser session "
        "(unsafe methods then need the `X-CSRFToken` header). Every error has the shape "
        '`{"error": {"code": "...", "message": "...", "fields": {"name": ["reason"]}}}`.'
    ),
    auth=default_auth,
    urls_namespace="api",
    docs_url="/docs",
    parser=SafeJsonParser(),
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/auth", auth_router)
api.add_router("/me", me_router)
api.add_router("/me", my_communities_router)
api.add_router("/me", notifications_router)
api.add_router("/communities", communities_router)
api.add_router("/", planner_router)
api.add_router("/", engagement_router)
api.add_router("/", analytics_router)
api.add_router("/", statistics_router)
api.add_router("/", goals_router)
api.add_router("/", sales_router)
api.add_router("/", conversions_router)
api.add_router("/", audience_router)
api.add_router("/", moderation_router)
api.add_router("/", walls_router)
api.add_router("/", boards_router)

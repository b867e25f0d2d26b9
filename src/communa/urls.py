"""Top-level URL map: the web pages, the API and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.static import serve

from communa.api.api import api
from communa.core.routing import indexed

patterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("communa.accounts.urls")),
    path("", include("communa.communities.urls")),
    path("", include("communa.planner.urls")),
    path("", include("communa.engagement.urls")),
    path("", include("communa.analytics.urls")),
    path("", include("communa.moderation.urls")),
    path("", include("communa.walls.urls")),
    path("", include("communa.web.urls")),
]

if settings.SERVE_MEDIA:
    # Uploads are validated before storage; serving them here keeps a one-process install simple.
    patterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    )

# Each path is tried only against the patterns whose literal segments it has (core.routing).
urlpatterns = indexed(patterns)

handler404 = "communa.web.views.page_not_found"
handler500 = "communa.web.views.server_error"

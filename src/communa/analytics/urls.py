"""Analytics pages under /c/<slug>/: the one `analytics` namespace."""

from django.urls import path

from communa.analytics import views
from communa.analytics.audience import views as audience

app_name = "analytics"
urlpatterns = [
    path("c/<slug:slug>/statistics/best-time/", views.best_times, name="best_times"),
    path(
        "c/<slug:slug>/statistics/negative-feedback/",
        audience.negative_feedback,
        name="negative_feedback",
    ),
    path(
        "c/<slug:slug>/statistics/negative-feedback/comments/<int:comment_id>/",
        audience.mark_comment,
        name="mark_comment",
    ),
    path("c/<slug:slug>/statistics/participation/", audience.participation, name="participation"),
    path(
        "c/<slug:slug>/statistics/audience-health/",
        audience.audience_health,
        name="audience_health",
    ),
]

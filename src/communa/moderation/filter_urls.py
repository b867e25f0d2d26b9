"""The automatic checks' settings page under /c/<slug>/moderation/checks/."""

from django.urls import path

from communa.moderation import filter_views

app_name = "moderation_checks"
urlpatterns = [
    path("c/<slug:slug>/moderation/checks/", filter_views.checks, name="checks"),
]

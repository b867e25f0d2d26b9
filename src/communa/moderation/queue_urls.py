"""The moderation queue page under /c/<slug>/moderation/."""

from django.urls import path

from communa.moderation import queue_views

app_name = "moderation_queue"
urlpatterns = [
    path("c/<slug:slug>/moderation/", queue_views.queue_page, name="queue"),
]

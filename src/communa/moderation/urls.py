"""Moderation pages under /c/<slug>/: the one `moderation` namespace."""

from django.urls import path

from communa.moderation.views import audit, checks, playbook, queue

app_name = "moderation"
urlpatterns = [
    path("c/<slug:slug>/moderation/", queue.queue_page, name="queue"),
    path("c/<slug:slug>/moderation/checks/", checks.checks, name="checks"),
    path("c/<slug:slug>/playbook/", playbook.playbook, name="playbook"),
    path(
        "c/<slug:slug>/playbook/sanctions/<int:sanction_id>/lift/",
        playbook.lift,
        name="lift_sanction",
    ),
    path("c/<slug:slug>/audit/", audit.audit, name="audit"),
]

"""The playbook page under /c/<slug>/playbook/."""

from django.urls import path

from communa.moderation import playbook_views

app_name = "moderation_playbook"
urlpatterns = [
    path("c/<slug:slug>/playbook/", playbook_views.playbook, name="playbook"),
    path(
        "c/<slug:slug>/playbook/sanctions/<int:sanction_id>/lift/",
        playbook_views.lift,
        name="lift",
    ),
]

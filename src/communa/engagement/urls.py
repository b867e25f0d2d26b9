"""Engagement pages under /c/<slug>/."""

from django.urls import URLPattern, path

from communa.engagement import views

app_name = "engagement"
urlpatterns: list[URLPattern] = []

# Polls (R6.1).
POLL = "c/<slug:slug>/polls/<int:poll_id>/"
urlpatterns += [
    path("c/<slug:slug>/polls/", views.polls.polls, name="polls"),
    path("c/<slug:slug>/polls/manage/", views.polls.manage_polls, name="manage_polls"),
    path("c/<slug:slug>/polls/new/", views.polls.new_poll, name="new_poll"),
    path(POLL, views.polls.poll, name="poll"),
    path(f"{POLL}card/", views.polls.poll_card, name="poll_card"),
    path(f"{POLL}vote/", views.polls.vote, name="vote"),
    path(f"{POLL}withdraw/", views.polls.withdraw, name="withdraw"),
    path(f"{POLL}voters/", views.polls.voters, name="voters"),
    path(f"{POLL}edit/", views.polls.edit_poll, name="edit_poll"),
    path(f"{POLL}close/", views.polls.close_poll, name="close_poll"),
    path(f"{POLL}delete/", views.polls.delete_poll, name="delete_poll"),
]

"""Engagement pages under /c/<slug>/."""

from django.urls import URLPattern, path

from communa.engagement import views

app_name = "engagement"
urlpatterns: list[URLPattern] = []

CONTEST = "c/<slug:slug>/contests/<int:contest_id>/"
MANAGE_CONTEST = "c/<slug:slug>/manage/contests/<int:contest_id>/"
urlpatterns += [
    path("c/<slug:slug>/contests/", views.contests, name="contests"),
    path(CONTEST, views.contest, name="contest"),
    path(f"{CONTEST}enter/", views.contest_enter, name="contest_enter"),
    path(f"{CONTEST}entries/<int:entry_id>/vote/", views.contest_vote, name="contest_vote"),
    path("c/<slug:slug>/manage/contests/", views.manage_contests, name="manage_contests"),
    path(MANAGE_CONTEST, views.manage_contest, name="manage_contest"),
    path(
        f"{MANAGE_CONTEST}announce/", views.manage_contest_announce, name="manage_contest_announce"
    ),
    path(f"{MANAGE_CONTEST}correct/", views.manage_contest_correct, name="manage_contest_correct"),
    path(f"{MANAGE_CONTEST}delete/", views.manage_contest_delete, name="manage_contest_delete"),
    path(
        f"{MANAGE_CONTEST}winners/<int:winner_id>/delivered/",
        views.manage_contest_delivered,
        name="manage_contest_delivered",
    ),
]

"""Planner pages under /c/<slug>/."""

from django.urls import path

from communa.planner import views

app_name = "planner"
urlpatterns = [
    path("c/<slug:slug>/rubrics/", views.rubrics, name="rubrics"),
    path("c/<slug:slug>/rubrics/<int:rubric_id>/", views.rubric_update, name="rubric_update"),
    path("c/<slug:slug>/planner/", views.calendar, name="calendar"),
    path("c/<slug:slug>/planner/approvals/", views.approvals, name="approvals"),
    path("c/<slug:slug>/planner/drafts/new/", views.new_draft, name="new_draft"),
    path("c/<slug:slug>/planner/drafts/<int:post_id>/", views.draft, name="draft"),
    path("c/<slug:slug>/planner/drafts/<int:post_id>/move/", views.move, name="move"),
]

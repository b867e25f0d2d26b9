"""Planner pages under /c/<slug>/."""

from django.urls import path

from communa.planner import views

app_name = "planner"
urlpatterns = [
    path("c/<slug:slug>/rubrics/", views.rubrics, name="rubrics"),
    path("c/<slug:slug>/rubrics/<int:rubric_id>/", views.rubric_update, name="rubric_update"),
]

"""Moderation pages under /c/<slug>/."""

from django.urls import path

from communa.moderation import views

app_name = "moderation"
urlpatterns = [
    path("c/<slug:slug>/audit/", views.audit, name="audit"),
]

"""Engagement pages under /c/<slug>/."""

from django.urls import URLPattern

from communa.engagement import views  # noqa: F401

app_name = "engagement"
urlpatterns: list[URLPattern] = []

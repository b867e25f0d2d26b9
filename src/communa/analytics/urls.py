"""Analytics pages under /c/<slug>/: the one `analytics` namespace."""

from django.urls import path

from communa.analytics import views

app_name = "analytics"
urlpatterns = [
    path("c/<slug:slug>/statistics/best-time/", views.best_times, name="best_times"),
]

"""Analytics pages under /c/<slug>/: the one `analytics` namespace."""

from django.urls import path

from communa.analytics import views
from communa.analytics.goals import views as goal_views
from communa.analytics.sales import views as sales_views

app_name = "analytics"
urlpatterns = [
    path("c/<slug:slug>/statistics/best-time/", views.best_times, name="best_times"),
    path("c/<slug:slug>/statistics/goals/", goal_views.goals, name="goals"),
    path(
        "c/<slug:slug>/statistics/goals/<int:goal_id>/delete/",
        goal_views.goal_delete,
        name="goal_delete",
    ),
    path("c/<slug:slug>/statistics/sales/", sales_views.sales, name="sales"),
    path(
        "c/<slug:slug>/manage/conversion-keys/",
        sales_views.conversion_keys,
        name="conversion_keys",
    ),
]

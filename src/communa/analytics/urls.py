"""Analytics pages under /c/<slug>/: the one `analytics` namespace."""

from django.urls import path

from communa.analytics import views
from communa.analytics.audience import views as audience
from communa.analytics.benchmarks import views as benchmark_views
from communa.analytics.goals import views as goal_views
from communa.analytics.sales import views as sales_views
from communa.analytics.statistics import views as statistics

app_name = "analytics"
urlpatterns = [
    path("c/<slug:slug>/statistics/best-time/", views.best_times, name="best_times"),
    path("c/<slug:slug>/statistics/benchmarks/", benchmark_views.benchmarks, name="benchmarks"),
    path(
        "c/<slug:slug>/statistics/benchmarks.csv",
        benchmark_views.benchmarks_csv,
        name="benchmarks_csv",
    ),
    path(
        "c/<slug:slug>/statistics/benchmarks/import/",
        benchmark_views.upload_benchmark,
        name="upload_benchmark",
    ),
    path(
        "c/<slug:slug>/statistics/benchmarks/<int:page_id>/delete/",
        benchmark_views.delete_benchmark,
        name="delete_benchmark",
    ),
    path("c/<slug:slug>/statistics/", statistics.overview, name="statistics"),
    path("c/<slug:slug>/statistics/posts/", statistics.posts, name="statistics_posts"),
    path("c/<slug:slug>/statistics/posts.csv", statistics.posts_csv, name="statistics_posts_csv"),
    path(
        "c/<slug:slug>/statistics/<slug:table>.csv",
        statistics.dashboard_csv,
        name="statistics_csv",
    ),
    path("c/<slug:slug>/statistics/report/", statistics.report, name="report"),
    path("c/<slug:slug>/statistics/reports/", statistics.monthly_reports, name="monthly_reports"),
    path(
        "c/<slug:slug>/statistics/reports/<str:month>.html",
        statistics.monthly_report,
        name="monthly_report",
    ),
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
    path(
        "c/<slug:slug>/statistics/negative-feedback/",
        audience.negative_feedback,
        name="negative_feedback",
    ),
    path(
        "c/<slug:slug>/statistics/negative-feedback/comments/<int:comment_id>/",
        audience.mark_comment,
        name="mark_comment",
    ),
    path("c/<slug:slug>/statistics/participation/", audience.participation, name="participation"),
    path(
        "c/<slug:slug>/statistics/audience-health/",
        audience.audience_health,
        name="audience_health",
    ),
]

"""Planner pages under /c/<slug>/."""

from django.urls import path

from communa.planner import views

app_name = "planner"
PLAN = "c/<slug:slug>/planner/plans/<int:plan_id>/"
PROMOTION = "c/<slug:slug>/planner/promotions/<int:promotion_id>/"
urlpatterns = [
    path("c/<slug:slug>/planner/plans/", views.plans, name="plans"),
    path(PLAN, views.plan, name="plan"),
    path(f"{PLAN}delete/", views.plan_delete, name="plan_delete"),
    path(f"{PLAN}copy/", views.plan_copy, name="plan_copy"),
    path(f"{PLAN}slots/", views.slot_add, name="slot_add"),
    path(f"{PLAN}slots/<int:slot_id>/", views.slot, name="slot"),
    path(f"{PLAN}slots/<int:slot_id>/delete/", views.slot_delete, name="slot_delete"),
    path("c/<slug:slug>/planner/promotions/", views.promotions, name="promotions"),
    path(PROMOTION, views.promotion, name="promotion"),
    path(f"{PROMOTION}delete/", views.promotion_delete, name="promotion_delete"),
    path("c/<slug:slug>/planner/targets/", views.targets, name="targets"),
    path("c/<slug:slug>/rubrics/", views.rubrics, name="rubrics"),
    path("c/<slug:slug>/rubrics/<int:rubric_id>/", views.rubric_update, name="rubric_update"),
    path("c/<slug:slug>/planner/", views.calendar, name="calendar"),
    path("c/<slug:slug>/planner/approvals/", views.approvals, name="approvals"),
    path("c/<slug:slug>/planner/drafts/new/", views.new_draft, name="new_draft"),
    path("c/<slug:slug>/planner/drafts/<int:post_id>/", views.draft, name="draft"),
    path("c/<slug:slug>/planner/drafts/<int:post_id>/move/", views.move, name="move"),
]

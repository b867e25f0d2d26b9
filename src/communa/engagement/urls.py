"""Engagement pages under /c/<slug>/."""

from django.urls import URLPattern

from communa.engagement import views  # noqa: F401

app_name = "engagement"
urlpatterns: list[URLPattern] = []

from django.urls import path  # noqa: E402

from communa.engagement.views import recognition  # noqa: E402

RECOGNITION = "c/<slug:slug>/manage/recognition/"
urlpatterns += [
    path("c/<slug:slug>/leaders/", recognition.leaders, name="leaders"),
    path(
        "c/<slug:slug>/members/<str:username>/badges/",
        recognition.member_badges,
        name="member_badges",
    ),
    path(RECOGNITION, recognition.recognition, name="recognition"),
    path(f"{RECOGNITION}settings/", recognition.settings, name="recognition_settings"),
    path(f"{RECOGNITION}compute/", recognition.compute, name="recognition_compute"),
    path(f"{RECOGNITION}rules/", recognition.rule_add, name="recognition_rule_add"),
    path(
        f"{RECOGNITION}rules/<int:rule_id>/",
        recognition.rule_update,
        name="recognition_rule_update",
    ),
    path(
        f"{RECOGNITION}rules/<int:rule_id>/delete/",
        recognition.rule_delete,
        name="recognition_rule_delete",
    ),
    path(f"{RECOGNITION}award/", recognition.award, name="recognition_award"),
    path(
        f"{RECOGNITION}badges/<int:badge_id>/revoke/",
        recognition.revoke,
        name="recognition_revoke",
    ),
    path(f"{RECOGNITION}core/", recognition.core, name="recognition_core"),
    path(
        f"{RECOGNITION}core/<str:username>/promote/",
        recognition.promote,
        name="recognition_promote",
    ),
]

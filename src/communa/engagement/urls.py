"""Engagement pages under /c/<slug>/."""

from django.urls import URLPattern, path

from communa.engagement import views
from communa.engagement.views import recognition

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

# Forms and guides (R6.4): members' pages and the team's in the manage area.
FORM = "c/<slug:slug>/manage/forms/<int:form_id>/"
GUIDE = "c/<slug:slug>/manage/guides/<int:guide_id>/"
urlpatterns += [
    path("c/<slug:slug>/forms/", views.form_list, name="forms"),
    path("c/<slug:slug>/forms/<int:form_id>/", views.form_page, name="form"),
    path("c/<slug:slug>/manage/forms/", views.manage_forms, name="manage_forms"),
    path(FORM, views.manage_form, name="manage_form"),
    path(f"{FORM}delete/", views.delete_form, name="delete_form"),
    path(f"{FORM}fields/<int:field_id>/", views.manage_field, name="manage_field"),
    path(f"{FORM}fields/<int:field_id>/move/", views.move_field, name="move_field"),
    path(f"{FORM}fields/<int:field_id>/delete/", views.delete_field, name="delete_field"),
    path(f"{FORM}responses/", views.responses, name="responses"),
    path(f"{FORM}responses.csv", views.export, name="form_export"),
    path(f"{FORM}responses/<int:response_id>/decide/", views.decide, name="decide"),
    path(f"{FORM}summary/", views.summary, name="form_summary"),
    path("c/<slug:slug>/guides/", views.guide_list, name="guides"),
    path("c/<slug:slug>/guides/<int:guide_id>/", views.guide_page, name="guide"),
    path(
        "c/<slug:slug>/guides/<int:guide_id>/steps/<int:step_id>/done/",
        views.step_done,
        name="step_done",
    ),
    path("c/<slug:slug>/manage/guides/", views.manage_guides, name="manage_guides"),
    path(GUIDE, views.manage_guide, name="manage_guide"),
    path(f"{GUIDE}delete/", views.delete_guide, name="delete_guide"),
    path(f"{GUIDE}modules/<int:module_id>/", views.manage_module, name="manage_module"),
    path(f"{GUIDE}steps/<int:step_id>/", views.manage_step, name="manage_step"),
    path(f"{GUIDE}progress/", views.guide_progress, name="guide_progress"),
]

# Polls (R6.1).
POLL = "c/<slug:slug>/polls/<int:poll_id>/"
urlpatterns += [
    path("c/<slug:slug>/polls/", views.polls.polls, name="polls"),
    path("c/<slug:slug>/polls/manage/", views.polls.manage_polls, name="manage_polls"),
    path("c/<slug:slug>/polls/new/", views.polls.new_poll, name="new_poll"),
    path(POLL, views.polls.poll, name="poll"),
    path(f"{POLL}card/", views.polls.poll_card, name="poll_card"),
    path(f"{POLL}vote/", views.polls.vote, name="vote"),
    path(f"{POLL}withdraw/", views.polls.withdraw, name="withdraw"),
    path(f"{POLL}voters/", views.polls.voters, name="voters"),
    path(f"{POLL}edit/", views.polls.edit_poll, name="edit_poll"),
    path(f"{POLL}close/", views.polls.close_poll, name="close_poll"),
    path(f"{POLL}delete/", views.polls.delete_poll, name="delete_poll"),
    # A poll in a long-read's embed block: no community in the address (views/embeds.py).
    path("embeds/polls/<int:poll_id>/", views.embeds.poll_embed, name="poll_embed"),
]
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

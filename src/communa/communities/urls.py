"""Community pages: /communities/… for lists and creation, /c/<slug>/… for one community."""

from django.urls import path

from communa.communities import views

app_name = "communities"
urlpatterns = [
    path("communities/", views.index, name="index"),
    path("communities/new/", views.create, name="create"),
    path("communities/mine/", views.mine, name="mine"),
    path(
        "communities/invitations/<int:invitation_id>/answer/",
        views.respond_invitation,
        name="respond_invitation",
    ),
    path(
        "communities/handovers/<int:transfer_id>/cancel/",
        views.cancel_transfer,
        name="cancel_transfer",
    ),
    path("communities/dashboard/", views.dashboard, name="dashboard"),
    path("start/", views.start, name="start"),
    path("c/<slug:slug>/", views.home, name="home"),
    path("c/<slug:slug>/manage/", views.manage_home, name="manage"),
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/ask/", views.ask, name="ask"),
    path("c/<slug:slug>/ask/cancel/", views.cancel_request, name="cancel_request"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/widget/", views.widget, name="widget"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/members/sources/", views.member_sources, name="member_sources"),
    path("c/<slug:slug>/members/<int:user_id>/block/", views.block, name="block"),
    path("c/<slug:slug>/requests/", views.requests, name="requests"),
    path(
        "c/<slug:slug>/requests/<int:request_id>/decide/",
        views.decide_request,
        name="decide_request",
    ),
    path("c/<slug:slug>/invite/", views.invite, name="invite"),
    path(
        "c/<slug:slug>/invitations/<int:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("c/<slug:slug>/blocks/", views.blocks, name="blocks"),
    path("c/<slug:slug>/blocks/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path("c/<slug:slug>/team/", views.team, name="team"),
    path("c/<slug:slug>/team/role/", views.set_role, name="set_role"),
    path("c/<slug:slug>/team/handover/", views.handover, name="handover"),
    path("c/<slug:slug>/settings/", views.settings, name="settings"),
    path("c/<slug:slug>/settings/<str:field>/", views.image, name="image"),
    path("c/<slug:slug>/convert/", views.convert, name="convert"),
    path("c/<slug:slug>/verification/", views.verification, name="verification"),
    path("c/<slug:slug>/wiki/new/", views.wiki_new, name="wiki_new"),
    path("c/<slug:slug>/wiki/<slug:page>/", views.wiki_page, name="wiki"),
    path("c/<slug:slug>/wiki/<slug:page>/edit/", views.wiki_edit, name="wiki_edit"),
    path("c/<slug:slug>/wiki/<slug:page>/delete/", views.wiki_delete, name="wiki_delete"),
]

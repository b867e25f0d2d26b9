"""Wall pages: the member feed, community walls, posts, suggestions."""

from django.urls import path

from communa.walls import views

app_name = "walls"
urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("c/<slug:slug>/wall/", views.wall, name="wall"),
    path("c/<slug:slug>/posts/new/", views.compose, name="compose"),
    path("c/<slug:slug>/longread/new/", views.longread, name="longread"),
    path("longread/block/<slug:kind>/", views.block_row, name="block_row"),
    path("c/<slug:slug>/suggestions/", views.suggestions, name="suggestions"),
    path(
        "c/<slug:slug>/suggestions/<int:post_id>/publish/",
        views.publish_suggestion,
        name="publish_suggestion",
    ),
    path(
        "c/<slug:slug>/suggestions/<int:post_id>/reject/",
        views.reject_suggestion,
        name="reject_suggestion",
    ),
    path("p/<int:post_id>/", views.post_page, name="post"),
    path("p/<int:post_id>/go/", views.go, name="go"),
    path("p/<int:post_id>/edit/", views.edit_post, name="edit"),
    path("p/<int:post_id>/delete/", views.delete_post, name="delete"),
    path("p/<int:post_id>/history/", views.history, name="history"),
    path("p/<int:post_id>/pin/", views.pin, name="pin"),
    path("p/<int:post_id>/like/", views.like, name="like"),
    path("p/<int:post_id>/share/", views.share, name="share"),
    path("p/<int:post_id>/hide/", views.hide, name="hide"),
    path("p/<int:post_id>/report/", views.report, name="report"),
    path("p/<int:post_id>/comments/", views.add_comment, name="comment"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("comments/<int:comment_id>/like/", views.like_comment, name="like_comment"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("u/<str:username>/wall/", views.profile_wall, name="profile_wall"),
]

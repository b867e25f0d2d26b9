"""The walls app's pages, one namespace: the member feed, community walls, posts, suggestions,
and the boards (discussion topics, event attendance, documents, photo albums)."""

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
    path("p/<int:post_id>/clone/", views.clone_post, name="clone"),
    # R8.8: the short link of a post's outbound link (counted, then redirected with UTM tags).
    path("l/<str:code>", views.follow_link, name="link"),
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
    # boards
    path("c/<slug:slug>/topics/", views.topics, name="topics"),
    path("c/<slug:slug>/topics/new/", views.new_topic, name="new_topic"),
    path("t/<int:topic_id>/", views.topic, name="topic"),
    path("t/<int:topic_id>/comments/", views.topic_comment, name="topic_comment"),
    path("t/<int:topic_id>/edit/", views.edit_topic, name="edit_topic"),
    path("t/<int:topic_id>/pin/", views.pin_topic, name="pin_topic"),
    path("t/<int:topic_id>/close/", views.close_topic, name="close_topic"),
    path("t/<int:topic_id>/delete/", views.delete_topic, name="delete_topic"),
    path(
        "t/comments/<int:comment_id>/delete/",
        views.delete_topic_comment,
        name="delete_topic_comment",
    ),
    path("c/<slug:slug>/attendance/", views.attendance, name="attendance"),
    path("c/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
    path("c/<slug:slug>/documents/", views.documents, name="documents"),
    path(
        "documents/<int:document_id>/download/",
        views.download_document,
        name="download_document",
    ),
    path("documents/<int:document_id>/delete/", views.delete_document, name="delete_document"),
    path("c/<slug:slug>/albums/", views.albums, name="albums"),
    path("albums/<int:album_id>/", views.album, name="album"),
    path("albums/<int:album_id>/delete/", views.delete_album, name="delete_album"),
    path("photos/<int:photo_id>/delete/", views.delete_photo, name="delete_photo"),
]

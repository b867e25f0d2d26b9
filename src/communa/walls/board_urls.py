"""Pages of discussion boards, event attendance, documents and photo albums."""

from django.urls import URLPattern, path

from communa.walls import board_views as views

app_name = "boards"
urlpatterns: list[URLPattern] = [
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

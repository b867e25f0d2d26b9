from django.contrib import admin

from communa.walls.models import Album, Comment, Document, Post, Topic


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Posts of every wall, for operators; the team works in the community pages."""

    list_display = ("id", "community", "author", "kind", "status", "published_at", "like_count")
    list_filter = ("status", "kind", "signed_as")
    search_fields = ("title", "body")
    raw_id_fields = (
        "community",
        "profile",
        "author",
        "rubric",
        "suggested_by",
        "reviewed_by",
        "shared_from",
        "deleted_by",
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Comments under posts and in discussions."""

    list_display = ("id", "author", "post", "topic", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body",)
    raw_id_fields = ("post", "topic", "parent", "author", "deleted_by")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Discussion board topics."""

    list_display = ("title", "community", "pinned", "closed", "comment_count")
    raw_id_fields = ("community", "author")


admin.site.register(Document)
admin.site.register(Album)

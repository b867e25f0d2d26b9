from django.apps import AppConfig
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from communa.core.gate import ModeratedContent
from communa.core.hooks import plug


class WallsConfig(AppConfig):
    """Posts, long-reads, comments, likes, shares, suggestions, discussions, events, the feed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "communa.walls"
    verbose_name = _("Walls")

    def ready(self) -> None:
        from communa.walls.moderated import WallsModeratedContent

        plug(ModeratedContent, WallsModeratedContent())
        _register_manage_pages()


def _suggested_posts() -> Subquery:
    from communa.communities.manage import count_per_community
    from communa.walls.models import Post, PostStatus

    return count_per_community(Post.objects.filter(status=PostStatus.SUGGESTED))


def _register_manage_pages() -> None:
    """The wall's pages in each community's manage area, and the count of suggested posts."""
    from communa.communities.manage import (
        Group,
        ManagePage,
        WaitingCount,
        register_page,
        register_waiting,
    )
    from communa.communities.models import Community, Kind
    from communa.communities.permissions import Action

    def on_public_pages(community: Community) -> bool:
        return community.kind == Kind.PUBLIC_PAGE

    for page in [
        ManagePage(
            Group.CONTENT,
            "walls:suggestions",
            _("Suggested posts"),
            Action.REVIEW_SUGGESTIONS,
            10,
            waiting=("suggestions",),
            applies=on_public_pages,
        ),
        ManagePage(Group.CONTENT, "walls:topics", _("Discussions"), Action.MANAGE_TOPICS, 30),
        ManagePage(Group.CONTENT, "walls:documents", _("Documents"), Action.MANAGE_MEDIA, 40),
        ManagePage(Group.CONTENT, "walls:albums", _("Photo albums"), Action.MANAGE_MEDIA, 50),
    ]:
        register_page(page)
    register_waiting(
        WaitingCount(
            "suggestions",
            _("Suggested posts"),
            Action.REVIEW_SUGGESTIONS,
            _suggested_posts,
            applies=on_public_pages,
        )
    )

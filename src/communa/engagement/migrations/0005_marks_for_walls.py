# What walls and communities now read instead of asking engagement on every page (ADRs 0020,
# 0021): the posts that have a poll are marked, and the communities where a badge was ever given
# start their badges' version at 1 (0 means "nobody here has a badge": pages do not ask).

from typing import Any

from django.db import migrations


def mark(apps: Any, schema_editor: Any) -> None:
    poll = apps.get_model("engagement", "Poll")
    badge = apps.get_model("engagement", "MemberBadge")
    post = apps.get_model("walls", "Post")
    community = apps.get_model("communities", "Community")
    with_polls = poll.objects.filter(post__isnull=False).values("post_id")
    post.objects.filter(pk__in=with_polls).update(has_widgets=True)
    with_badges = badge.objects.values("community_id")
    community.objects.filter(pk__in=with_badges, badges_version=0).update(badges_version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0007_community_badges_version"),
        ("engagement", "0004_recognition"),
        ("walls", "0007_post_has_widgets"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]

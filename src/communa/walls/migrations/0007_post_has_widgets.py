# Whether another app shows something under a post (ADR 0020): walls asks only about those posts.

import importlib
from typing import Any

from django.db import migrations, models

# SQLite rebuilds walls_post to add a NOT NULL column, and the triggers of 0004 and 0006 name
# the table: they are dropped first and made again last (PostgreSQL keeps its own).
_versions = importlib.import_module("communa.walls.migrations.0004_post_content_version")
_links = importlib.import_module("communa.walls.migrations.0006_tracked_links")


def _sqlite(*statements: list[str]) -> Any:
    return _versions._run({"sqlite": [sql for group in statements for sql in group]})


_DROP = _sqlite(_links.SQLITE_REVERSE, _versions.SQLITE_REVERSE)
_CREATE = _sqlite(_versions.SQLITE, _links.SQLITE)


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0006_tracked_links"),
    ]

    operations = [
        migrations.RunPython(_DROP, _CREATE),
        migrations.AddField(
            model_name="post",
            name="has_widgets",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(_CREATE, _DROP),
    ]

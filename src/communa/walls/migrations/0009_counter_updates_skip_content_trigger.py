# ruff: noqa: S608 — the statements are built from the constant column names of 0004.
# A counter's UPDATE (a like, a comment, an impression flush) names none of a post's content
# columns: the content-version trigger now fires only for the UPDATEs that name one of them, or
# the version itself, instead of comparing 22 columns on every counter change. Post and comment
# rows keep free room in their pages (PostgreSQL's fillfactor) so that counter UPDATEs, which
# change no indexed column, stay on their page and write no index entry (docs/performance.md).

from importlib import import_module

from django.db import migrations

triggers = import_module("communa.walls.migrations.0004_post_content_version")
CONTENT_COLUMNS: tuple[str, ...] = triggers.CONTENT_COLUMNS
_NAMED = ", ".join(CONTENT_COLUMNS)
# Room left in each page for new versions of its rows (percent filled by inserts).
POST_FILLFACTOR = 85
COMMENT_FILLFACTOR = 90

POSTGRESQL = [
    "DROP TRIGGER IF EXISTS walls_post_content_changed ON walls_post",
    f"""
    CREATE TRIGGER walls_post_content_changed
    BEFORE UPDATE OF {_NAMED}, content_version ON walls_post FOR EACH ROW
    EXECUTE FUNCTION walls_post_keep_content_version()
    """,
    f"ALTER TABLE walls_post SET (fillfactor = {POST_FILLFACTOR})",
    f"ALTER TABLE walls_comment SET (fillfactor = {COMMENT_FILLFACTOR})",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS walls_post_content_changed ON walls_post",
    """
    CREATE TRIGGER walls_post_content_changed BEFORE UPDATE ON walls_post FOR EACH ROW
    EXECUTE FUNCTION walls_post_keep_content_version()
    """,
    "ALTER TABLE walls_post RESET (fillfactor)",
    "ALTER TABLE walls_comment RESET (fillfactor)",
]


def _sqlite_changed_trigger(update_of: str) -> str:
    return f"""
    CREATE TRIGGER walls_post_content_changed AFTER UPDATE{update_of} ON walls_post FOR EACH ROW
    WHEN {triggers._CHANGED_SQLITE}
    BEGIN
        UPDATE walls_post SET content_version = max(OLD.content_version, NEW.content_version) + 1
        WHERE id = NEW.id;
    END
    """


# A later migration that rebuilds walls_post on SQLite (and so drops its triggers) makes this
# trigger again from SQLITE here, not from 0004's.
SQLITE = [
    "DROP TRIGGER IF EXISTS walls_post_content_changed",
    _sqlite_changed_trigger(f" OF {_NAMED}"),
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS walls_post_content_changed", _sqlite_changed_trigger("")]


class Migration(migrations.Migration):
    dependencies = [("walls", "0008_comments_top_level_index")]

    operations = [
        migrations.RunPython(
            triggers._run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            triggers._run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]

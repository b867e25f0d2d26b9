# ruff: noqa: S608 — the statements are built from the constant column names above.
# A post's content version, kept by triggers so that no code path can change a card and keep it.

from typing import Any

from django.db import migrations, models

# What a post card or the API's post shows, besides the counters. Kept in step with walls/cards.py by a test.
CONTENT_COLUMNS = (
    "community_id",
    "profile_id",
    "author_id",
    "signed_as",
    "kind",
    "title",
    "body",
    "body_html",
    "blocks",
    "language",
    "link_url",
    "link_title",
    "rubric_id",
    "tone",
    "promotional",
    "status",
    "suggested_by_id",
    "shared_from_id",
    "pinned",
    "created_at",
    "published_at",
    "edited_at",
)
ATTACHED = ("walls_postimage", "walls_postdocument")

_OLD = ", ".join(f"OLD.{c}" for c in CONTENT_COLUMNS)
_NEW = ", ".join(f"NEW.{c}" for c in CONTENT_COLUMNS)
_CHANGED_SQLITE = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in CONTENT_COLUMNS)

# The application never sets the version: a save() from a copy read before a bump writes the
# older number back, so the triggers keep the higher one. A change of content raises it by one;
# so does a change of the post's images or document.
POSTGRESQL = [
    f"""
    CREATE FUNCTION walls_post_keep_content_version() RETURNS trigger AS $$
    BEGIN
        IF ROW({_OLD}) IS DISTINCT FROM ROW({_NEW}) THEN
            NEW.content_version := GREATEST(OLD.content_version, NEW.content_version) + 1;
        ELSIF NEW.content_version < OLD.content_version THEN
            NEW.content_version := OLD.content_version;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER walls_post_content_changed BEFORE UPDATE ON walls_post FOR EACH ROW
    EXECUTE FUNCTION walls_post_keep_content_version()
    """,
    """
    CREATE FUNCTION walls_post_attachment_changed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE walls_post SET content_version = content_version + 1 WHERE id = OLD.post_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            UPDATE walls_post SET content_version = content_version + 1 WHERE id = NEW.post_id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION walls_post_attachment_changed()
        """
        for table in ATTACHED
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}" for table in ATTACHED),
    "DROP FUNCTION IF EXISTS walls_post_attachment_changed()",
    "DROP TRIGGER IF EXISTS walls_post_content_changed ON walls_post",
    "DROP FUNCTION IF EXISTS walls_post_keep_content_version()",
]

_BUMP = "UPDATE walls_post SET content_version = content_version + 1 WHERE id = {row}.post_id;"
# SQLite's triggers do not recurse by default, so their own UPDATEs do not fire them again.
SQLITE = [
    f"""
    CREATE TRIGGER walls_post_content_changed AFTER UPDATE ON walls_post FOR EACH ROW
    WHEN {_CHANGED_SQLITE}
    BEGIN
        UPDATE walls_post SET content_version = max(OLD.content_version, NEW.content_version) + 1
        WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER walls_post_content_version_kept AFTER UPDATE OF content_version ON walls_post
    FOR EACH ROW WHEN NEW.content_version < OLD.content_version AND NOT ({_CHANGED_SQLITE})
    BEGIN
        UPDATE walls_post SET content_version = OLD.content_version WHERE id = NEW.id;
    END
    """,
    *(
        f"CREATE TRIGGER {table}_inserted AFTER INSERT ON {table} FOR EACH ROW "
        f"BEGIN {_BUMP.format(row='NEW')} END"
        for table in ATTACHED
    ),
    *(
        f"CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} FOR EACH ROW "
        f"BEGIN {_BUMP.format(row='OLD')} {_BUMP.format(row='NEW')} END"
        for table in ATTACHED
    ),
    *(
        f"CREATE TRIGGER {table}_deleted AFTER DELETE ON {table} FOR EACH ROW "
        f"BEGIN {_BUMP.format(row='OLD')} END"
        for table in ATTACHED
    ),
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS walls_post_content_changed",
    "DROP TRIGGER IF EXISTS walls_post_content_version_kept",
    *(
        f"DROP TRIGGER IF EXISTS {table}_{event}"
        for table in ATTACHED
        for event in ("inserted", "updated", "deleted")
    ),
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("walls", "0003_alter_post_rubric")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="content_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]

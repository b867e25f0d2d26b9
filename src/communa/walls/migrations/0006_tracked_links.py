# ruff: noqa: S608 — the statements are built from the constant names below.
# Tracked links (R8.8): each outbound link of a post gets a short code; the team may choose the
# UTM tags. A post's card shows its short links, so inserting, removing or re-pointing one raises
# the post's content version (the cache key of its card, ADR 0009), like its images do.

import hashlib
import secrets
import string
from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from communa.core.links import find_hrefs, is_web_address

TABLE = "walls_trackedlink"
# What a card shows of a link: its address and code, and whether it is still in the post. Its
# click counter and position are not shown, so counting a click keeps the card.
SHOWN = "url, code, in_post"

POSTGRESQL = [
    """
    CREATE FUNCTION walls_trackedlink_changed() RETURNS trigger AS $$
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
    f"""
    CREATE TRIGGER {TABLE}_changed AFTER INSERT OR DELETE OR UPDATE OF {SHOWN} ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION walls_trackedlink_changed()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_changed ON {TABLE}",
    "DROP FUNCTION IF EXISTS walls_trackedlink_changed()",
]

_BUMP = "UPDATE walls_post SET content_version = content_version + 1 WHERE id = {row}.post_id;"
SQLITE = [
    f"""CREATE TRIGGER {TABLE}_inserted AFTER INSERT ON {TABLE} FOR EACH ROW
    BEGIN {_BUMP.format(row="NEW")} END""",
    f"""CREATE TRIGGER {TABLE}_updated AFTER UPDATE OF {SHOWN} ON {TABLE} FOR EACH ROW
    BEGIN {_BUMP.format(row="OLD")} {_BUMP.format(row="NEW")} END""",
    f"""CREATE TRIGGER {TABLE}_deleted AFTER DELETE ON {TABLE} FOR EACH ROW
    BEGIN {_BUMP.format(row="OLD")} END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("inserted", "updated", "deleted")
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


_ALPHABET = string.ascii_letters + string.digits


def _code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def track_existing_posts(apps: Any, schema_editor: Any) -> None:
    """Posts written before links were tracked get their links tracked as the actions would."""
    post_model = apps.get_model("walls", "Post")
    link_model = apps.get_model("walls", "TrackedLink")
    with_links = post_model.objects.exclude(link_url="", body_html="").order_by("pk")
    last = 0
    while True:
        # In batches by key: the triggers touch the posts' rows while their links go in.
        batch = list(
            with_links.filter(pk__gt=last).values_list("pk", "link_url", "body_html")[:500]
        )
        if not batch:
            return
        last = batch[-1][0]
        rows = []
        for post_id, link_url, body_html in batch:
            urls: dict[str, None] = {}
            if link_url and is_web_address(link_url):
                urls[link_url] = None
            for url in find_hrefs(body_html or ""):
                urls.setdefault(url, None)
            rows += [
                link_model(
                    post_id=post_id,
                    url=url,
                    url_digest=hashlib.sha256(url.encode()).hexdigest(),
                    code=_code(),
                    position=position,
                )
                for position, url in enumerate(urls)
            ]
        link_model.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0005_drafts_and_scheduling"),
    ]

    operations = [
        migrations.CreateModel(
            name="LinkTags",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "utm_source",
                    models.CharField(blank=True, max_length=100, verbose_name="UTM source"),
                ),
                (
                    "utm_medium",
                    models.CharField(blank=True, max_length=100, verbose_name="UTM medium"),
                ),
                (
                    "utm_campaign",
                    models.CharField(blank=True, max_length=100, verbose_name="UTM campaign"),
                ),
                (
                    "utm_content",
                    models.CharField(blank=True, max_length=100, verbose_name="UTM content"),
                ),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "post",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="link_tags",
                        to="walls.post",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TrackedLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.TextField()),
                ("url_digest", models.CharField(max_length=64)),
                ("code", models.CharField(max_length=16, unique=True)),
                ("position", models.PositiveIntegerField(default=0)),
                ("in_post", models.BooleanField(default=True)),
                ("click_count", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "post",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tracked_links",
                        to="walls.post",
                    ),
                ),
            ],
            options={
                "ordering": ["-in_post", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("post", "url_digest"), name="tracked_link_once")
                ],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(track_existing_posts, migrations.RunPython.noop),
    ]

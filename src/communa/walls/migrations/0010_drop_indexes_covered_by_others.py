"""A comment's author and topic are found by the indexes that start with them (the author's
recent comments; a topic's comments in order): their own indexes were only written, on every
comment (issue 11). Only the indexes go; the foreign keys stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _drop(index: str, column: str) -> migrations.RunSQL:
    # The same index name on SQLite and PostgreSQL (Django's naming).
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "walls_comment" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("walls", "0009_counter_updates_skip_content_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop("walls_comment_author_id_99444bde", "author_id"),
                _drop("walls_comment_topic_id_6c0e46bd", "topic_id"),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="topic",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="walls.topic",
                    ),
                ),
            ],
        )
    ]

"""A notification's recipient is found by the index that starts with it (their notifications,
newest first): its own index was only written, on every notification (issue 11). Only the index
goes; the foreign key stays as it is."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_contest_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # The same index name on SQLite and PostgreSQL (Django's naming).
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_notification_recipient_id_cb6b57f5"',
                    reverse_sql='CREATE INDEX "accounts_notification_recipient_id_cb6b57f5"'
                    ' ON "accounts_notification" ("recipient_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        )
    ]

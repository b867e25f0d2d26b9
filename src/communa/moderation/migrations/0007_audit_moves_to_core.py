# The audit log's model now lives in core (core 0002); its table and triggers stay as they are.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_held_items"),
        ("core", "0002_auditentry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
        ),
    ]

# Posts' rubric now points at communities.Rubric: the same table, so only the state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_rubric"),
        ("walls", "0002_held_items"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="rubric",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.RESTRICT,
                        related_name="posts",
                        to="communities.rubric",
                    ),
                ),
            ],
        ),
    ]

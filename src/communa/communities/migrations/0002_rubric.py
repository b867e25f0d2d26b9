# Rubrics move from the planner into communities (ADR 0006). Only the state moves: the table
# keeps its name, planner_rubric, and its rows.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0002_default_rubrics"),
        ("communities", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Rubric",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("product", "Product information"),
                                    ("interaction", "Interaction with members"),
                                    ("entertainment", "Entertainment"),
                                    ("behind_scenes", "Behind the scenes / HR"),
                                    ("expert", "Educational / expert"),
                                    ("poll", "Poll"),
                                    ("news", "Industry news"),
                                    ("graphics", "Graphics"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=80, verbose_name="name")),
                        (
                            "default_tone",
                            models.CharField(
                                choices=[
                                    ("branded", "Branded"),
                                    ("functional", "Functional"),
                                    ("emotional", "Emotional"),
                                ],
                                default="functional",
                                max_length=12,
                                verbose_name="default tone",
                            ),
                        ),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("archived", models.BooleanField(default=False)),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rubrics",
                                to="communities.community",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "planner_rubric",
                        "ordering": ["position", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("code", ""), _negated=True),
                                fields=("community", "code"),
                                name="rubric_default_once",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]

# The Rubric model now lives in communities (communities 0002); its table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0002_default_rubrics"),
        ("walls", "0003_alter_post_rubric"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(
                    name="Rubric",
                ),
            ],
        ),
    ]

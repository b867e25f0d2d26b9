"""Give communities created before rubrics existed the default rubrics (R8.1)."""

from django.db import migrations

CODES = [
    ("product", "branded"),
    ("interaction", "emotional"),
    ("entertainment", "emotional"),
    ("behind_scenes", "branded"),
    ("expert", "functional"),
    ("poll", "emotional"),
    ("news", "functional"),
    ("graphics", "emotional"),
]


def add_defaults(apps, schema_editor):
    community_model = apps.get_model("communities", "Community")
    rubric_model = apps.get_model("planner", "Rubric")
    for community_id in community_model.objects.values_list("id", flat=True):
        present = set(
            rubric_model.objects.filter(community_id=community_id).values_list("code", flat=True)
        )
        rubric_model.objects.bulk_create(
            rubric_model(community_id=community_id, code=code, default_tone=tone, position=i)
            for i, (code, tone) in enumerate(CODES)
            if code not in present
        )


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]

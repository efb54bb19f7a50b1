from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0003_minutes_front_matter"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["starts_at", "id"], name="minutes_meeting_starts_id"),
        ),
    ]

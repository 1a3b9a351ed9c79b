"""A wave may ask optional questions about the respondent (gender, race and ethnicity, age
band, career stage: clinwell.instruments.attributes), chosen before launch."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_wave_email_and_scheduled_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="attributes",
            field=models.JSONField(blank=True, default=list),
        ),
    ]

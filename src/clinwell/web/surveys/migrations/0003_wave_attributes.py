"""A wave may ask optional questions about the respondent (gender, race and ethnicity, age
band, career stage: clinwell.instruments.attributes), chosen before launch."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_sealed_responses"),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="attributes",
            field=models.JSONField(blank=True, default=list),
        ),
    ]

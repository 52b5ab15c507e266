"""Tariff names in each site language. The existing names were written in English, the site's
default language (LANGUAGE_CODE "en"), so they become the English ones (the column is renamed)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0002_translated_verbose_names"),
    ]

    operations = [
        migrations.RenameField(model_name="tariff", old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name="tariff",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="name (English)"),
        ),
        migrations.AddField(
            model_name="tariff",
            name="name_uk",
            field=models.CharField(blank=True, max_length=60, verbose_name="name (Ukrainian)"),
        ),
        migrations.AddConstraint(
            model_name="tariff",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("name_en", ""), _negated=True), models.Q(("name_uk", ""), _negated=True), _connector="OR"),
                name="tariff_has_a_name",
            ),
        ),
    ]

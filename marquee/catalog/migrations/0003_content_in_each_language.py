"""Titles, descriptions and genre names in each site language.

The existing values were written in English, the site's default language (LANGUAGE_CODE "en"),
so they become the English ones: the columns are renamed, not copied. Ukrainian starts blank
and falls back to English until someone writes it.
"""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_translated_verbose_names"),
    ]

    operations = [
        migrations.RenameField(model_name="genre", old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name="genre",
            name="name_en",
            field=models.CharField(blank=True, max_length=60, verbose_name="name (English)"),
        ),
        migrations.AddField(
            model_name="genre",
            name="name_uk",
            field=models.CharField(blank=True, max_length=60, verbose_name="name (Ukrainian)"),
        ),
        migrations.RenameField(model_name="movie", old_name="title", new_name="title_en"),
        migrations.AlterField(
            model_name="movie",
            name="title_en",
            field=models.CharField(blank=True, db_index=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="movie",
            name="title_uk",
            field=models.CharField(blank=True, db_index=True, max_length=200, verbose_name="title (Ukrainian)"),
        ),
        migrations.RenameField(model_name="movie", old_name="description", new_name="description_en"),
        migrations.AlterField(
            model_name="movie",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.AddField(
            model_name="movie",
            name="description_uk",
            field=models.TextField(blank=True, verbose_name="description (Ukrainian)"),
        ),
        migrations.AlterModelOptions(
            name="genre",
            options={"ordering": ["name_en", "name_uk"], "verbose_name": "genre", "verbose_name_plural": "genres"},
        ),
        migrations.AlterModelOptions(
            name="movie",
            options={"ordering": ["title_en", "title_uk"], "verbose_name": "movie", "verbose_name_plural": "movies"},
        ),
        migrations.AddConstraint(
            model_name="genre",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name_en"),
                condition=models.Q(("name_en", ""), _negated=True),
                name="genre_name_en_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="genre",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name_uk"),
                condition=models.Q(("name_uk", ""), _negated=True),
                name="genre_name_uk_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="genre",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("name_en", ""), _negated=True), models.Q(("name_uk", ""), _negated=True), _connector="OR"),
                name="genre_has_a_name",
            ),
        ),
        migrations.AddConstraint(
            model_name="movie",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("title_en", ""), _negated=True), models.Q(("title_uk", ""), _negated=True), _connector="OR"),
                name="movie_has_a_title",
            ),
        ),
    ]

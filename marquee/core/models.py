"""The base every Marquee table stands on."""

from django.db import models


class TimeStampedModel(models.Model):
    """Every table records when a row was made and last changed (both seeds ask for it)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

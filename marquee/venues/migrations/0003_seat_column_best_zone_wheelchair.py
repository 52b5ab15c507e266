"""Seats get a place across the hall (`column`, so that halls can have aisles and gaps), a
"best seats" zone, and two types: wheelchair spaces and their companion seats.

Existing seats stand where their numbers say (no aisles), and each hall's zone is the
default one (marquee.venues.zones, copied here as it is today: a migration must not change
when that module does)."""

from django.db import migrations, models
from django.db.models import Q


def _default_zone(places):
    rows = sorted({row for row, _column in places})
    third = len(rows) // 3
    middle_rows = set(rows[third : len(rows) - third])
    columns = [column for _row, column in places]
    first, last = min(columns), max(columns)
    quarter = (last - first + 1) // 4
    return {(r, c) for r, c in places if r in middle_rows and first + quarter <= c <= last - quarter}


def places_and_zones(apps, schema_editor):
    Seat = apps.get_model("venues", "Seat")
    Seat.objects.update(column=models.F("seat_number"))
    halls = Seat.objects.values_list("hall_id", flat=True).distinct()
    for hall_id in halls:
        places = list(Seat.objects.filter(hall_id=hall_id).values_list("row_number", "column"))
        zone = _default_zone(places)
        ids = [
            pk
            for pk, row, column in Seat.objects.filter(hall_id=hall_id).values_list("pk", "row_number", "column")
            if (row, column) in zone
        ]
        Seat.objects.filter(pk__in=ids).update(best_zone=True)


class Migration(migrations.Migration):
    dependencies = [("venues", "0002_translated_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="seat", name="column", field=models.PositiveSmallIntegerField(null=True, verbose_name="column")
        ),
        migrations.AddField(
            model_name="seat",
            name="best_zone",
            field=models.BooleanField(default=False, verbose_name="best seats zone"),
        ),
        migrations.RunPython(places_and_zones, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="seat", name="column", field=models.PositiveSmallIntegerField(verbose_name="column")
        ),
        migrations.RemoveConstraint(model_name="seat", name="seat_position_positive"),
        migrations.AddConstraint(
            model_name="seat",
            constraint=models.CheckConstraint(
                condition=Q(row_number__gt=0) & Q(seat_number__gt=0) & Q(column__gt=0), name="seat_position_positive"
            ),
        ),
        migrations.RemoveConstraint(model_name="seat", name="seat_type_valid"),
        migrations.AddConstraint(
            model_name="seat",
            constraint=models.CheckConstraint(
                condition=Q(seat_type__in=["standard", "vip", "accessible", "wheelchair", "companion"]),
                name="seat_type_valid",
            ),
        ),
        migrations.AlterField(
            model_name="seat",
            name="seat_type",
            field=models.CharField(
                choices=[
                    ("standard", "Standard"),
                    ("vip", "VIP"),
                    ("accessible", "Accessible"),
                    ("wheelchair", "Wheelchair space"),
                    ("companion", "Companion seat"),
                ],
                default="standard",
                max_length=16,
                verbose_name="seat type",
            ),
        ),
        migrations.AddConstraint(
            model_name="seat",
            constraint=models.UniqueConstraint(fields=("hall", "row_number", "column"), name="seat_place_unique_in_hall"),
        ),
    ]

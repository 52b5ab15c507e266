"""On PostgreSQL, the database itself refuses overlapping showtimes in one hall.

SQLite has no exclusion constraints; there the scheduling service's check, run inside
an IMMEDIATE transaction (writers one at a time), is the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_showtime ADD CONSTRAINT showtime_no_overlap_in_hall
    EXCLUDE USING gist (hall_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status = 'scheduled');
"""
DROP = "ALTER TABLE scheduling_showtime DROP CONSTRAINT IF EXISTS showtime_no_overlap_in_hall;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

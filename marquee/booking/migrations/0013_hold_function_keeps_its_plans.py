"""The hold's database function plans its statements once per connection, not once per call.

PL/pgSQL keeps a prepared plan for each statement of a function, but under the default
`plan_cache_mode = auto` PostgreSQL weighs a fresh plan for the call's own values against the
generic one and, for the hold's statements (arrays of seat ids, a showtime, an email), kept
planning afresh: about a millisecond of the database's CPU on every hold, more than the
statements themselves took to run. Every statement of the function looks rows up by key or by
index with the values it is given, so one generic plan serves every call (bench/request_cpu.py:
the hold's PostgreSQL CPU 3.7 → 2.6 ms). The setting is the function's own; other statements of
the same connection keep the default.
"""

import importlib

from django.db import migrations

_hold = importlib.import_module("marquee.booking.migrations.0012_hold_answers_row_occupancy")

HOLD = f"marquee_booking_hold({_hold.HOLD_SIGNATURE})"


class Migration(migrations.Migration):
    dependencies = [("booking", "0012_hold_answers_row_occupancy")]

    operations = [
        _hold.PostgreSQLOnly(
            f"ALTER FUNCTION {HOLD} SET plan_cache_mode = force_generic_plan",
            f"ALTER FUNCTION {HOLD} RESET plan_cache_mode",
        ),
    ]

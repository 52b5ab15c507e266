"""Pay and cancel plan their statements once per connection, not once per call (as the hold
does since booking 0013, which says why): each statement looks one booking and its rows up by
key, so one generic plan serves every call."""

import importlib

from django.db import migrations

_pay = importlib.import_module("marquee.payments.migrations.0007_pay_answers_its_payment")
PostgreSQLOnly = importlib.import_module("marquee.booking.migrations.0011_hold_function").PostgreSQLOnly

FUNCTIONS = [f"marquee_booking_pay({_pay.SIGNATURE})", "marquee_booking_cancel(text, text, timestamptz)"]


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_pay_answers_its_payment")]

    operations = [
        PostgreSQLOnly(
            [f"ALTER FUNCTION {name} SET plan_cache_mode = force_generic_plan" for name in FUNCTIONS],
            [f"ALTER FUNCTION {name} RESET plan_cache_mode" for name in FUNCTIONS],
        ),
    ]

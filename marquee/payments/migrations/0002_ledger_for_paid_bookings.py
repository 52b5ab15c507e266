"""Every booking paid before the ledger existed gets its payment (and, when it was
cancelled after paying, its refund): the ledger starts out adding up."""

from django.conf import settings
from django.db import migrations

from marquee.payments.backfill import backfill_ledger


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    backfill_ledger(
        booking_model=apps.get_model("booking", "Booking"),
        payment_model=apps.get_model("payments", "Payment"),
        refund_model=apps.get_model("payments", "Refund"),
        currency=settings.CURRENCY,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

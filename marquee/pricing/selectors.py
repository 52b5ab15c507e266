"""Reading tariffs and prices."""

import datetime as dt

from marquee.core.clock import local
from marquee.pricing.models import Tariff
from marquee.pricing.prices import tariff_for


def tariff_at(starts_at: dt.datetime) -> Tariff | None:
    """The tariff for a showtime starting at `starts_at` (an aware datetime)."""
    return tariff_for(Tariff.objects.all(), local(starts_at))

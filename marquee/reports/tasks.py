"""Background work for reports: the worker runs `tally_showtimes` now and then (hourly is plenty)."""

from django.tasks import task

from marquee.reports.services import showtimes_tally


@task()
def tally_showtimes() -> int:
    return showtimes_tally()

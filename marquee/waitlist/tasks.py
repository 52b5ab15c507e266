"""Background work: offering a showtime's freed seats to its waiting list."""

from django.tasks import task

from marquee.waitlist.services import waitlist_offer


@task()
def offer_freed_seats(showtime_id: int) -> int:
    return waitlist_offer(showtime_id=showtime_id)

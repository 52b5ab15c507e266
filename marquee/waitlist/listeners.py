"""What the waiting list does when booking says seats came free: a task per showtime with
someone waiting (run by the worker), so that the request that freed them answers at once."""

from marquee.waitlist.selectors import showtime_has_waiting
from marquee.waitlist.tasks import offer_freed_seats


def seats_freed_enqueue(showtime_ids: list[int]) -> None:
    for showtime_id in showtime_has_waiting(showtime_ids):
        offer_freed_seats.enqueue(showtime_id=showtime_id)

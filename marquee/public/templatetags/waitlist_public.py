"""The waiting list's join form on a sold-out showtime's page (public/_waitlist.html)."""

from typing import Any

from django import template

from marquee.public.waitlist import join_context
from marquee.waitlist.selectors import showtime_free_seat_count_kept

register = template.Library()


@register.inclusion_tag("public/_waitlist_join.html")
def waitlist_join_form(showtime: Any, on_sale: bool) -> dict[str, Any]:
    """The form when the showtime is on sale and sold out; nothing otherwise. The count is kept
    with the seat map (no query while its seats have not changed)."""
    if not on_sale:
        return {"sold_out": False}
    return join_context(showtime, free=showtime_free_seat_count_kept(showtime.pk))

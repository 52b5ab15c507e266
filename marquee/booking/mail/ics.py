"""The calendar file: one event for the showtime, in the cinema's time zone."""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from marquee.booking.models import Booking
from marquee.core.clock import local


def showtime_ics(booking: Booking, *, seats_line: str, cancelled: bool = False) -> bytes:
    showtime = booking.showtime
    starts = local(showtime.starts_at)
    # The film's own length: the cleaning buffer in Showtime.ends_at is not the audience's.
    ends = starts + dt.timedelta(minutes=showtime.movie.duration_min)
    hall = showtime.hall
    cal = Calendar()
    cal.add("prodid", "-//Marquee//Tickets//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    # Stable per booking, so a resent or cancelling file updates the same calendar entry.
    event.add("uid", f"booking-{booking.reference}@marquee")
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstamp", booking.paid_at or booking.booked_at)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", f"{showtime.movie.title} ({settings.CINEMA_NAME})")
    # Words in the customer's language: the caller renders under translation.override().
    event.add(
        "location",
        _("%(cinema)s, %(hall)s (hall %(number)s)")
        % {"cinema": settings.CINEMA_NAME, "hall": hall.name, "number": hall.number},
    )
    event.add(
        "description", _("Booking %(reference)s. %(seats)s") % {"reference": booking.reference, "seats": seats_line}
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    # VTIMEZONE blocks, so clients that do not know the zone's name still get the right time;
    # the rules of the year around the show suffice (the default span, 1970-2038, costs 30 ms).
    cal.add_missing_timezones(
        first_date=starts.date() - dt.timedelta(days=366), last_date=starts.date() + dt.timedelta(days=366)
    )
    return cal.to_ical()

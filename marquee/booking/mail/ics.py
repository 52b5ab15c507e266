"""The calendar file: one event for the showtime, in the cinema's time zone.

Written here as text (RFC 5545), with the time zone's definition (VTIMEZONE) made by
icalendar once per day of showtimes: building the whole calendar through icalendar's
component tree took 2 ms of a tickets email, the time zone's rules most of it.
"""

import datetime as dt
import functools

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Timezone

from marquee.booking.models import Booking
from marquee.core.clock import local


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, day: dt.date) -> str:
    """VTIMEZONE, so that clients that do not know the zone's name still get the right time;
    the rules of the year around the show suffice (the default span, 1970-2038, costs 30 ms)."""
    zone = Timezone.from_tzid(tzid, first_date=day - dt.timedelta(days=366), last_date=day + dt.timedelta(days=366))
    return zone.to_ical().decode()


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued after CRLF and a space (RFC 5545, 3.1), never
    splitting a character (nor an escape, which some clients misread)."""
    if len(line.encode()) < 75:
        return line
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= 75:
            if len(current) > 1 and current[-1] == "\\":
                out.append(current[:-1])
                current, size = "\\", 1
            else:
                out.append(current)
                current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _local(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def showtime_ics(booking: Booking, *, seats_line: str, cancelled: bool = False) -> bytes:
    showtime = booking.showtime
    starts = local(showtime.starts_at)
    # The film's own length: the cleaning buffer in Showtime.ends_at is not the audience's.
    ends = starts + dt.timedelta(minutes=showtime.movie.duration_min)
    tzid = str(starts.tzinfo)
    hall = showtime.hall
    stamp = (booking.paid_at or booking.booked_at).astimezone(dt.UTC)
    # Words in the customer's language: the caller renders under translation.override().
    location = _("%(cinema)s, %(hall)s (hall %(number)s)") % {
        "cinema": settings.CINEMA_NAME,
        "hall": hall.name,
        "number": hall.number,
    }
    description = _("Booking %(reference)s. %(seats)s") % {"reference": booking.reference, "seats": seats_line}
    event = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(f'{showtime.movie.title} ({settings.CINEMA_NAME})')}",
        f"DTSTART;TZID={tzid}:{_local(starts)}",
        f"DTEND;TZID={tzid}:{_local(ends)}",
        f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
        # Stable per booking, so a resent or cancelling file updates the same calendar entry.
        f"UID:booking-{booking.reference}@marquee",
        f"SEQUENCE:{1 if cancelled else 0}",
        f"DESCRIPTION:{_text(description)}",
        f"LOCATION:{_text(location)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Marquee//Tickets//EN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
    ]
    text = "\r\n".join(head) + "\r\n" + _vtimezone(tzid, starts.date())
    text += "\r\n".join(_fold(line) for line in event) + "\r\nEND:VCALENDAR\r\n"
    return text.encode()

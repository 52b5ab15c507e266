"""The waiting list's emails: "you are in line" and "seats are held for you, pay by …".

Registered with the outbox by kind (WaitlistConfig.ready); rendered by the worker in the
customer's language, from the rows as they stand when it is sent.
"""

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from marquee.booking.links import manage_link_url
from marquee.booking.models import BookingSeat, BookingStatus
from marquee.core.clock import local
from marquee.core.money import format_money
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import NotSendable, Rendered, register_renderer
from marquee.scheduling.models import Showtime
from marquee.waitlist.links import leave_url
from marquee.waitlist.models import EntryStatus, WaitlistEntry
from marquee.waitlist.selectors import entry_position


def _entry(mail: OutgoingMail) -> WaitlistEntry:
    entry = (
        WaitlistEntry.objects.select_related("showtime__movie", "showtime__hall", "booking")
        .filter(pk=mail.context.get("entry_id"))
        .first()
    )
    if entry is None:
        raise NotSendable("not sent: the waiting list entry is gone")
    return entry


def _show(showtime: Showtime) -> dict[str, object]:
    starts = local(showtime.starts_at)
    return {
        "movie": showtime.movie,
        "hall": showtime.hall,
        "duration_min": showtime.movie.duration_min,
        "date": formats.date_format(starts, "l, j E Y"),
        "time": formats.time_format(starts, "H:i"),
    }


def render_joined(mail: OutgoingMail) -> Rendered:
    entry = _entry(mail)
    if entry.status != EntryStatus.WAITING:
        raise NotSendable(f"not sent: the entry is {entry.status}")
    return Rendered(
        subject=_("You are on the waiting list: %(movie)s") % {"movie": entry.showtime.movie.title},
        context={
            **_show(entry.showtime),
            "entry": entry,
            "position": entry_position(entry),
            "leave_url": leave_url(entry),
            "offer_minutes": settings.WAITLIST_OFFER_MINUTES,
        },
        template="waitlist/email/joined",
    )


def render_offer(mail: OutgoingMail) -> Rendered:
    entry = _entry(mail)
    booking = entry.booking
    if booking is None or entry.status != EntryStatus.OFFERED or booking.status != BookingStatus.PENDING:
        raise NotSendable(f"not sent: the offer is {entry.status}")
    seats = (
        BookingSeat.objects.filter(booking=booking).select_related("seat").order_by("seat__row_number", "seat__column")
    )
    expires = local(booking.expires_at)
    return Rendered(
        subject=_("Seats are held for you: %(movie)s") % {"movie": entry.showtime.movie.title},
        context={
            **_show(entry.showtime),
            "entry": entry,
            "booking": booking,
            "seats": [(bs.seat.row_number, bs.seat.seat_number, format_money(bs.final_price)) for bs in seats],
            "total": format_money(booking.total_price),
            "pay_url": manage_link_url(booking),
            "leave_url": leave_url(entry),
            "until": formats.date_format(expires, "j E H:i"),
        },
        template="waitlist/email/offer",
    )


def register_mail_renderers() -> None:
    register_renderer(MailKind.WAITLIST_JOINED, render_joined)
    register_renderer(MailKind.WAITLIST_OFFER, render_offer)

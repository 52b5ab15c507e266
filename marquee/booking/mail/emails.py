"""The booking's emails: tickets (sent, sent again, after a move), the receipt, refund and
cancellation notices, a moved or cancelled showtime, and the customer's sign-in link.

Rendered when the notifications worker sends them (registered by kind with
marquee.notifications.rendering.email in BookingConfig.ready), in the language the mail was
queued in. Templates live in booking/templates/booking/email/<name>.{txt,html} and extend the
outbox's notifications/email/base.html.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marquee.booking.checkin import ticket_code_of
from marquee.booking.links import manage_link_url
from marquee.booking.mail.ics import showtime_ics
from marquee.booking.mail.tickets_pdf import TicketPage, tickets_pdf
from marquee.booking.models import Booking, BookingSeat, BookingStatus
from marquee.booking.selectors import booking_detail
from marquee.core.clock import local
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import InlineImage, NotSendable, Rendered, register_renderer
from marquee.notifications.rendering.qr import qr_png
from marquee.venues.models import SeatType

TICKET_KINDS = frozenset({MailKind.TICKETS, MailKind.RESEND, MailKind.BOOKING_MOVED})
BOOKING_KINDS = frozenset(
    {
        *TICKET_KINDS,
        MailKind.SHOWTIME_MOVED,
        MailKind.RECEIPT,
        MailKind.REFUND,
        MailKind.CANCELLATION,
        MailKind.SHOWTIME_CANCELLED,
    }
)


def _template(name: str) -> str:
    return f"booking/email/{name}"


@dataclass
class Admission:
    ticket: BookingSeat
    code: str
    cid: str
    row: int
    seat: int
    seat_type: str
    price: str
    tariff: str
    ticket_type: str = ""  # "Student": who the ticket is for
    door_note: str = ""  # what the door checks for that type ("Show student ID")
    access: str = ""  # a wheelchair space or a companion seat, said in a sentence


def _access_note(seat_type: str) -> str:
    if seat_type == SeatType.WHEELCHAIR:
        return _("Wheelchair space: a place for a wheelchair, with no seat.")
    if seat_type == SeatType.COMPANION:
        return _("Companion seat, beside a wheelchair space.")
    return ""


def _admissions(booking: Booking, *, show_prices: bool) -> list[Admission]:
    """Needs the booking as booking_detail reads it: its seats by row and number, with theirs."""
    tickets = list(booking.seats.all())
    return [
        Admission(
            ticket=t,
            code=ticket_code_of(t),
            cid=f"qr-{t.pk}@marquee",
            row=t.seat.row_number,
            seat=t.seat.seat_number,
            seat_type=str(t.seat.get_seat_type_display()),
            price=money_text(t.final_price) if show_prices else "",
            tariff=t.tariff_label,
            ticket_type=t.ticket_type_label,
            door_note=t.door_note,
            access=_access_note(t.seat.seat_type),
        )
        for t in tickets
    ]


def _when(booking: Booking) -> tuple[str, str, str]:
    """(local date, local time, both written out) of the showtime."""
    starts = local(booking.showtime.starts_at)
    # "E": the month's name as it stands in a date (the genitive in Ukrainian), as on the site.
    day = formats.date_format(starts, "l, j E Y")
    time = formats.time_format(starts, "H:i")
    return day, time, f"{day}, {time}"


def _seats_line(admissions: list[Admission]) -> str:
    return "; ".join(_("row %(row)s, seat %(seat)s") % {"row": a.row, "seat": a.seat} for a in admissions)


def _is_gift_copy(booking: Booking, mail: OutgoingMail) -> bool:
    """The recipient's copy of a gift's mail (the buyer's goes to the buyer's address)."""
    return booking.is_gift and mail.to_email.lower() == booking.ticket_email.lower()


def _promo_line(booking: Booking, admissions: list[Admission]) -> str:
    """ "Promo code KINO20: −UAH 60.00" for a booking that used one, else ""."""
    if not booking.promo_code_text:
        return ""
    off = sum((a.ticket.discount for a in admissions), Decimal("0.00"))
    return _("Promo code %(code)s: −%(amount)s") % {"code": booking.promo_code_text, "amount": money_text(off)}


def _booking_context(booking: Booking, mail: OutgoingMail, *, show_prices: bool) -> dict[str, Any]:
    admissions = _admissions(booking, show_prices=show_prices)
    day, time, when = _when(booking)
    showtime = booking.showtime
    is_gift_copy = _is_gift_copy(booking, mail)
    return {
        "booking": booking,
        "movie": showtime.movie,
        "hall": showtime.hall,
        # "3D · Original, Ukrainian subtitles", in the reader's language ("" when not said).
        "presentation": showtime.presentation,
        "date": day,
        "time": time,
        "when": when,
        "admissions": admissions,
        "seats_line": _seats_line(admissions),
        "total": money_text(booking.total_price) if show_prices else "",
        "promo_line": _promo_line(booking, admissions) if show_prices else "",
        "currency": settings.CURRENCY,
        # A gift recipient gets the tickets, not the power to cancel the giver's purchase.
        "manage_url": "" if is_gift_copy else manage_link_url(booking),
        "is_gift_copy": is_gift_copy,
        "giver_name": booking.customer.full_name if booking.customer else "",
        "giver_first_name": booking.customer.first_name if booking.customer else "",
        "gift_message": booking.gift_message if is_gift_copy else "",
        "recipient_name": booking.ticket_name,
        "recipient_email": booking.ticket_email,
        "duration_min": showtime.movie.duration_min,
    }


def _short_date(booking: Booking) -> str:
    # A format per language: "26 Nov 2026", but "26 листопада 2026" (Ukrainian abbreviates
    # months rarely, and the genitive "E" is how the site writes dates).
    return formats.date_format(local(booking.showtime.starts_at), pgettext("date in email subjects", "j M Y"))


def _render_tickets(mail: OutgoingMail, booking: Booking) -> Rendered:
    if booking.status != BookingStatus.PAID:
        raise NotSendable(f"not sent: the booking is {booking.status}")
    # Gift etiquette: the recipient's copy shows no prices.
    ctx = _booking_context(booking, mail, show_prices=not _is_gift_copy(booking, mail))
    admissions: list[Admission] = ctx["admissions"]
    images = [
        InlineImage(cid=a.cid, content=qr_png(a.code), filename=f"ticket-{i}.png") for i, a in enumerate(admissions, 1)
    ]
    pages = [
        TicketPage(
            cinema=settings.CINEMA_NAME,
            movie=booking.showtime.movie.title,
            age_rating=f"{booking.showtime.movie.age_rating}+",
            when=ctx["when"],
            hall=_("%(name)s · hall %(number)s")
            % {"name": booking.showtime.hall.name, "number": booking.showtime.hall.number},
            presentation=ctx["presentation"],
            row=a.row,
            seat=a.seat,
            seat_type=a.seat_type,
            price=a.price,
            tariff=a.tariff,
            ticket_type=a.ticket_type,
            door_note=a.door_note,
            reference=booking.reference,
            holder=booking.ticket_name,
            code=a.code,
            position=_("Ticket %(number)s of %(tickets)s") % {"number": i, "tickets": len(admissions)},
        )
        for i, a in enumerate(admissions, 1)
    ]
    title = f"{booking.showtime.movie.title} — {ctx['when']}"
    movie, day = booking.showtime.movie.title, _short_date(booking)
    ctx["moved_note"] = _moved_note(mail)
    ctx["old_when"] = _old_when(mail)
    if ctx["is_gift_copy"] and mail.kind in (MailKind.TICKETS, MailKind.RESEND):
        subject = _("%(name)s sent you tickets: %(movie)s, %(date)s") % {
            "name": booking.customer.first_name if booking.customer else "",
            "movie": movie,
            "date": day,
        }
    elif mail.kind == MailKind.TICKETS:
        subject = _("Your tickets: %(movie)s, %(date)s") % {"movie": movie, "date": day}
    elif mail.kind == MailKind.BOOKING_MOVED:
        subject = _("Your booking was moved: new tickets for %(movie)s, %(date)s") % {"movie": movie, "date": day}
    elif mail.kind == MailKind.SHOWTIME_MOVED:
        subject = _("New time: %(movie)s, %(date)s") % {"movie": movie, "date": day}
    else:
        subject = _("Your tickets (sent again): %(movie)s, %(date)s") % {"movie": movie, "date": day}
    return Rendered(
        subject=subject,
        context=ctx,
        # One template for every kind of tickets, with the sentence of its kind.
        template=_template("tickets"),
        inline_images=images,
        attachments=[
            ("tickets.pdf", tickets_pdf(pages, title=title), "application/pdf"),
            ("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"]), "text/calendar"),
        ],
    )


def _moved_note(mail: OutgoingMail) -> str:
    """What a "booking moved" email says about the price difference, in the mail's language."""
    move = mail.context.get("move") or {}
    amount = money_text(Decimal(move["difference"])) if move.get("difference") else ""
    if move.get("direction") == "paid":
        return _("The new seats cost %(amount)s more, which you paid at the box office.") % {"amount": amount}
    if move.get("direction") == "refunded":
        if move.get("how") == "cash":
            return _("The new seats cost %(amount)s less: collect it at the box office.") % {"amount": amount}
        return _("The new seats cost %(amount)s less: it is refunded to your card.") % {"amount": amount}
    return ""


def _old_when(mail: OutgoingMail) -> str:
    raw = mail.context.get("old_starts_at")
    if not raw:
        return ""
    try:
        old = local(dt.datetime.fromisoformat(raw))
    except ValueError:
        return ""
    return f"{formats.date_format(old, 'l, j E Y')}, {formats.time_format(old, 'H:i')}"


def _render_showtime_moved(mail: OutgoingMail, booking: Booking) -> Rendered:
    """A showtime moved in time: a paid booking's tickets again (same codes) with the new
    time; a live hold is told the new time (and its calendar entry)."""
    if booking.status == BookingStatus.PAID:
        return _render_tickets(mail, booking)
    if booking.status != BookingStatus.PENDING:
        raise NotSendable(f"not sent: the booking is {booking.status}")
    ctx = _booking_context(booking, mail, show_prices=True)
    ctx["old_when"] = _old_when(mail)
    names = {"movie": booking.showtime.movie.title, "date": _short_date(booking)}
    return Rendered(
        subject=_("New time: %(movie)s, %(date)s") % names,
        context=ctx,
        attachments=[("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"]), "text/calendar")],
        template=_template("showtime_moved"),
    )


def render_booking_mail(mail: OutgoingMail) -> Rendered:
    """A message about one booking (its tickets, receipt, refund, cancellation, a moved or
    cancelled showtime), read afresh when it is sent."""
    if mail.booking_id is None:
        raise NotSendable(f"a {mail.kind} message needs a booking")
    # The answer's one statement: the booking, its customer, showtime and seats.
    booking = booking_detail(mail.booking_id)
    names = {"movie": booking.showtime.movie.title, "date": _short_date(booking)}
    if mail.kind == MailKind.SHOWTIME_MOVED:
        return _render_showtime_moved(mail, booking)
    if mail.kind in TICKET_KINDS:
        return _render_tickets(mail, booking)
    # The recipient of a gift sees no prices (nor refunds) in anything about it.
    ctx = _booking_context(booking, mail, show_prices=not _is_gift_copy(booking, mail))
    # What the booking's payments service said about money going back, when the mail was
    # queued (amounts, how, and whether it is done): worded here, in the customer's language.
    ctx["refunds"] = [{**r, "amount": money_text(Decimal(r["amount"]))} for r in mail.context.get("refunds", [])]
    ctx["refunds_told"] = "refunds" in mail.context
    ctx["late"] = bool(mail.context.get("late"))
    if mail.kind == MailKind.RECEIPT:
        return Rendered(
            subject=_("Your receipt: %(movie)s, %(date)s") % names, context=ctx, template=_template("receipt")
        )
    if mail.kind == MailKind.REFUND:
        if ctx["late"]:
            subject = _("Your payment came too late: refunded in full (%(movie)s, %(date)s)") % names
        else:
            subject = _("A refund for your booking: %(movie)s, %(date)s") % names
        return Rendered(subject=subject, context=ctx, template=_template("refund"))
    if mail.kind == MailKind.CANCELLATION:
        ctx["manage_url"] = ""
        if ctx["is_gift_copy"]:
            subject = _("Your gift tickets are cancelled: %(movie)s, %(date)s") % names
        else:
            subject = _("Booking cancelled: %(movie)s, %(date)s") % names
        return Rendered(
            subject=subject,
            context=ctx,
            template=_template("cancellation"),
            attachments=[
                ("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"], cancelled=True), "text/calendar")
            ],
        )
    if mail.kind == MailKind.SHOWTIME_CANCELLED:
        ctx["manage_url"] = ""
        return Rendered(
            subject=_("We are sorry: %(movie)s on %(date)s is cancelled") % names,
            context=ctx,
            template=_template("showtime_cancelled"),
            attachments=[
                ("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"], cancelled=True), "text/calendar")
            ],
        )
    raise ValueError(f"unknown booking mail kind {mail.kind!r}")


def render_sign_in_mail(mail: OutgoingMail) -> Rendered:
    """The link that signs a customer in to their bookings (booking.sign_in queues it)."""
    return Rendered(
        subject=_("Your sign-in link for %(cinema)s") % {"cinema": settings.CINEMA_NAME},
        context={"url": mail.context.get("url", ""), "customer": mail.customer},
        template=_template("sign_in"),
    )


def register_mail_renderers() -> None:
    """Tell the outbox how to write this app's messages (called from BookingConfig.ready)."""
    for kind in BOOKING_KINDS:
        register_renderer(kind, render_booking_mail)
    register_renderer(MailKind.SIGN_IN, render_sign_in_mail)

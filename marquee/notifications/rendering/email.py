"""One outbox row → one email: subject, plain text, HTML with inline QR codes, attachments.

Templates live in notifications/templates/notifications/email/<kind>.{txt,html}. The HTML
has inline CSS (mail clients drop <style> more often than style="") and a small
prefers-color-scheme block for clients that honour it.
"""

import datetime as dt
import email.message
import email.policy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from marquee.booking.checkin import ticket_code_of
from marquee.booking.links import manage_link_url
from marquee.booking.models import Booking, BookingSeat, BookingStatus, Customer
from marquee.catalog.models import Movie
from marquee.core.clock import local
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.ics import showtime_ics
from marquee.notifications.rendering.pdf import TicketPage, tickets_pdf
from marquee.notifications.rendering.qr import qr_png

log = logging.getLogger(__name__)

TICKET_KINDS = frozenset({MailKind.TICKETS, MailKind.RESEND, MailKind.BOOKING_MOVED})


class NotSendable(Exception):
    """The message no longer makes sense (tickets of a booking cancelled before sending, a
    recommendation to a customer who unsubscribed since): it fails at once, never retried."""


@dataclass(frozen=True)
class InlineImage:
    cid: str  # without angle brackets
    content: bytes
    filename: str


class RichEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose HTML part carries related inline images (cid:)."""

    def __init__(self, *args: Any, inline_images: list[InlineImage] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images or [])

    def _add_bodies(self, msg: email.message.EmailMessage) -> email.message.EmailMessage:
        msg = super()._add_bodies(msg)  # type: ignore[misc]  # stubs lack this private hook
        if self.inline_images:
            html = next(p for p in msg.walk() if p.get_content_type() == "text/html")
            for image in self.inline_images:
                # multipart/related: the images belong to the HTML, not listed as attachments.
                html.add_related(
                    image.content,
                    maintype="image",
                    subtype="png",
                    cid=f"<{image.cid}>",
                    disposition="inline",
                    filename=image.filename,
                )
        return msg


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


@dataclass
class Rendered:
    subject: str
    context: dict[str, Any]
    inline_images: list[InlineImage] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    template: str = ""  # the templates' name, when it is not the mail's kind


def _load_booking(booking_id: int) -> Booking:
    return Booking.objects.select_related(
        "customer", "showtime__movie", "showtime__hall", "showtime__format", "showtime__language_version"
    ).get(pk=booking_id)


def _admissions(booking: Booking, *, show_prices: bool) -> list[Admission]:
    tickets = list(
        BookingSeat.objects.filter(booking=booking)
        .select_related("seat", "tariff", "ticket_type")
        .order_by("seat__row_number", "seat__seat_number")
    )
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
        rendered = _render_tickets(mail, booking)
        rendered.template = "tickets"  # with the sentence of its kind
        return rendered
    if booking.status != BookingStatus.PENDING:
        raise NotSendable(f"not sent: the booking is {booking.status}")
    ctx = _booking_context(booking, mail, show_prices=True)
    ctx["old_when"] = _old_when(mail)
    names = {"movie": booking.showtime.movie.title, "date": _short_date(booking)}
    return Rendered(
        subject=_("New time: %(movie)s, %(date)s") % names,
        context=ctx,
        attachments=[("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"]), "text/calendar")],
        template="showtime_moved",
    )


def _render_booking_kind(mail: OutgoingMail) -> Rendered:
    assert mail.booking_id is not None
    booking = _load_booking(mail.booking_id)
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
        return Rendered(subject=_("Your receipt: %(movie)s, %(date)s") % names, context=ctx)
    if mail.kind == MailKind.REFUND:
        if ctx["late"]:
            subject = _("Your payment came too late: refunded in full (%(movie)s, %(date)s)") % names
        else:
            subject = _("A refund for your booking: %(movie)s, %(date)s") % names
        return Rendered(subject=subject, context=ctx)
    if mail.kind == MailKind.CANCELLATION:
        ctx["manage_url"] = ""
        if ctx["is_gift_copy"]:
            subject = _("Your gift tickets are cancelled: %(movie)s, %(date)s") % names
        else:
            subject = _("Booking cancelled: %(movie)s, %(date)s") % names
        return Rendered(
            subject=subject,
            context=ctx,
            attachments=[
                ("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"], cancelled=True), "text/calendar")
            ],
        )
    if mail.kind == MailKind.SHOWTIME_CANCELLED:
        ctx["manage_url"] = ""
        return Rendered(
            subject=_("We are sorry: %(movie)s on %(date)s is cancelled") % names,
            context=ctx,
            attachments=[
                ("showtime.ics", showtime_ics(booking, seats_line=ctx["seats_line"], cancelled=True), "text/calendar")
            ],
        )
    raise ValueError(f"unknown booking mail kind {mail.kind!r}")


def _render_recommendation(mail: OutgoingMail) -> Rendered:
    # Read afresh, not from the row the worker claimed: an unsubscribe that lands after the
    # campaign queued this message (or after the claim) must still stop it.
    if (
        mail.customer_id is not None
        and not Customer.objects.filter(pk=mail.customer_id, marketing_consent=True).exists()
    ):
        raise NotSendable("not sent: the customer withdrew their marketing consent")
    ids = [int(i) for i in mail.context.get("movies", []) if str(i).isdigit()]
    by_id = {m.pk: m for m in Movie.objects.filter(pk__in=ids).prefetch_related("genres")}
    movies = [by_id[i] for i in ids if i in by_id]
    customer = mail.customer
    ctx: dict[str, Any] = {
        "movies": movies,
        "customer": customer,
        "first_name": customer.first_name if customer else "",
        "site_url": settings.SITE_URL,
        "unsubscribe_url": mail.context.get("unsubscribe_url", ""),
    }
    headers: dict[str, str] = {}
    if ctx["unsubscribe_url"]:
        # RFC 8058 one-click unsubscribe: mail providers show an "Unsubscribe" button.
        headers["List-Unsubscribe"] = f"<{ctx['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    cinema = settings.CINEMA_NAME
    if not movies:
        subject = _("Coming soon at %(cinema)s: new films") % {"cinema": cinema}
    elif len(movies) == 1:
        subject = _("Coming soon at %(cinema)s: %(movie)s") % {"cinema": cinema, "movie": movies[0].title}
    else:
        more = len(movies) - 1
        subject = ngettext(
            "Coming soon at %(cinema)s: %(movie)s and %(count)d more",
            "Coming soon at %(cinema)s: %(movie)s and %(count)d more",
            more,
        ) % {"cinema": cinema, "movie": movies[0].title, "count": more}
    return Rendered(subject=subject, context=ctx, headers=headers)


# Kinds whose message belongs to an app above this one (a distributor's settlement statement):
# the app registers its renderer in its AppConfig.ready, so that notifications never imports it.
RENDERERS: dict[str, Callable[[OutgoingMail], Rendered]] = {}


def register_renderer(kind: str, renderer: Callable[[OutgoingMail], Rendered]) -> None:
    RENDERERS[str(kind)] = renderer


def _render(mail: OutgoingMail) -> Rendered:
    if mail.kind in RENDERERS:
        return RENDERERS[mail.kind](mail)
    if mail.kind == MailKind.SIGN_IN:
        return Rendered(
            subject=_("Your sign-in link for %(cinema)s") % {"cinema": settings.CINEMA_NAME},
            context={"url": mail.context.get("url", ""), "customer": mail.customer},
        )
    if mail.kind == MailKind.RECOMMENDATION:
        return _render_recommendation(mail)
    if mail.kind in (MailKind.VOUCHER, MailKind.VOUCHER_RECEIPT):
        from marquee.notifications.rendering.voucher import render_voucher_mail  # the voucher's own module

        return render_voucher_mail(mail)
    if mail.booking_id is None:
        raise NotSendable(f"a {mail.kind} message needs a booking")
    return _render_booking_kind(mail)


def render_mail(mail: OutgoingMail) -> RichEmail:
    """The message for an outbox row, with the row's Message-ID (so a retry is the same message)."""
    # The customer's language (recorded when the mail was queued), for words and dates alike.
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        rendered = _render(mail)
        ctx = {
            **rendered.context,
            "kind": mail.kind,
            "CINEMA_NAME": settings.CINEMA_NAME,
            "SITE_URL": settings.SITE_URL,
            "subject": rendered.subject,
            "LANGUAGE_CODE": translation.get_language(),
        }
        template = rendered.template or ("tickets" if mail.kind in TICKET_KINDS else mail.kind)
        text = render_to_string(f"notifications/email/{template}.txt", ctx)
        html = render_to_string(f"notifications/email/{template}.html", ctx)
    message = RichEmail(
        # Names typed by customers end up here: one line, whatever they typed.
        subject=" ".join(rendered.subject.split()),
        body=text,
        to=[mail.to_email],
        headers={"Message-ID": mail.message_id, **rendered.headers},
        inline_images=rendered.inline_images,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        message.attach(filename, content, mimetype)
    return message


def message_bytes(message: RichEmail) -> bytes:
    return message.message(policy=email.policy.SMTP).as_bytes()

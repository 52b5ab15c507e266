"""The tickets email made cheaply (issue 15, point 5) says what it said before: the QR code
is segno's, pixel for pixel and module for module; showtime.ics is the bytes icalendar
wrote; the MIME the outbox writes itself parses back into the same parts; the PDF's font
subsets cut once per process still print any text."""

import datetime as dt
import email
import email.policy
import io
import re
import zlib

import icalendar
import pytest
import segno
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from marquee.booking.mail import tickets_pdf as pdf
from marquee.booking.mail.ics import showtime_ics
from marquee.core.clock import local
from marquee.notifications.rendering import qr
from marquee.notifications.rendering.email import InlineImage, RichEmail, message_bytes
from marquee.notifications.rendering.pdf import _subset_objects
from marquee.payments.services import booking_pay
from tests import factories as f
from tests.notifications.helpers import decode_qr

CODES = ["1.U2ZNMCPXNFG3YXBXVWTEV4VINM7NC57H", "Z9.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "K7"]


def _segno(code: str) -> segno.QRCode:
    return segno.make_qr(code, error=qr.ERROR_LEVEL, boost_error=False)


@pytest.mark.parametrize("code", CODES)
def test_the_png_is_segnos_own_image_pixel_for_pixel_and_decodes(code):
    ours = Image.open(io.BytesIO(qr.qr_png(code)))
    out = io.BytesIO()
    _segno(code).save(out, kind="png", scale=6, border=4, dark="#000000", light="#ffffff")
    theirs = Image.open(io.BytesIO(out.getvalue())).convert("L")
    assert ours.size == theirs.size
    assert ours.convert("L").tobytes() == theirs.tobytes()
    assert decode_qr(qr.qr_png(code)) == code


def _page(code: str, **kw) -> pdf.TicketPage:
    base = dict(
        cinema="Кінотеатр Марк",
        movie="Тіні забутих предків",
        age_rating="12+",
        when="п'ятниця, 4 грудня 2026, 19:30",
        hall="Зала 2 · зала 2",
        row=5,
        seat=7,
        seat_type="VIP",
        price="UAH\xa0300.00",
        tariff="Вечірній",
        reference="K7M2Q9XD",
        holder="Олена Коваль",
        code=code,
        position="Квиток 1 з 1",
    )
    return pdf.TicketPage(**{**base, **kw})


def _qr_modules(document: bytes) -> list[set[tuple[int, int]]]:
    """Per page, the dark modules the QR's rectangles cover ("x y w 1 re" in module units)."""
    pages = []
    for page in PdfReader(io.BytesIO(document)).pages:
        stream = page.get_contents().get_data().decode("latin-1")
        dark = set()
        for x, y, w in re.findall(r"^(\d+) (\d+) (\d+) 1 re$", stream, flags=re.MULTILINE):
            dark |= {(int(y), int(x) + i) for i in range(int(w))}
        pages.append(dark)
    return pages


def test_the_pdfs_qr_codes_are_segnos_matrices_module_for_module():
    document = pdf.tickets_pdf([_page(code) for code in CODES], title="t")
    for code, dark in zip(CODES, _qr_modules(document), strict=True):
        matrix = _segno(code).matrix
        expected = {(r + qr.BORDER, c + qr.BORDER) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
        assert dark == expected


def test_every_pdf_shares_the_font_subsets_and_still_prints_what_lies_beyond_them():
    _subset_objects.cache_clear()
    first = pdf.tickets_pdf([_page("A1")], title="t")
    made = _subset_objects.cache_info().misses
    second = pdf.tickets_pdf([_page("B2", movie="Інший фільм", holder="Петро Ґудзь")], title="t")
    assert _subset_objects.cache_info().misses == made  # nothing cut again for the second
    assert "Петро Ґудзь" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Тіні забутих предків" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    # Letters outside the stable alphabet (Polish, Czech) join a subset of their own document.
    odd = pdf.tickets_pdf([_page("C3", holder="Łukasz Dvořák")], title="t")
    assert "Łukasz Dvořák" in PdfReader(io.BytesIO(odd)).pages[0].extract_text()


def _icalendar_ics(booking, *, seats_line: str, cancelled: bool) -> bytes:
    """The calendar as icalendar built it whole, before it was written by hand."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    showtime = booking.showtime
    starts = local(showtime.starts_at)
    ends = starts + dt.timedelta(minutes=showtime.movie.duration_min)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Marquee//Tickets//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.reference}@marquee")
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstamp", booking.paid_at or booking.booked_at)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", f"{showtime.movie.title} ({settings.CINEMA_NAME})")
    hall = showtime.hall
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
    cal.add_missing_timezones(
        first_date=starts.date() - dt.timedelta(days=366), last_date=starts.date() + dt.timedelta(days=366)
    )
    return cal.to_ical()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "uk"])
@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize(
    "seats_line",
    [
        "row 3, seat 4",
        # Long enough to fold, with every character TEXT escapes, a multi-byte one at each fold.
        "ряд 3, місце 4; ряд 3, місце 5; ряд 3, місце 6 — у центрі; \\ та ще: рядок\nдругий, ще довший, щоб згорнувся",
    ],
)
def test_the_calendar_file_is_the_bytes_icalendar_wrote(language, cancelled, seats_line):
    show = f.showtime(
        movie_obj=f.movie(title="Тіні забутих предків; режисерська версія, 1965", duration_min=97),
        starts_at=f.local_dt(dt.date(2027, 10, 31), 2, 30),  # the night the clocks go back
    )
    booking = booking_pay(reference=f.hold(show, [show.hall.seats.first().pk]).booking.reference, method="demo")
    with translation.override(language):
        assert showtime_ics(booking, seats_line=seats_line, cancelled=cancelled) == _icalendar_ics(
            booking, seats_line=seats_line, cancelled=cancelled
        )


def _parsed(message: RichEmail) -> email.message.EmailMessage:
    data = message_bytes(message)
    assert data.isascii() and max(len(line) for line in data.split(b"\r\n")) <= 998
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF
    return email.message_from_bytes(data, policy=email.policy.default)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Hello,\nhere are your tickets.\n", "Your tickets: The Night Projectionist, 8 Dec 2026"),
        (
            "Вітаємо,\nось ваші квитки.\n" * 40,
            "Ваші квитки: Тіні забутих предків, 9 грудня 2026 — вечірній сеанс, зала 7",
        ),
        ("Mostly English, a little Ukrainian: квитки.\n" * 20, "Tickets"),
    ],
)
def test_the_message_written_by_hand_parses_back_into_the_same_parts(text, subject):
    png = qr.qr_png("K7")
    message = RichEmail(
        subject=subject,
        body=text,
        from_email="Кінотеатр Марк <tickets@marquee.example>",
        to=["olena@example.com"],
        headers={"Message-ID": "<abc@marquee.example>", "List-Unsubscribe": "<https://marquee.example/u/1>"},
        inline_images=[InlineImage(cid="qr-1@marquee", content=png, filename="ticket-1.png")],
    )
    message.attach_alternative(f"<p>{text}</p>", "text/html")
    message.attach("tickets.pdf", b"%PDF-1.4 \x00\xff binary", "application/pdf")
    message.attach("showtime.ics", "BEGIN:VCALENDAR\r\nX:ґ\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("Звіт за грудень.pdf", b"%PDF", "application/pdf")
    parsed = _parsed(message)

    assert parsed["Subject"] == subject
    assert parsed["From"] == "Кінотеатр Марк <tickets@marquee.example>"
    assert parsed["To"] == "olena@example.com"
    assert parsed["Message-ID"] == "<abc@marquee.example>"
    assert parsed["List-Unsubscribe"] == "<https://marquee.example/u/1>"
    assert parsed["Date"] is not None
    tree = [p.get_content_type() for p in parsed.walk()]
    assert tree == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
        "text/calendar",
        "application/pdf",
    ]
    assert parsed.get_body(("plain",)).get_content() == text.replace("\n", "\r\n")
    assert parsed.get_body(("html",)).get_content() == f"<p>{text}</p>".replace("\n", "\r\n")
    image = next(p for p in parsed.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<qr-1@marquee>" and image.get_content_disposition() == "inline"
    assert image.get_payload(decode=True) == png
    files = {p.get_filename(): p.get_payload(decode=True) for p in parsed.iter_attachments()}
    assert files == {
        "tickets.pdf": b"%PDF-1.4 \x00\xff binary",
        "showtime.ics": "BEGIN:VCALENDAR\r\nX:ґ\r\nEND:VCALENDAR\r\n".encode(),
        "Звіт за грудень.pdf": b"%PDF",
    }


def test_a_unicode_address_is_left_to_djangos_own_writer():
    message = RichEmail(subject="Tickets", body="Hi", to=["олена@приклад.укр"], headers={"Message-ID": "<a@b>"})
    message.attach_alternative("<p>Hi</p>", "text/html")
    parsed = email.message_from_bytes(message_bytes(message), policy=email.policy.default)
    assert parsed["Subject"] == "Tickets" and parsed.get_body(("plain",)).get_content().strip() == "Hi"
    assert "xn--" in parsed["To"]  # the domain in IDNA, as Django writes it


def test_page_streams_are_compressed_only_not_ascii85():
    document = pdf.tickets_pdf([_page("A1")], title="t")
    assert b"/ASCII85Decode" not in document
    # Still a stream every reader inflates.
    body = document.split(b"stream\n", 2)[1].split(b"endstream", 1)[0]
    assert zlib.decompressobj().decompress(body)

"""Tickets print Ukrainian titles and names on any machine: the font ships with Marquee."""

import io

from pypdf import PdfReader

from marquee.booking.mail import tickets_pdf as pdf
from marquee.notifications.rendering.pdf import pdf_fonts


def test_cyrillic_survives_into_the_pdf_with_the_bundled_font():
    page = pdf.TicketPage(
        cinema="Кінотеатр Марк",
        movie="Тіні забутих предків",
        age_rating="12+",
        when="п'ятниця, 4 грудня 2026, 19:30",
        hall="Зала 2 (№2)",
        row=5,
        seat=7,
        seat_type="VIP",
        price="UAH\xa0300.00",
        tariff="Вечірній",
        reference="K7M2Q9XD",
        holder="Олена Коваль",
        code="ABC123",
        position="Квиток 1 з 1",
    )
    assert pdf_fonts() == ("TicketSans", "TicketSans-Bold")
    text = PdfReader(io.BytesIO(pdf.tickets_pdf([page], title="Квитки"))).pages[0].extract_text()
    assert "Тіні забутих предків" in text
    assert "Олена Коваль" in text

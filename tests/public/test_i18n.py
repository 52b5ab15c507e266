"""Ukrainian is shipped: pages render translated, and the language switch works."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_ukrainian_listing(client, cinema):
    response = client.get(reverse("public:home"), headers={"accept-language": "uk"})
    html = response.content.decode()
    assert '<html lang="uk">' in html
    assert "Афіша" in html and "Зараз у кіно" in html and "Завтра" in html
    assert "Перейти до основного вмісту" in html


def test_ukrainian_seat_map_and_plurals(client, cinema):
    show = cinema["shows"][0]
    html = client.get(reverse("public:showtime", args=[show.pk]), headers={"accept-language": "uk"}).content.decode()
    assert "Ряд 4, місце 1, VIP, 150,00\xa0грн, вільне" in html
    assert "Екран" in html
    movie = client.get(reverse("public:movie", args=[cinema["film"].pk]), headers={"accept-language": "uk"})
    assert "Залишилося 24 місця" in movie.content.decode()  # 24 → "few" form
    assert "Залишилося 8 місць" in movie.content.decode()  # 8 → "many" form


def test_language_switch(client, cinema):
    response = client.post(reverse("set_language"), {"language": "uk", "next": reverse("public:home")})
    assert response.status_code == 302
    assert "Афіша" in client.get(reverse("public:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("public:home")})
    assert "What's on" in client.get(reverse("public:home")).content.decode()


def test_the_hold_s_own_checks_speak_the_customer_s_language(client, db):
    from django.utils import translation

    from marquee.booking.services import CustomerDetails, booking_hold
    from marquee.core.errors import ValidationFailed

    customer = CustomerDetails(first_name="Олена", last_name="Коваль", email="not-an-email")
    with translation.override("uk"), pytest.raises(ValidationFailed) as failed:
        booking_hold(showtime_id=1, seat_ids=[], customer=customer)
    assert failed.value.fields == {
        "seat_ids": ["Оберіть принаймні одне місце."],
        "customer.email": ["Введіть правильну адресу електронної пошти."],
    }
    assert str(failed.value.detail) == "Деякі поля заповнено неправильно."


def _uk(client):
    client.post(reverse("set_language"), {"language": "uk", "next": "/"})


def test_ukrainian_dates_in_running_text_and_the_day_strip(client, cinema):
    import datetime as dt

    from django.utils import formats, translation

    from marquee.core.clock import local_today

    _uk(client)
    html = client.get(reverse("public:home")).content.decode()
    today = local_today()
    with translation.override("uk"):
        weekday = formats.date_format(today, "l")
        genitive = formats.date_format(today, "j E")  # "6 грудня"
        short = formats.date_format(today + dt.timedelta(days=2), "M")  # "Гру"
        later = formats.date_format(today + dt.timedelta(days=2), "E")
    assert weekday[0].isupper()  # Django's name, as for a heading
    assert f"Сьогодні {weekday.lower()}, {genitive}." in html  # inside a sentence: lower case
    assert f'<span class="mon">{later}</span>' in html
    assert f'<span class="mon">{short}</span>' not in html


def test_ukrainian_names_need_no_case_and_money_is_in_hryvnias(client, cinema):
    from marquee.booking.models import Booking

    _uk(client)
    show = cinema["shows"][0]
    seat_ids = list(show.hall.seats.filter(row_number=4).values_list("pk", flat=True)[:2])
    client.post(
        reverse("public:checkout", args=[show.pk]),
        {
            "seat": seat_ids,
            "first_name": "Олена",
            "last_name": "Коваль",
            "email": "olena@example.com",
            "is_gift": "on",
            "recipient_name": "Оксана Шевчук",
            "recipient_email": "oksana@example.com",
        },
    )
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    html = client.get(reverse("public:booking", args=[booking.reference])).content.decode()
    assert "Отримувач: Оксана Шевчук" in html
    assert "для Оксана" not in html
    assert "300,00\xa0грн" in html and "UAH" not in html.split("<footer")[0]


def test_ukrainian_translations_use_the_typographic_apostrophe():
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    import marquee

    po = Path(marquee.__file__).parent / "locale/uk/LC_MESSAGES/django.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    texts = [t for m in catalog for t in (m.string if isinstance(m.string, tuple) else (m.string,)) if t]
    assert [t for t in texts if re.search(r"\w'\w", t)] == []  # "ім'я" → "ім’я"
    assert any("ім’я" in t.lower() for t in texts)


def test_the_cancel_question_in_ukrainian(client, cinema):
    from marquee.booking.models import Booking

    _uk(client)
    show = cinema["shows"][0]
    seat_ids = list(show.hall.seats.filter(row_number=4).values_list("pk", flat=True)[:2])
    details = {"seat": seat_ids, "first_name": "Олена", "last_name": "Коваль", "email": "olena@example.com"}
    client.post(reverse("public:checkout", args=[show.pk]), details)
    booking = Booking.objects.get()
    client.post(reverse("public:booking_pay", args=[booking.reference]), {"method": "demo"})
    html = client.get(reverse("public:booking_cancel", args=[booking.reference])).content.decode()
    assert "Скасувати це бронювання?" in html
    assert "уся сума, 300,00\xa0грн, повернеться на картку чи рахунок" in html
    assert "2 місця." in html  # the "few" plural

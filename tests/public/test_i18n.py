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
    assert "Ряд 4, місце 1, VIP, 150.00 UAH, вільне" in html
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

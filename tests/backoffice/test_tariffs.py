"""Tariffs: the 24-hour bar, create, edit, delete, and a clear message on overlap."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from marquee.pricing.models import Tariff
from tests import factories as f

ALL_DAYS = ["0", "1", "2", "3", "4", "5", "6"]


def _form(name="Matinee", start="10:00", end="13:00", multiplier="0.8", days=ALL_DAYS):
    return {"name_en": name, "start_time": start, "end_time": end, "price_multiplier": multiplier, "days": days}


def test_the_bar_places_each_tariff_on_its_hours(admin_client):
    f.tariff(name="Evening", start=dt.time(18), end=dt.time(23), multiplier="1.25")
    html = admin_client.get(reverse("backoffice:tariffs")).content.decode()
    # 18:00 is 75% into the day, and five hours are 20.833% of it, on each of 7 days.
    assert html.count("left: 75.000%; width: 20.833%") == 7
    assert "Evening ×1.25" in html


def test_the_bar_shows_the_multiplier_exactly(admin_client):
    f.tariff(name="Late", start=dt.time(22), end=dt.time(23, 59), multiplier="1.125")
    f.tariff(name="Matinee", start=dt.time(10), end=dt.time(12), multiplier="1.000")
    f.tariff(name="Gala", start=dt.time(18), end=dt.time(22), multiplier="10.000")
    html = admin_client.get(reverse("backoffice:tariffs")).content.decode()
    assert "Late ×1.125<" in html and "×1.13" not in html  # not rounded to two places
    assert "Matinee ×1<" in html
    assert "Gala ×10<" in html  # no exponent from normalising


def test_create_a_weekend_tariff(admin_client):
    response = admin_client.post(reverse("backoffice:tariffs"), _form(days=["5", "6"]))
    assert response.status_code == 302
    tariff = Tariff.objects.get()
    assert (tariff.start_time, tariff.end_time, tariff.price_multiplier, tariff.days_mask) == (
        dt.time(10),
        dt.time(13),
        Decimal("0.800"),
        0b1100000,
    )
    html = admin_client.get(reverse("backoffice:tariffs")).content.decode()
    assert "Sat, Sun" in html


def test_an_overlap_is_refused_with_a_clear_message(admin_client):
    f.tariff(name="Evening", start=dt.time(18), end=dt.time(23), multiplier="1.25")
    response = admin_client.post(reverse("backoffice:tariffs"), _form(name="Late", start="22:00", end="23:59"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "The tariff overlaps Evening 18:00–23:00 ×1.250." in html
    assert 'class="notice notice-bad error-summary" role="alert"' in html
    assert Tariff.objects.count() == 1


def test_an_end_before_the_start_is_shown_on_its_field(admin_client):
    response = admin_client.post(reverse("backoffice:tariffs"), _form(start="14:00", end="13:00"))
    assert response.status_code == 422
    assert "The end must be later than the start" in response.content.decode()


def test_edit_and_delete(admin_client):
    tariff = f.tariff(name="Evening", start=dt.time(18), end=dt.time(23), multiplier="1.25")
    page = admin_client.get(reverse("backoffice:tariff", args=[tariff.pk]))
    assert page.context["form"].initial["name_en"] == "Evening"
    response = admin_client.post(
        reverse("backoffice:tariff", args=[tariff.pk]),
        _form(name="Prime", start="19:00", end="23:00", multiplier="1.5"),
    )
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert (tariff.name, tariff.price_multiplier) == ("Prime", Decimal("1.500"))

    response = admin_client.post(reverse("backoffice:tariff_delete", args=[tariff.pk]), follow=True)
    assert "Deleted the tariff" in response.content.decode()
    assert not Tariff.objects.exists()


def test_a_tariff_has_a_name_in_each_language(admin_client):
    response = admin_client.post(reverse("backoffice:tariffs"), {**_form(name="Matinee"), "name_uk": "Ранковий"})
    assert response.status_code == 302
    tariff = Tariff.objects.get()
    assert (tariff.name_en, tariff.name_uk) == ("Matinee", "Ранковий")
    page = admin_client.get(reverse("backoffice:tariff", args=[tariff.pk]))
    assert page.context["form"].initial["name_uk"] == "Ранковий"


def test_a_tariff_needs_a_name_in_one_language(admin_client):
    response = admin_client.post(reverse("backoffice:tariffs"), {**_form(name=""), "name_uk": ""})
    assert response.status_code == 422
    assert response.context["form"].errors["name_en"] == ["A tariff needs a name."]
    response = admin_client.post(reverse("backoffice:tariffs"), {**_form(name=""), "name_uk": "Ранковий"})
    assert response.status_code == 302
    assert Tariff.objects.get().name_en == ""

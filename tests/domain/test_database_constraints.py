"""Rows that break the domain's rules, written past every service: the database refuses each.

These run on SQLite and on PostgreSQL (DATABASE_URL), so both engines hold the rules.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from marquee.booking.models import Booking, BookingSeat, Customer
from marquee.catalog.models import Genre, Movie
from marquee.pricing.models import Tariff
from marquee.scheduling.models import Showtime
from marquee.venues.models import Hall, Seat
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_hall_number_is_unique():
    Hall.objects.create(number=7, name="A")
    refused(lambda: Hall.objects.create(number=7, name="B"))


def test_seat_position_is_unique_in_a_hall():
    hall = f.hall(rows=1, seats=1)
    refused(lambda: Seat.objects.create(hall=hall, row_number=1, seat_number=1))


def test_seat_price_cannot_be_negative():
    hall = f.hall(rows=1, seats=1)
    refused(lambda: Seat.objects.create(hall=hall, row_number=2, seat_number=1, base_price=Decimal("-1")))


def test_seat_type_must_be_known():
    hall = f.hall(rows=1, seats=1)
    refused(lambda: Seat.objects.create(hall=hall, row_number=2, seat_number=1, seat_type="sofa"))


def test_genre_name_is_unique_in_each_language_whatever_its_case():
    Genre.objects.create(name_en="Drama", name_uk="Драма")
    refused(lambda: Genre.objects.create(name_en="drama"))
    refused(lambda: Genre.objects.create(name_uk="Драма"))
    if connection.vendor == "postgresql":  # SQLite's LOWER() folds ASCII only; the service folds the rest
        refused(lambda: Genre.objects.create(name_uk="ДРАМА"))
    # Blank is "not written yet", not a name: many genres may lack one language.
    Genre.objects.create(name_en="Comedy")
    Genre.objects.create(name_en="Horror")
    Genre.objects.create(name_uk="Вестерн")


def test_genre_movie_and_tariff_need_a_name_in_some_language():
    refused(lambda: Genre.objects.create())
    refused(lambda: Movie.objects.create(duration_min=90, release_year=2020))
    refused(lambda: Tariff.objects.create(start_time=dt.time(9), end_time=dt.time(12), price_multiplier=1))


def test_customer_email_is_unique_whatever_its_case():
    Customer.objects.create(first_name="A", last_name="B", email="Olena@Example.com")
    refused(lambda: Customer.objects.create(first_name="C", last_name="D", email="olena@example.COM"))


def test_movie_duration_must_be_positive():
    refused(lambda: Movie.objects.create(title_en="X", duration_min=0, release_year=2020))


def test_movie_age_rating_must_be_known():
    refused(lambda: Movie.objects.create(title_en="X", duration_min=90, release_year=2020, age_rating=7))


def test_tariff_start_before_end():
    refused(lambda: Tariff.objects.create(name_en="T", start_time=dt.time(18), end_time=dt.time(9), price_multiplier=1))


def test_tariff_multiplier_positive():
    refused(lambda: Tariff.objects.create(name_en="T", start_time=dt.time(9), end_time=dt.time(12), price_multiplier=0))


def test_booking_status_must_be_known():
    show = f.showtime()
    booking = f.hold(show).booking
    refused(lambda: Booking.objects.filter(pk=booking.pk).update(status="refunded"))


def test_paid_booking_needs_paid_at():
    show = f.showtime()
    booking = f.hold(show).booking
    refused(lambda: Booking.objects.filter(pk=booking.pk).update(status="paid"))


def test_one_active_sale_per_seat_per_showtime():
    show = f.showtime()
    first = f.hold(show).booking
    second = f.hold(show, seat_ids=[list(show.hall.seats.values_list("pk", flat=True))[-1]], email="b@example.com")
    seat_of_first = first.seats.first().seat

    refused(
        lambda: BookingSeat.objects.create(
            booking=second.booking, showtime=show, seat=seat_of_first, final_price=Decimal("1.00"), status="pending"
        )
    )


def test_a_cancelled_sale_does_not_block_the_seat():
    show = f.showtime()
    first = f.hold(show).booking
    BookingSeat.objects.filter(booking=first).update(status="cancelled")
    second = f.hold(show, email="b@example.com")
    assert second.booking.seats.count() == 2


def test_showtime_must_end_after_it_starts():
    show = f.showtime()
    refused(lambda: Showtime.objects.filter(pk=show.pk).update(ends_at=show.starts_at))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's")
def test_postgres_refuses_overlapping_showtimes_in_one_hall():
    show = f.showtime()
    refused(
        lambda: Showtime.objects.create(
            movie=show.movie,
            hall=show.hall,
            starts_at=show.starts_at + dt.timedelta(minutes=30),
            ends_at=show.ends_at + dt.timedelta(minutes=30),
        )
    )

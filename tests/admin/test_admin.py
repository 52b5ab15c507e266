"""The admin works on a seeded cinema and goes through the services: it cannot save what
they refuse, and the booking actions are the box office's."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from marquee.booking.models import Booking, BookingSeat, Customer
from marquee.catalog.models import Genre, Movie
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.pricing.models import Tariff
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.venues.models import Hall, Seat
from tests import factories as f

pytestmark = pytest.mark.django_db

MODELS = (Genre, Movie, Hall, Seat, Showtime, Tariff, Customer, Booking, BookingSeat)
READ_ONLY = {Customer, Booking, BookingSeat}


@pytest.fixture
def cinema():
    call_command("seed_demo", "--halls", "2", "--days", "2", "--customers", "20", stdout=io.StringIO())


@pytest.fixture
def staff(client):
    get_user_model().objects.create_superuser("boss", "boss@example.com", "not-a-real-password-42")
    # Through the login page: django-axes checks every login against its request.
    response = client.post(
        "/admin/login/", {"username": "boss", "password": "not-a-real-password-42", "next": "/admin/"}
    )
    assert response.status_code == 302, response.content
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_and_change_page_opens(cinema, staff, model):
    assert staff.get(url(model, "changelist")).status_code == 200
    assert staff.get(url(model, "changelist") + "?q=a").status_code == 200
    obj = model.objects.order_by("pk").first()
    assert staff.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_add_page_opens_where_adding_is_allowed(cinema, staff, model):
    expected = 403 if model in READ_ONLY else 200
    assert staff.get(url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_list_reads_a_bounded_number_of_queries(cinema, staff, model, django_assert_max_num_queries):
    # A page of 100 rows: related rows are joined or prefetched, never read one per row.
    assert model.objects.count() >= 2
    with django_assert_max_num_queries(12):
        assert staff.get(url(model, "changelist")).status_code == 200


def test_the_admin_index_lists_the_cinema(cinema, staff):
    response = staff.get(reverse("admin:index"))
    assert response.status_code == 200
    for model in MODELS:
        assert url(model, "changelist") in response.content.decode()


# --- showtimes --------------------------------------------------------------------------


def showtime_form(movie, hall, start: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(start)
    return {
        "movie": str(movie.pk),
        "hall": str(hall.pk),
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
    }


def test_an_overlapping_showtime_is_refused_on_the_form(cinema, staff):
    # An upcoming one: a start in the past is refused for its own reason.
    existing = (
        Showtime.objects.filter(status=ShowtimeStatus.SCHEDULED, starts_at__gt=timezone.now() + dt.timedelta(hours=1))
        .select_related("movie", "hall")
        .order_by("starts_at")
        .first()
    )
    before = Showtime.objects.count()
    data = showtime_form(existing.movie, existing.hall, existing.starts_at + dt.timedelta(minutes=10))
    response = staff.post(url(Showtime, "add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "is busy at that time" in content
    assert escape(existing.movie.title) in content  # the conflict is named, HTML-escaped like any title
    assert Showtime.objects.count() == before


def test_a_showtime_saved_in_the_admin_gets_its_end_computed(staff, settings):
    movie, hall = f.movie(duration_min=100), f.hall()
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    response = staff.post(url(Showtime, "add"), showtime_form(movie, hall, start))
    assert response.status_code == 302
    show = Showtime.objects.get()
    assert show.ends_at == start + dt.timedelta(minutes=100 + settings.CLEANING_MINUTES)


def test_a_showtime_with_sales_cannot_be_moved_in_the_admin(staff):
    show = f.showtime()
    f.hold(show)
    data = showtime_form(show.movie, show.hall, show.starts_at + dt.timedelta(hours=1))
    response = staff.post(url(Showtime, "change", show.pk), data)
    assert response.status_code == 200
    assert "cancel it instead of moving it" in response.content.decode()
    show.refresh_from_db()
    assert show.starts_at == Showtime.objects.get(pk=show.pk).starts_at


def test_cancelling_showtimes_from_the_list_cancels_their_bookings(staff):
    show = f.showtime()
    booking = f.hold(show).booking
    response = staff.post(
        url(Showtime, "changelist"), {"action": "cancel_showtimes", "_selected_action": [show.pk]}, follow=True
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "showtime_cancelled")


# --- catalogue, tariffs, halls ----------------------------------------------------------------


def test_a_movie_without_a_genre_is_refused(staff):
    data = {"title_en": "Nothing", "duration_min": "90", "age_rating": "0", "release_year": "2025", "is_listed": "on"}
    response = staff.post(url(Movie, "add"), data)
    assert response.status_code == 200
    assert not Movie.objects.exists()


def test_a_movie_saved_in_the_admin_has_its_genres(staff):
    drama = f.genre("Drama")
    data = {
        "title_en": "Salt and Static",
        "duration_min": "112",
        "age_rating": "12",
        "release_year": "2025",
        "genres": [str(drama.pk)],
        "is_listed": "on",
    }
    assert staff.post(url(Movie, "add"), data).status_code == 302
    assert list(Movie.objects.get().genres.all()) == [drama]


def test_deleting_a_genre_that_would_orphan_a_movie_is_refused(staff):
    drama = f.genre("Drama")
    f.movie(title="Salt and Static", genres=[drama])
    response = staff.post(url(Genre, "delete", drama.pk), {"post": "yes"}, follow=True)
    assert any("Salt and Static" in m for m in messages_of(response))
    assert Genre.objects.filter(pk=drama.pk).exists()


def test_bulk_delete_of_genres_is_all_or_nothing(staff):
    lonely, drama = f.genre("Lonely"), f.genre("Drama")
    f.movie(genres=[drama])
    response = staff.post(
        url(Genre, "changelist"),
        {"action": "delete_selected", "_selected_action": [lonely.pk, drama.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Genre.objects.filter(pk__in=[lonely.pk, drama.pk]).count() == 2


def test_an_overlapping_tariff_is_refused(staff):
    f.tariff(name="Evening", start=dt.time(18), end=dt.time(22))
    data = {
        "name_en": "Late",
        "start_time": "21:00",
        "end_time": "23:00",
        "price_multiplier": "1.1",
        "days": [str(d) for d in range(7)],
    }
    response = staff.post(url(Tariff, "add"), data)
    assert response.status_code == 200
    assert "overlaps" in response.content.decode()
    assert Tariff.objects.count() == 1


def test_a_tariff_with_no_days_is_refused_on_the_days_field(staff):
    data = {"name_en": "Never", "start_time": "09:00", "end_time": "10:00", "price_multiplier": "1"}
    response = staff.post(url(Tariff, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["days"]
    assert not Tariff.objects.exists()


def test_a_hall_is_made_from_its_layout_and_counts_its_seats(staff):
    data = {"number": "9", "name": "Studio", "layout": "1: 5 standard 100.00\n2: 6 vip 150.00"}
    assert staff.post(url(Hall, "add"), data).status_code == 302
    hall = Hall.objects.get(number=9)
    assert hall.capacity == 11 == hall.seats.count()
    assert hall.seats.filter(seat_type="vip").count() == 6


def test_the_capacity_cannot_be_typed_in(staff):
    data = {"number": "9", "name": "Studio", "capacity": "500", "layout": "1: 5 standard 100.00"}
    assert staff.post(url(Hall, "add"), data).status_code == 302
    assert Hall.objects.get(number=9).capacity == 5


# The seat inline on a hall's page is read-only; its management form still comes back.
NO_SEAT_FORMS = {"seats-TOTAL_FORMS": "0", "seats-INITIAL_FORMS": "0"}


def test_a_hall_renamed_in_the_admin_keeps_its_special_seats(cinema, staff):
    hall = Hall.objects.order_by("number").first()
    accessible = hall.seats.filter(seat_type="accessible").count()
    page = staff.get(url(Hall, "change", hall.pk))
    layout = page.context["adminform"].form.initial.get("layout") or page.context["adminform"].form["layout"].value()
    layout = layout.replace("\n", "\r\n")  # as a browser sends a textarea
    data = {"number": str(hall.number), "name": "Renamed", "layout": layout, **NO_SEAT_FORMS}
    assert staff.post(url(Hall, "change", hall.pk), data).status_code == 302
    hall.refresh_from_db()
    assert hall.name == "Renamed"
    assert hall.seats.filter(seat_type="accessible").count() == accessible > 0


def test_a_layout_that_drops_seats_with_future_sales_is_refused(staff):
    show = f.showtime()
    f.hold(show, seat_ids=[show.hall.seats.get(row_number=3, seat_number=5).pk])
    hall = show.hall
    data = {
        "number": str(hall.number),
        "name": hall.name,
        "layout": "1: 5 standard 100.00\n2: 5 standard 100.00",
        **NO_SEAT_FORMS,
    }
    response = staff.post(url(Hall, "change", hall.pk), data)
    assert response.status_code == 200
    assert "tickets for future showtimes" in response.content.decode()
    hall.refresh_from_db()
    assert hall.capacity == 15 == hall.seats.count()


def test_a_bad_layout_line_is_a_form_error(staff):
    response = staff.post(url(Hall, "add"), {"number": "9", "name": "Studio", "layout": "row one: lots"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["layout"]
    assert not Hall.objects.exists()


def test_a_seat_price_changes_through_the_service(staff):
    hall = f.hall(rows=1, seats=2)
    seat = hall.seats.first()
    response = staff.post(url(Seat, "change", seat.pk), {"seat_type": "accessible", "base_price": "90.00"})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert (seat.seat_type, str(seat.base_price)) == ("accessible", "90.00")


# --- bookings -----------------------------------------------------------------------------


def act(staff, action: str, *bookings):
    return staff.post(
        url(Booking, "changelist"), {"action": action, "_selected_action": [b.pk for b in bookings]}, follow=True
    )


def test_mark_paid_at_the_box_office_queues_the_tickets(staff):
    booking = f.hold(f.showtime()).booking
    response = act(staff, "mark_paid", booking)
    assert any(booking.reference in m and "paid" in m for m in messages_of(response))
    booking.refresh_from_db()
    assert (booking.status, booking.payment_method) == ("paid", "cash")
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.TICKETS).exists()


def test_resend_and_cancel_by_staff(staff):
    show = f.showtime()
    booking = f.hold(show).booking
    act(staff, "mark_paid", booking)
    act(staff, "resend_tickets", booking)
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.RESEND).exists()
    act(staff, "cancel_by_staff", booking)
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("cancelled", "staff")
    assert not BookingSeat.objects.filter(booking=booking).exclude(status="cancelled").exists()


def test_each_booking_gets_its_own_message(staff):
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    pending = f.hold(show, seat_ids=seats[:1]).booking
    cancelled = f.hold(show, seat_ids=seats[1:2], email="b@example.com").booking
    act(staff, "cancel_by_staff", cancelled)
    response = act(staff, "resend_tickets", pending, cancelled)
    found = messages_of(response)
    assert any(pending.reference in m and "Only paid bookings" in m for m in found)
    assert any(cancelled.reference in m and "Only paid bookings" in m for m in found)


def test_booking_money_and_state_are_read_only(staff):
    booking = f.hold(f.showtime()).booking
    page = staff.get(url(Booking, "change", booking.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]  # view-only, no Save
    assert booking.token_hash not in page.content.decode()
    response = staff.post(url(Booking, "change", booking.pk), {"status": "paid", "total_price": "0.00"})
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == "pending" and booking.total_price > 0

"""The public API as api.md writes it: paths, fields, status codes and error codes."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from marquee.booking.models import Booking, BookingStatus, CancelReason, Customer
from marquee.booking.services import bookings_expire
from marquee.catalog.services import movie_update
from marquee.core.clock import local, local_today
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.payments.services import booking_pay, showtime_cancel
from marquee.venues.services import RowSpec, hall_create
from tests import factories as f

pytestmark = pytest.mark.django_db


def iso(moment: dt.datetime) -> str:
    return local(moment).replace(microsecond=0).isoformat()


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    if code == "validation_error":
        assert isinstance(body["fields"], dict) and body["fields"]
    else:
        assert "fields" not in body
    return body


# --- the listing -----------------------------------------------------------------------------


def test_genres_are_listed_by_name(api):
    f.genre("Horror")
    f.genre("Comedy")
    response = api.get("/genres")
    assert response.status_code == 200
    assert [g["name"] for g in response.json()] == ["Comedy", "Horror"]
    assert set(response.json()[0]) == {"id", "name"}


def test_movies_lists_listed_movies_with_upcoming_showtimes(api, show):
    f.movie(title="Nothing scheduled")
    hidden = f.movie(title="Unlisted")
    f.showtime(movie_obj=hidden, hall_obj=f.hall())
    movie_update(movie_id=hidden.pk, is_listed=False)
    past = f.movie(title="Already shown")
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(days=3), tick=False):
        f.showtime(movie_obj=past, hall_obj=f.hall())

    response = api.get("/movies")
    assert response.status_code == 200
    [movie] = response.json()
    assert movie == {
        "id": show.movie.pk,
        "title": show.movie.title,
        "description": show.movie.description,
        "duration_min": 100,
        "age_rating": 0,
        "release_year": 2024,
        "genres": [{"id": g.pk, "name": g.name} for g in show.movie.genres.all()],
        "poster_url": f"/posters/{show.movie.pk}.svg",
    }


def test_movies_filter_by_date_and_genre(api, show):
    genre = show.movie.genres.get()
    day = local(show.starts_at).date()
    assert [m["id"] for m in api.get("/movies", date=day.isoformat()).json()] == [show.movie.pk]
    assert api.get("/movies", date=(day + dt.timedelta(days=1)).isoformat()).json() == []
    assert [m["id"] for m in api.get("/movies", genre=genre.pk).json()] == [show.movie.pk]
    assert api.get("/movies", genre=f.genre().pk).json() == []
    assert api.get("/movies", date="").status_code == 200  # an empty filter is no filter


def test_movie_detail_lists_its_upcoming_showtimes(api, show):
    response = api.get(f"/movies/{show.movie.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == show.movie.title
    assert body["showtimes"] == [
        {
            "id": show.pk,
            "starts_at": iso(show.starts_at),
            "hall": {"id": show.hall.pk, "number": show.hall.number, "name": show.hall.name},
            "seats_free": 12,
            "format": None,
            "language": None,
        }
    ]


@pytest.mark.parametrize("path", ["/movies/999999", "/movies/0", "/movies/-3", "/movies/99999999999999999999999"])
def test_unknown_movie_is_not_found(api, show, path):
    assert_error(api.get(path), 404, "not_found")


def test_movie_id_that_is_not_a_number_is_a_validation_error(api):
    body = assert_error(api.get("/movies/abc"), 422, "validation_error")
    assert "id" in body["fields"]


def test_showtimes_are_upcoming_ordered_and_filtered(api, show, seat_ids):
    later = f.showtime(movie_obj=show.movie, hall_obj=show.hall, starts_at=show.starts_at + dt.timedelta(hours=3))
    other_hall = f.hall()
    other = f.showtime(hall_obj=other_hall, starts_at=show.starts_at + dt.timedelta(hours=1))
    cancelled = f.showtime(hall_obj=f.hall(), starts_at=show.starts_at)
    showtime_cancel(showtime_id=cancelled.pk)
    f.hold(show, seat_ids[:3])

    body = api.get("/showtimes").json()
    assert [s["id"] for s in body] == [show.pk, other.pk, later.pk]
    first = body[0]
    assert first == {
        "id": show.pk,
        "movie": {"id": show.movie.pk, "title": show.movie.title, "duration_min": 100, "age_rating": 0},
        "hall": {"id": show.hall.pk, "number": show.hall.number, "name": show.hall.name},
        "starts_at": iso(show.starts_at),
        "ends_at": iso(show.ends_at),
        "seats_total": 12,
        "seats_free": 9,
        "format": None,
        "language": None,
    }
    assert first["starts_at"].endswith(local(show.starts_at).strftime("%z")[:3] + ":00")
    assert [s["id"] for s in api.get("/showtimes", movie=show.movie.pk).json()] == [show.pk, later.pk]
    assert [s["id"] for s in api.get("/showtimes", hall=other_hall.pk).json()] == [other.pk]
    tomorrow = local(show.starts_at).date()
    assert len(api.get("/showtimes", date=tomorrow.isoformat()).json()) == 3
    assert api.get("/showtimes", date=local_today().isoformat()).json() == []


@pytest.mark.parametrize(
    "params", [{"date": "2026-13-01"}, {"date": "tomorrow"}, {"movie": "x"}, {"hall": -1}, {"movie": "1e999"}]
)
def test_showtime_filters_are_validated(api, params):
    body = assert_error(api.get("/showtimes", **params), 422, "validation_error")
    assert set(body["fields"]) <= {"date", "movie", "hall"}


def test_showtime_detail_has_tariff_and_uniform_prices(api, show, evening):
    body = api.get(f"/showtimes/{show.pk}").json()
    assert body["tariff"] == {"id": evening.pk, "name": "Evening", "price_multiplier": "1.25"}
    assert body["prices"] == {"standard": "125.00", "vip": "125.00"}
    assert body["currency"] == "UAH"
    assert body["seats_total"] == 12 and body["seats_free"] == 12


def test_showtime_prices_leave_out_seat_types_whose_prices_differ(api):
    hall = hall_create(
        number=77,
        name="Mixed",
        rows=[
            RowSpec(row=1, seats=2, type="standard", base_price=Decimal("100.00")),
            RowSpec(row=2, seats=2, type="standard", base_price=Decimal("120.00")),
            RowSpec(row=3, seats=2, type="vip", base_price=Decimal("200.00")),
        ],
    )
    morning = f.local_dt(local_today() + dt.timedelta(days=2), 10)
    show = f.showtime(hall_obj=hall, starts_at=morning)
    body = api.get(f"/showtimes/{show.pk}").json()
    assert body["tariff"] is None
    assert body["prices"] == {"vip": "200.00"}


def test_seat_map_shows_every_seat_with_price_and_status(api, show, seat_ids):
    held = f.hold(show, seat_ids[:2])
    sold = f.hold(show, seat_ids[2:3], email="taras@example.com")
    booking_pay(reference=sold.booking.reference, method="demo")
    body = api.get(f"/showtimes/{show.pk}/seats").json()
    assert body["showtime_id"] == show.pk
    assert body["hall"] == {"id": show.hall.pk, "number": show.hall.number, "name": show.hall.name}
    assert body["currency"] == "UAH"
    seats = body["seats"]
    assert [(s["row"], s["number"]) for s in seats] == sorted((s["row"], s["number"]) for s in seats)
    assert len(seats) == 12
    assert seats[0] == {
        "id": seat_ids[0],
        "row": 1,
        "number": 1,
        "type": "standard",
        "price": "125.00",
        "status": "held",
        "column": 1,
        "best_zone": False,
    }
    assert [s["status"] for s in seats[:4]] == ["held", "held", "sold", "free"]
    assert seats[-1]["type"] == "vip"
    assert held.booking.status == BookingStatus.PENDING


@pytest.mark.parametrize("path", ["/showtimes/424242", "/showtimes/424242/seats", "/showtimes/-1/seats"])
def test_unknown_showtime_is_not_found(api, path):
    assert_error(api.get(path), 404, "not_found")


def test_reads_take_a_constant_number_of_queries(api, show, django_assert_max_num_queries):
    def counts() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        found = []
        for path in ["/genres", "/movies", f"/movies/{show.movie.pk}", "/showtimes", f"/showtimes/{show.pk}"]:
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(path).status_code == 200
            found.append(len(ctx.captured_queries))
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/showtimes/{show.pk}/seats").status_code == 200
        found.append(len(ctx.captured_queries))
        return found

    counts()  # a process's first requests fill its process-wide caches (the waiting room's gates)
    before = counts()
    for i in range(5):
        m = f.movie(genres=[f.genre(), f.genre()])
        h = f.hall(rows=5, seats=8)
        s = f.showtime(movie_obj=m, hall_obj=h)
        f.hold(s, list(h.seats.values_list("pk", flat=True)[:3]), email=f"c{i}@example.com")
        f.showtime(movie_obj=show.movie, hall_obj=h, starts_at=s.starts_at + dt.timedelta(hours=4))
    after = counts()
    assert before == after
    assert max(after) <= 5  # the seat map: showtime, taken seats, tariffs, seats, ticket types


# --- holding seats ---------------------------------------------------------------------------


ADULT = {"ticket_type": {"code": "adult", "name": "Adult"}, "price": "125.00"}


def test_hold_answers_201_with_the_booking_and_its_token(api, show, seat_ids):
    response = api.hold(
        show,
        seat_ids[:2],
        recipient={"name": "Taras Koval", "email": "taras@example.com"},
        gift_message="Happy birthday!",
        marketing_consent=True,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    booking = Booking.objects.get(reference=body["reference"])
    assert len(body["token"]) >= 22  # ≥ 128 bits in URL-safe base64
    assert body["token"] not in booking.token_hash
    assert body["status"] == "pending"
    assert body["booked_at"] == iso(booking.booked_at)
    assert body["expires_at"] == iso(booking.booked_at + dt.timedelta(minutes=10))
    assert body["paid_at"] is None and body["cancelled_at"] is None
    assert body["showtime"]["id"] == show.pk and body["showtime"]["starts_at"] == iso(show.starts_at)
    assert body["showtime"]["movie"]["title"] == show.movie.title
    assert body["showtime"]["hall"] == {"id": show.hall.pk, "number": show.hall.number, "name": show.hall.name}
    assert body["seats"] == [
        {"seat_id": seat_ids[0], "row": 1, "number": 1, "type": "standard", "tariff": "Evening", **ADULT}
        | {"discount": "0.00"},
        {"seat_id": seat_ids[1], "row": 1, "number": 2, "type": "standard", "tariff": "Evening", **ADULT}
        | {"discount": "0.00"},
    ]
    assert body["total_price"] == "250.00" and body["currency"] == "UAH"
    assert body["promo_code"] is None and body["discount"] == "0.00"
    assert body["customer"] == {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com", "phone": ""}
    assert body["recipient"] == {"name": "Taras Koval", "email": "taras@example.com"}
    assert body["gift_message"] == "Happy birthday!"
    assert Customer.objects.get().marketing_consent is True


def test_hold_without_recipient_sends_tickets_to_the_customer(api, show, seat_ids):
    body = api.hold(show, seat_ids[:1]).json()
    assert body["recipient"] is None and body["gift_message"] is None
    assert Customer.objects.get().marketing_consent is False


def test_hold_of_unknown_showtime_is_not_found(api, seat_ids):
    body = {
        "showtime_id": 987654,
        "seat_ids": seat_ids[:1],
        "customer": {"first_name": "A", "last_name": "B", "email": "a@example.com"},
    }
    assert_error(api.post("/bookings", body), 404, "not_found")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seat_ids": []}, "seat_ids"),
        ({"seat_ids": "ALL"}, "seat_ids"),
        ({"seat_ids": [-1]}, "seat_ids.0"),
        ({"customer": {"first_name": "A", "last_name": "B", "email": "not-an-email"}}, "customer.email"),
        ({"customer": {"first_name": " ", "last_name": "B", "email": "a@example.com"}}, "customer.first_name"),
        ({"customer": {"first_name": "A", "last_name": "B"}}, "customer.email"),
        ({"recipient": {"name": "T", "email": "nope"}}, "recipient.email"),
        ({"recipient": {"name": "", "email": "t@example.com"}}, "recipient.name"),
        ({"showtime_id": "twelve"}, "showtime_id"),
        ({"showtime_id": 2**70}, "showtime_id"),
        ({"marketing_consent": "perhaps"}, "marketing_consent"),
        ({"surprise": 1}, "surprise"),
        ({"customer": {"first_name": "A\x00", "last_name": "B", "email": "a@example.com"}}, "customer.first_name"),
        ({"customer": {"first_name": "A" * 101, "last_name": "B", "email": "a@example.com"}}, "customer.first_name"),
        ({"gift_message": "x" * 1001, "recipient": {"name": "T", "email": "t@example.com"}}, "gift_message"),
    ],
)
def test_hold_input_is_validated(api, show, seat_ids, change, field):
    body = {
        "showtime_id": show.pk,
        "seat_ids": seat_ids[:1],
        "customer": {"first_name": "Olena", "last_name": "Koval", "email": "olena@example.com"},
        **change,
    }
    error = assert_error(api.post("/bookings", body), 422, "validation_error")
    assert field in error["fields"], error
    assert not Booking.objects.exists()


def test_too_many_duplicate_or_foreign_seats_are_refused(api, show, seat_ids, settings):
    settings.MAX_SEATS_PER_BOOKING = 3
    assert_error(api.hold(show, seat_ids[:4]), 422, "validation_error")
    assert_error(api.hold(show, [seat_ids[0], seat_ids[0]]), 422, "validation_error")
    stranger = f.hall().seats.first()
    body = assert_error(api.hold(show, [seat_ids[0], stranger.pk]), 422, "validation_error")
    assert str(stranger.pk) in body["fields"]["seat_ids"][0]
    assert api.hold(show, seat_ids[:3]).status_code == 201


@pytest.mark.parametrize("raw", ["{", "not json", "[1, 2]", "null", '"text"', '{"showtime_id": 1e400}', "9" * 5000, ""])
def test_malformed_bodies_are_validation_errors(api, show, raw):
    assert_error(api.post("/bookings", raw=raw), 422, "validation_error")


def test_unavailable_seats_are_all_named(api, show, seat_ids):
    assert api.hold(show, seat_ids[0:2]).status_code == 201
    sold = f.hold(show, seat_ids[3:4], email="taras@example.com")
    booking_pay(reference=sold.booking.reference, method="demo")
    response = api.hold(show, [seat_ids[1], seat_ids[2], seat_ids[3], seat_ids[0]])
    body = assert_error(response, 409, "seats_unavailable")
    assert body["seat_ids"] == sorted([seat_ids[0], seat_ids[1], seat_ids[3]])
    # All or none: the free seat was not held either.
    assert api.hold(show, [seat_ids[2]]).status_code == 201


def test_sales_close_when_the_showtime_starts(api, show, seat_ids):
    with time_machine.travel(show.starts_at, tick=False):
        body = assert_error(api.hold(show, seat_ids[:1]), 409, "sales_closed")
    assert "started" in body["detail"]


def test_sales_close_when_the_showtime_is_cancelled(api, show, seat_ids):
    showtime_cancel(showtime_id=show.pk)
    assert_error(api.hold(show, seat_ids[:1]), 409, "sales_closed")


def test_an_expired_hold_never_blocks_a_seat(api, show, seat_ids):
    first = api.hold(show, seat_ids[:2]).json()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10, seconds=1), tick=False):
        assert api.get(f"/showtimes/{show.pk}/seats").json()["seats"][0]["status"] == "free"
        assert api.get("/showtimes").json()[0]["seats_free"] == 12
        second = api.hold(show, seat_ids[1:3])  # no sweeper has run
        assert second.status_code == 201, second.content
    expired = Booking.objects.get(reference=first["reference"])
    assert expired.status == BookingStatus.CANCELLED and expired.cancel_reason == CancelReason.EXPIRED


def test_the_sweeper_marks_lapsed_holds_expired(api, show, seat_ids):
    lapsing = api.hold(show, seat_ids[:1]).json()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), tick=False):
        fresh = api.hold(show, seat_ids[1:2]).json()
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11), tick=False):
        assert bookings_expire() == 1
        body = api.get(f"/bookings/{lapsing['reference']}", token=lapsing["token"]).json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "expired"
    assert Booking.objects.get(reference=fresh["reference"]).status == BookingStatus.PENDING


# --- reading, paying, cancelling -------------------------------------------------------------


@pytest.fixture
def held(api, show, seat_ids) -> dict:
    response = api.hold(show, seat_ids[:2])
    assert response.status_code == 201
    return response.json()


def test_booking_is_read_with_its_token(api, held):
    response = api.get(f"/bookings/{held['reference']}", token=held["token"])
    assert response.status_code == 200
    body = response.json()
    assert "token" not in body
    assert body["reference"] == held["reference"] and body["seats"] == held["seats"]
    # References are read aloud and typed from paper: case and spaces do not matter.
    assert api.get(f"/bookings/{held['reference'].lower()}", token=held["token"]).status_code == 200


@pytest.mark.parametrize("token", [None, "", "wrong", "Bearer", "x" * 5000])
def test_booking_without_its_token_is_not_found(api, held, token):
    assert_error(api.get(f"/bookings/{held['reference']}", token=token), 404, "not_found")
    assert_error(api.post(f"/bookings/{held['reference']}/pay", {"method": "demo"}, token=token), 404, "not_found")
    assert_error(api.post(f"/bookings/{held['reference']}/cancel", token=token), 404, "not_found")
    assert Booking.objects.get(reference=held["reference"]).status == BookingStatus.PENDING


def test_another_bookings_token_does_not_open_this_one(api, show, seat_ids, held):
    other = api.hold(show, seat_ids[5:6]).json()
    assert_error(api.get(f"/bookings/{held['reference']}", token=other["token"]), 404, "not_found")


@pytest.mark.parametrize("reference", ["NOSUCHXX", "x", "%00", "A" * 300, "0OIL1234"])
def test_unknown_reference_is_not_found(api, held, reference):
    assert_error(api.get(f"/bookings/{reference}", token=held["token"]), 404, "not_found")


def test_pay_twice_is_safe_and_sends_one_email(api, held):
    path = f"/bookings/{held['reference']}/pay"
    first = api.post(path, {"method": "demo"}, token=held["token"])
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "paid" and first.json()["paid_at"] is not None
    second = api.post(path, {"method": "demo"}, token=held["token"])
    assert second.status_code == 200
    assert second.json() == first.json()
    mails = OutgoingMail.objects.filter(booking__reference=held["reference"])
    assert [(m.kind, m.to_email) for m in mails] == [(MailKind.TICKETS, "olena@example.com")]


def test_a_gift_sends_tickets_to_the_recipient_and_a_receipt_to_the_buyer(api, show, seat_ids):
    gift = api.hold(show, seat_ids[:1], recipient={"name": "Taras", "email": "taras@example.com"}).json()
    assert api.post(f"/bookings/{gift['reference']}/pay", {"method": "demo"}, token=gift["token"]).status_code == 200
    sent = set(OutgoingMail.objects.values_list("kind", "to_email"))
    assert sent == {(MailKind.TICKETS, "taras@example.com"), (MailKind.RECEIPT, "olena@example.com")}


@pytest.mark.parametrize(("body", "field"), [({"method": "cash"}, "method"), ({}, "method"), (None, "body")])
def test_pay_needs_an_available_method(api, held, body, field):
    error = assert_error(
        api.post(f"/bookings/{held['reference']}/pay", body, token=held["token"]), 422, "validation_error"
    )
    assert field in error["fields"]


def test_paying_a_lapsed_hold_is_an_invalid_state(api, held):
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11), tick=False):
        response = api.post(f"/bookings/{held['reference']}/pay", {"method": "demo"}, token=held["token"])
    assert_error(response, 409, "invalid_state")
    assert Booking.objects.get(reference=held["reference"]).cancel_reason == CancelReason.EXPIRED


def test_paying_a_cancelled_booking_is_an_invalid_state(api, held):
    assert api.post(f"/bookings/{held['reference']}/cancel", token=held["token"]).status_code == 200
    assert_error(
        api.post(f"/bookings/{held['reference']}/pay", {"method": "demo"}, token=held["token"]), 409, "invalid_state"
    )
    assert_error(api.post(f"/bookings/{held['reference']}/cancel", token=held["token"]), 409, "invalid_state")


def test_cancel_a_hold_frees_the_seats_at_once(api, show, held):
    response = api.post(f"/bookings/{held['reference']}/cancel", token=held["token"])
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "customer" and body["cancelled_at"]
    assert body["seats"] == held["seats"]  # kept for the records
    assert api.hold(show, [s["seat_id"] for s in held["seats"]]).status_code == 201


def test_a_paid_booking_can_be_cancelled_until_the_cut_off(api, show, held, seat_ids):
    assert api.post(f"/bookings/{held['reference']}/pay", {"method": "demo"}, token=held["token"]).status_code == 200
    late = api.hold(show, seat_ids[4:5]).json()
    api.post(f"/bookings/{late['reference']}/pay", {"method": "demo"}, token=late["token"])

    just_before = show.starts_at - dt.timedelta(minutes=61)
    with time_machine.travel(just_before, tick=False):
        response = api.post(f"/bookings/{held['reference']}/cancel", token=held["token"])
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert OutgoingMail.objects.filter(kind=MailKind.CANCELLATION, booking__reference=held["reference"]).count() == 1

    with time_machine.travel(show.starts_at - dt.timedelta(minutes=60), tick=False):
        body = assert_error(
            api.post(f"/bookings/{late['reference']}/cancel", token=late["token"]), 409, "cancel_window_closed"
        )
    assert "60 minutes" in body["detail"]
    assert Booking.objects.get(reference=late["reference"]).status == BookingStatus.PAID


def test_holds_are_rate_limited_per_address(api, show, seat_ids, settings):
    settings.API_HOLD_RATE_PER_MINUTE = 3
    answers = [api.hold(show, [seat]).status_code for seat in seat_ids[:3]]
    assert answers == [201, 201, 201]
    response = api.hold(show, seat_ids[3:4])
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api.get(f"/showtimes/{show.pk}").status_code == 200  # reads are not limited


def test_openapi_document_describes_the_public_api(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    paths = doc["paths"]
    for path in [
        "/api/v1/genres",
        "/api/v1/movies",
        "/api/v1/movies/{id}",
        "/api/v1/showtimes",
        "/api/v1/showtimes/{id}",
        "/api/v1/showtimes/{id}/seats",
        "/api/v1/bookings",
        "/api/v1/bookings/{reference}",
        "/api/v1/bookings/{reference}/pay",
        "/api/v1/bookings/{reference}/cancel",
    ]:
        assert path in paths, path
    assert "201" in paths["/api/v1/bookings"]["post"]["responses"]
    assert "409" in paths["/api/v1/bookings"]["post"]["responses"]


def test_booking_reads_take_a_constant_number_of_queries(api, show, seat_ids, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MAX_SEATS_PER_BOOKING = 12
    small = api.hold(show, seat_ids[:1]).json()
    large = api.hold(show, seat_ids[1:12], customer={"first_name": "A", "last_name": "B", "email": "b@example.com"})
    large = large.json()
    counts = []
    for booking in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/bookings/{booking['reference']}", token=booking["token"]).status_code == 200
        counts.append(len(ctx.captured_queries))
    # The booking (token checked), its seats, its payments and its refunds.
    assert counts[0] == counts[1] <= 5

"""What seed_demo made, described line by line without ids, secrets (tokens) and write times:
the check that two runs with one seed on one day build the same cinema reads it."""

import datetime as dt
from collections.abc import Iterator

from marquee.booking.models import Booking, BookingSeat, BookingStatus, Customer
from marquee.catalog.models import Movie
from marquee.pricing.models import Tariff
from marquee.promotions.models import PromoCode
from marquee.scheduling.models import Showtime
from marquee.settlement.models import Distributor, RentalTerm
from marquee.venues.models import Hall, Seat


def _stamp(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).isoformat() if moment else "-"


def iter_fingerprint() -> Iterator[str]:
    """Lines that describe the seeded cinema without its ids, secrets (tokens) and write times
    (created_at, updated_at): two runs with one seed on one day give the same lines. A pending
    hold's booked and expiry times follow the moment of the run and are left out."""
    for hall in Hall.objects.order_by("number"):
        yield f"hall {hall.number} {hall.name} {hall.capacity}"
    for seat in Seat.objects.order_by("hall__number", "row_number", "seat_number").values_list(
        "hall__number", "row_number", "seat_number", "seat_type", "base_price"
    ):
        yield "seat {} {}/{} {} {}".format(*seat)
    for movie in Movie.objects.order_by("title_en", "release_year").prefetch_related("genres"):
        genres = ",".join(sorted(f"{g.name_en}/{g.name_uk}" for g in movie.genres.all()))
        yield (
            f"movie {movie.title_en} / {movie.title_uk} {movie.release_year} {movie.duration_min}min"
            f" {movie.age_rating}+ listed={movie.is_listed} [{genres}] {movie.description_en} / {movie.description_uk}"
        )
    for tariff in Tariff.objects.order_by("start_time").values_list(
        "name_en", "name_uk", "start_time", "end_time", "price_multiplier", "days_mask"
    ):
        yield "tariff {} / {} {}-{} x{} days={}".format(*tariff)
    yield from settlement_fingerprint()
    for number, title, starts, ends, status, cancelled, fmt, version in Showtime.objects.order_by(
        "starts_at", "hall__number"
    ).values_list(
        "hall__number",
        "movie__title_en",
        "starts_at",
        "ends_at",
        "status",
        "cancelled_at",
        "format__code",
        "language_version__code",
    ):
        yield f"show {number} {_stamp(starts)}-{_stamp(ends)} {title} {status} {_stamp(cancelled)} {fmt} {version}"
    for person in Customer.objects.order_by("email").values_list(
        "first_name", "last_name", "email", "phone", "marketing_consent", "marketing_consent_at"
    ):
        *rest, consent_at = person
        yield "customer {} {} <{}> {} consent={}".format(*rest) + f" {_stamp(consent_at)}"
    bookings = Booking.objects.order_by("reference").values_list(
        "reference",
        "showtime__hall__number",
        "showtime__starts_at",
        "customer__email",
        "status",
        "cancel_reason",
        "total_price",
        "booked_at",
        "expires_at",
        "paid_at",
        "cancelled_at",
        "payment_method",
        "payment_reference",
        "recipient_name",
        "recipient_email",
        "gift_message",
    )
    for ref, hall_number, starts, email, status, reason, total, booked, expires, paid, cancelled, *rest in bookings:
        times = (
            "held-at-the-run"
            if status == BookingStatus.PENDING
            else " ".join(map(_stamp, (booked, expires, paid, cancelled)))
        )
        yield (
            f"booking {ref} show {hall_number} {_stamp(starts)} by {email} {status} {reason} {total} {times} "
            + " ".join(map(str, rest))
        )
    tickets = BookingSeat.objects.order_by("booking__reference", "seat__row_number", "seat__seat_number")
    for ref, row, number, tariff_name, kind, price, status, checked_in in tickets.values_list(
        "booking__reference",
        "seat__row_number",
        "seat__seat_number",
        "tariff_name",
        "ticket_type_code",
        "final_price",
        "status",
        "checked_in_at",
    ):
        yield f"ticket {ref} {row}/{number} {tariff_name or '-'} {kind or '-'} {price} {status} {_stamp(checked_in)}"
    yield from promotions_fingerprint()


def settlement_fingerprint() -> Iterator[str]:
    """The distributors, who distributes which movie and the terms, without ids (tests/demo)."""
    for d in Distributor.objects.order_by("name").values_list("name", "email", "vat_rate", "language"):
        yield "distributor {} <{}> vat={} {}".format(*d)
    for term in RentalTerm.objects.order_by("movie__title_en", "from_week").values_list(
        "movie__title_en", "movie__distributor__name", "from_week", "percentage", "minimum_per_showtime"
    ):
        yield "rental {} by {}: week {}+ {}% min={}".format(*term)


def promotions_fingerprint() -> Iterator[str]:
    """The codes and which bookings used them, for the demo's determinism check."""
    for code in PromoCode.objects.order_by("code").values_list(
        "code", "kind", "value", "valid_from", "valid_until", "days_mask", "max_uses", "max_uses_per_customer"
    ):
        yield "promo {} {} {} {} {} {} {} {}".format(*code)
    for ref, text in (
        Booking.objects.exclude(promo_code_text="").order_by("reference").values_list("reference", "promo_code_text")
    ):
        yield f"promo used {ref} {text}"
    for ref, discount in (
        BookingSeat.objects.filter(discount__gt=0)
        .order_by("booking__reference", "seat_id")
        .values_list("booking__reference", "discount")
    ):
        yield f"promo discount {ref} {discount}"

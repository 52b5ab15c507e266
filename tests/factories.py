"""Small factories that build data through the real services, as the cinema would."""

import datetime as dt
import itertools
from decimal import Decimal

from django.conf import settings

from marquee.booking.services import CustomerDetails, HoldResult, booking_hold
from marquee.catalog.models import Genre, Movie
from marquee.catalog.services import genre_create, movie_create
from marquee.core.clock import cinema_tz, now
from marquee.pricing.models import Tariff, TicketType
from marquee.pricing.services import tariff_create
from marquee.pricing.ticket_types import ticket_type_create
from marquee.scheduling.models import Showtime
from marquee.scheduling.services import showtime_schedule
from marquee.venues.models import Hall
from marquee.venues.services import RowSpec, hall_create

_numbers = itertools.count(1)


def genre(name: str | None = None, name_uk: str | None = None) -> Genre:
    return genre_create(name=name or f"Genre {next(_numbers)}", name_uk=name_uk)


def movie(*, title: str | None = None, duration_min: int = 100, genres: list[Genre] | None = None, **kw) -> Movie:
    genres = genres or [genre()]
    return movie_create(
        title=f"Movie {next(_numbers)}" if title is None else title,
        duration_min=duration_min,
        release_year=kw.pop("release_year", 2024),
        genre_ids=[g.pk for g in genres],
        **kw,
    )


def hall(*, rows: int = 3, seats: int = 5, price: str = "100.00", vip_rows: tuple[int, ...] = (), number=None) -> Hall:
    return hall_create(
        number=number or next(_numbers),
        name=f"Hall {next(_numbers)}",
        rows=[
            RowSpec(row=r, seats=seats, type="vip" if r in vip_rows else "standard", base_price=Decimal(price))
            for r in range(1, rows + 1)
        ],
    )


def local_dt(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=cinema_tz())


def showtime(*, movie_obj: Movie | None = None, hall_obj: Hall | None = None, starts_at=None) -> Showtime:
    starts_at = starts_at or (now() + dt.timedelta(days=1)).replace(microsecond=0)
    return showtime_schedule(movie_id=(movie_obj or movie()).pk, hall_id=(hall_obj or hall()).pk, starts_at=starts_at)


def tariff(name="Evening", start=dt.time(18), end=dt.time(23, 59), multiplier="1.25") -> Tariff:
    return tariff_create(name=name, start_time=start, end_time=end, price_multiplier=Decimal(multiplier))


def ticket_type(code: str, name: str, **kw) -> TicketType:
    """A ticket type made through its service (Child: `ticket_type("child", "Child", multiplier=…)`).

    Adult, the default the migration makes, is made again first where a transactional test
    before this one flushed it."""
    if not TicketType.objects.filter(is_default=True).exists():
        ticket_type_create(code="adult", name_en="Adult", name_uk="Дорослий", is_default=True)
    return ticket_type_create(code=code, name_en=name, name_uk=kw.pop("name_uk", name), **kw)


def buyer(email: str = "olena@example.com", **kw) -> CustomerDetails:
    return CustomerDetails(
        first_name=kw.get("first_name", "Olena"),
        last_name=kw.get("last_name", "Koval"),
        email=email,
        phone=kw.get("phone", "+380501234567"),
    )


def hold(show: Showtime, seat_ids: list[int] | None = None, email: str = "olena@example.com", **kw) -> HoldResult:
    if seat_ids is None:
        seat_ids = list(show.hall.seats.order_by("pk").values_list("pk", flat=True)[:2])
    return booking_hold(showtime_id=show.pk, seat_ids=seat_ids, customer=buyer(email), **kw)


assert settings.configured

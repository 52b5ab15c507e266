"""A cinema for the benchmarks, built fast: halls through the venue service (so capacity
and seats follow the rules), showtimes with bulk_create on a grid that cannot overlap
(5 slots a day, 3 hours apart, for movies of at most 150 minutes).

Call after bench.common.django_setup().
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

SLOTS = (dt.time(10), dt.time(13), dt.time(16), dt.time(19), dt.time(22))


@dataclass
class Cinema:
    halls: dict[int, int] = field(default_factory=dict)  # hall id -> capacity
    showtimes: dict[int, int] = field(default_factory=dict)  # showtime id -> hall id
    seats: dict[int, list[int]] = field(default_factory=dict)  # hall id -> seat ids


def hall_rows(seats: int, per_row: int = 20) -> list[tuple[int, int, str, Decimal]]:
    """(row, seats, type, price) rows adding up to `seats`; the back two rows are VIP."""
    rows, left, number = [], seats, 1
    while left > 0:
        rows.append((number, min(per_row, left), "standard", Decimal("150.00")))
        left -= per_row
        number += 1
    for i in range(max(0, len(rows) - 2), len(rows)):
        r = rows[i]
        rows[i] = (r[0], r[1], "vip", Decimal("250.00"))
    return rows


def build(*, halls: int, seats: int | list[int], days: int, first_hall_number: int = 1, movies: int = 12) -> Cinema:
    from marquee.catalog.services import genre_create, movie_create
    from marquee.core.clock import cinema_tz, local_today
    from marquee.pricing.models import Tariff
    from marquee.pricing.services import tariff_create
    from marquee.scheduling.models import Showtime
    from marquee.scheduling.overlap import showtime_end
    from marquee.venues.models import Seat
    from marquee.venues.services import RowSpec, hall_create

    rng = random.Random(6)
    genres = [genre_create(name=f"Bench genre {first_hall_number}-{i}") for i in range(4)]
    films = [
        movie_create(
            title=f"Bench movie {first_hall_number}-{i}",
            duration_min=rng.choice([90, 105, 120, 135, 150]),
            release_year=2026,
            age_rating=rng.choice([0, 6, 12, 16, 18]),
            genre_ids=[genres[i % 4].pk, genres[(i + 1) % 4].pk],
            description="A film made for the benchmark. " * 8,
        )
        for i in range(movies)
    ]
    if not Tariff.objects.exists():
        tariff_create(
            name="Evening", start_time=dt.time(18), end_time=dt.time(23, 59), price_multiplier=Decimal("1.25")
        )

    cinema = Cinema()
    sizes = seats if isinstance(seats, list) else [seats] * halls
    tz = cinema_tz()
    first_day = local_today() + dt.timedelta(days=1)  # tomorrow: every showtime is on sale
    showtimes = []
    for n, size in enumerate(sizes):
        rows = [RowSpec(row=r, seats=s, type=t, base_price=p) for r, s, t, p in hall_rows(size)]
        hall = hall_create(number=first_hall_number + n, name=f"Hall {first_hall_number + n}", rows=rows)
        cinema.halls[hall.pk] = hall.capacity
        cinema.seats[hall.pk] = list(Seat.objects.filter(hall=hall).order_by("pk").values_list("pk", flat=True))
        for day in range(days):
            for slot in SLOTS:
                film = rng.choice(films)
                starts = dt.datetime.combine(first_day + dt.timedelta(days=day), slot, tzinfo=tz)
                ends = showtime_end(starts, film.duration_min, 15)
                showtimes.append(Showtime(movie=film, hall=hall, starts_at=starts, ends_at=ends))
    for show in Showtime.objects.bulk_create(showtimes, batch_size=2000):
        cinema.showtimes[show.pk] = show.hall_id
    return cinema


def book_some(cinema: Cinema, *, showtime_ids: list[int], holds: int, paid_share: float = 0.6) -> int:
    """Book `holds` random small groups through the real services (some paid, some held),
    so that seat maps and free-seat counts have something to count."""
    from marquee.booking.services import CustomerDetails, booking_hold
    from marquee.core.errors import DomainError
    from marquee.payments.services import booking_pay

    rng = random.Random(7)
    made = 0
    for i in range(holds):
        show = rng.choice(showtime_ids)
        seats = rng.sample(cinema.seats[cinema.showtimes[show]], rng.randint(1, 4))
        who = CustomerDetails(first_name="Seed", last_name=f"Guest{i}", email=f"seed{i % 500}@bench.example")
        try:
            # History, not a customer's choice: the single-seat rule is not the seed's to keep.
            held = booking_hold(showtime_id=show, seat_ids=seats, customer=who, gap_rule="allow")
        except DomainError:
            continue
        if rng.random() < paid_share:
            booking_pay(reference=held.booking.reference, method="demo")
        made += 1
    return made

"""Build the demo cinema: halls, movies, tariffs and showtimes through the services;
customers and bookings in bulk.

Bookings are written directly because the booking service refuses showtimes that have
started (the demo needs history) and would queue an email per booking (the demo must
not). They follow every rule the service keeps: one active sale per seat per showtime,
prices from marquee.pricing.prices, totals equal to the sum of their seats, timestamps
that match the state. The database constraints check the rest.

The seed drives every choice (one generator for the cinema's structure, one per showtime
for its bookings) and all times are relative to today in the cinema's time zone: the records
are drawn as they stood when today began (`as_of`, local midnight), so the same seed on the
same day gives the same cinema whatever the hour of the run. Only the pending holds follow
the moment of the run, as a hold lasts minutes: their booked and expiry times do (which
bookings are pending, with their seats and prices, do not). They are for showtimes from
tomorrow on, so that none has begun whatever the hour; a one-day demo has no tomorrow and
holds seats for today's showtimes that start after the run's holds would end.
References are drawn from the seed too; access tokens are random secrets.
"""

import datetime as dt
import math
import random
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from marquee.booking.models import Booking, BookingSeat, BookingStatus, CancelReason, Customer
from marquee.booking.tokens import REFERENCE_ALPHABET, REFERENCE_LENGTH, hash_token
from marquee.catalog.models import Genre, Movie
from marquee.catalog.services import genre_create, movie_create
from marquee.core.clock import cinema_tz, day_bounds, local, local_today
from marquee.core.clock import now as clock_now
from marquee.demo import data
from marquee.demo.formats import present_showtimes
from marquee.demo.promotions import seed_promotions
from marquee.demo.settlement import seed_distributors
from marquee.demo.ticket_types import SeatTypes, seat_types_for, seed_ticket_types
from marquee.demo.vouchers import seed_vouchers
from marquee.payments.backfill import backfill_ledger
from marquee.payments.models import Payment, Refund
from marquee.pricing.models import Tariff, TicketType
from marquee.pricing.prices import seat_price, tariff_for
from marquee.pricing.services import tariff_create
from marquee.promotions.models import PromoCode
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus
from marquee.scheduling.services import showtime_schedule_many
from marquee.settlement.models import Distributor
from marquee.venues.models import Hall, Seat, SeatType
from marquee.venues.services import RowSpec, hall_create, seat_update
from marquee.vouchers.models import Voucher

# (stage, done, total): the command turns this into a progress bar.
Progress = Callable[[str, int, int], None]

FIRST_START = dt.time(10, 0)
LAST_START = dt.time(23, 30)
# Days of history before today, whatever --days asks for: reports and watch history need them.
PAST_DAYS = 7
BOX_OFFICE = "cash"  # the box office's payments are cash in the ledger
MIN_HALL_SEATS, MAX_HALL_SEATS = 40, 300
# Rows of Booking/BookingSeat held in memory before they are written.
FLUSH_EVERY = 20_000

TARIFFS = (
    ("Morning", dt.time(9, 0), dt.time(12, 0), Decimal("0.800")),
    ("Day", dt.time(12, 0), dt.time(17, 0), Decimal("1.000")),
    ("Evening", dt.time(17, 0), dt.time(22, 0), Decimal("1.250")),
    ("Late night", dt.time(22, 0), dt.time(23, 59), Decimal("1.100")),
)
GROUP_SIZES = (1, 2, 3, 4, 5, 6)
GROUP_WEIGHTS = (14, 46, 12, 18, 5, 5)


@dataclass(frozen=True)
class SeedOptions:
    halls: int = 6
    days: int = 14
    seed: int = 2026
    customers: int = 200


@dataclass
class SeedSummary:
    genres: int = 0
    movies: int = 0
    halls: int = 0
    seats: int = 0
    tariffs: int = 0
    showtimes: int = 0
    showtimes_cancelled: int = 0
    customers: int = 0
    bookings: Counter[str] = field(default_factory=Counter)
    tickets: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    # What the cinema sells besides seats at a tariff (issue 13), counted once seeded.
    on_sale: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.bookings.items()))
        return [
            f"Days: {self.first_day} to {self.last_day}",
            f"Halls: {self.halls} ({self.seats} seats); tariffs: {self.tariffs}",
            f"Movies: {self.movies} in {self.genres} genres",
            f"Showtimes: {self.showtimes} ({self.showtimes_cancelled} cancelled)",
            f"Customers: {self.customers}",
            f"Bookings: {sum(self.bookings.values())} ({states}); booked seats: {self.tickets}",
            "Also: " + ", ".join(f"{what} {count}" for what, count in self.on_sale.items()),
        ]


@dataclass(frozen=True)
class _SeatRow:
    pk: int
    row: int
    number: int
    base_price: Decimal


@dataclass
class _Plan:
    """One showtime as the booking generator sees it."""

    showtime: Showtime
    popularity: float
    tariff: Tariff | None
    hall_number: int
    # base price → price under the tariff: a hall has a handful of base prices.
    prices: dict[Decimal, Decimal] = field(default_factory=dict)
    # Who sits in the seats (marquee.demo.ticket_types): adults, children, students, seniors.
    types: SeatTypes | None = None


def _local(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=cinema_tz())


def _minutes(value: float) -> dt.timedelta:
    return dt.timedelta(minutes=value)


# --- catalogue, venues, tariffs (through the services) -----------------------------------


def _genres() -> dict[str, Genre]:
    existing = {g.name_en: g for g in Genre.objects.filter(name_en__in=data.GENRES)}
    return {
        name: existing.get(name) or genre_create(name_en=name, name_uk=data.GENRES_UK[name]) for name in data.GENRES
    }


def _movies(rng: random.Random, genres: dict[str, Genre]) -> list[tuple[Movie, float]]:
    """Every demo movie with its popularity (how readily people buy tickets for it)."""
    movies = []
    for spec in data.MOVIES:
        title_uk, description_uk = data.MOVIES_UK[spec.title]
        movie = movie_create(
            title_en=spec.title,
            title_uk=title_uk,
            description_en=spec.description,
            description_uk=description_uk,
            duration_min=spec.duration_min,
            age_rating=spec.age_rating,
            release_year=spec.release_year,
            genre_ids=[genres[g].pk for g in spec.genres],
            is_listed=spec.listed,
        )
        novelty = 1.4 if spec.release_year >= 2026 else 1.0
        movies.append((movie, rng.uniform(0.35, 1.3) * novelty))
    return movies


def _hall_sizes(rng: random.Random, count: int) -> list[int]:
    """From the smallest to the biggest hall, evenly spread, a little irregular."""
    if count == 1:
        return [150]
    step = (MAX_HALL_SEATS - MIN_HALL_SEATS) / (count - 1)
    sizes = [round(MIN_HALL_SEATS + i * step) for i in range(count)]
    inner = [max(MIN_HALL_SEATS, min(MAX_HALL_SEATS, s + rng.randint(-8, 8))) for s in sizes[1:-1]]
    return [sizes[0], *inner, sizes[-1]]


def _layout(rng: random.Random, seats: int) -> tuple[list[RowSpec], Decimal]:
    """Rows for a hall of about `seats` seats: a rectangle or a fan that widens to the back,
    the back rows VIP at a higher price. Returns the rows and the standard price."""
    price = Decimal(rng.choice((120, 140, 150, 160, 180)))
    vip_price = Decimal(round(float(price) * rng.uniform(1.5, 1.8) / 10) * 10)
    per_row = max(8, min(24, round(math.sqrt(seats * 1.7))))
    row_count = max(3, round(seats / per_row))
    # A fan widens towards the back by about a seat a row; a rectangle keeps its width.
    fan = seats >= 80 and rng.random() < 0.5
    weights = [1 + (0.06 * i if fan else 0) for i in range(row_count)]
    widths = [int(seats * w / sum(weights)) for w in weights]
    for i in range(seats - sum(widths)):  # the remainder goes to the back rows, one each
        widths[-1 - i % row_count] += 1
    vip_rows = 1 if len(widths) < 8 else 2
    rows = []
    aisle_columns = _aisle_columns(max(widths))
    widest = max(widths) + len(aisle_columns)
    for index, width in enumerate(widths, start=1):
        vip = index > len(widths) - vip_rows and len(widths) > 2
        # Shorter rows centred under the widest; the aisles at the same places in every row,
        # so that they run straight to the back.
        offset = (widest - width - len(aisle_columns)) // 2
        aisles = tuple(column - offset - 1 - j for j, column in enumerate(aisle_columns))
        rows.append(
            RowSpec(
                row=index,
                seats=width,
                type=SeatType.VIP if vip else SeatType.STANDARD,
                base_price=vip_price if vip else price,
                offset=offset,
                aisles_after=tuple(a for a in aisles if 1 <= a < width),
            )
        )
    return rows, price


def _aisle_columns(widest: int) -> tuple[int, ...]:
    """Where a hall whose widest row has `widest` seats has its aisles: two, cutting off a
    quarter of the seats at each side, in a wide hall; one down the middle in a middling one;
    none in a small one."""
    if widest >= 18:
        return (widest // 4 + 1, widest - widest // 4 + 2)
    return (widest // 2 + 1,) if widest >= 12 else ()


def _halls(rng: random.Random, count: int) -> list[Hall]:
    halls = []
    names = data.HALL_NAMES
    for index, size in enumerate(_hall_sizes(rng, count)):
        name = names[index % len(names)]
        if index >= len(names):
            name = f"{name} {index // len(names) + 1}"
        rows, price = _layout(rng, size)
        hall = hall_create(number=index + 1, name=name, rows=rows)
        # A few accessible places at the ends of the front row, at the standard price.
        front = list(Seat.objects.filter(hall=hall, row_number=1).order_by("seat_number"))
        pairs = 1 if len(front) < 12 else 2
        for seat in front[:pairs] + front[-pairs:]:
            seat_update(seat_id=seat.pk, seat_type=SeatType.ACCESSIBLE, base_price=price)
        # Halls of 100 seats or more: two wheelchair spaces in the front row, each with a
        # companion seat beside it (towards the middle), at the standard price.
        if hall.capacity >= 100 and len(front) >= 2 * pairs + 4:
            left, right = front[pairs : pairs + 2], front[-pairs - 2 : -pairs][::-1]
            for space, companion in (left, right):
                if abs(space.column - companion.column) != 1:  # an aisle between them: no pair here
                    continue
                seat_update(seat_id=space.pk, seat_type=SeatType.WHEELCHAIR, base_price=price)
                seat_update(seat_id=companion.pk, seat_type=SeatType.COMPANION, base_price=price)
        halls.append(hall)
    return halls


def _tariffs() -> list[Tariff]:
    if Tariff.objects.exists():  # keep the cinema's own tariffs: ours would overlap them
        return list(Tariff.objects.all())
    return [
        tariff_create(
            name_en=name, name_uk=data.TARIFFS_UK[name], start_time=start, end_time=end, price_multiplier=mult
        )
        for name, start, end, mult in TARIFFS
    ]


# --- showtimes (through the scheduling service) --------------------------------------------


def _suits(movie: Movie, start: dt.time, past: bool) -> bool:
    if not movie.is_listed and not past:
        return False
    if movie.age_rating >= 18 and start < dt.time(18, 0):
        return False
    return not (movie.age_rating <= 6 and start >= dt.time(20, 0))


def _day_plan(
    rng: random.Random, day: dt.date, movies: Sequence[tuple[Movie, float]], past: bool
) -> list[tuple[Movie, dt.datetime]]:
    """One hall's day: shows from 10:00, the next one after the last ends and the hall is
    cleaned, on 5-minute marks, the last starting by 23:30."""
    shows: list[tuple[Movie, dt.datetime]] = []
    start = _local(day, FIRST_START) + _minutes(rng.choice((0, 0, 10, 15, 20, 30, 45)))
    last = _local(day, LAST_START)
    previous: Movie | None = None
    while start <= last:
        clock = start.time()
        choices = [(m, w) for m, w in movies if m != previous and _suits(m, clock, past)]
        movie = rng.choices([m for m, _ in choices], weights=[w for _, w in choices])[0]
        shows.append((movie, start))
        previous = movie
        ends = start + _minutes(movie.duration_min + settings.CLEANING_MINUTES)
        # The next show starts on the first 5-minute mark after cleaning, sometimes later.
        start = ends + _minutes((-ends.minute) % 5 + rng.choice((0, 0, 5, 10, 15, 20, 30)))
    return shows


def _showtimes(
    rng: random.Random,
    halls: Sequence[Hall],
    movies: Sequence[tuple[Movie, float]],
    days: Sequence[dt.date],
    today: dt.date,
    progress: Progress,
) -> list[Showtime]:
    created: list[Showtime] = []
    for done, hall in enumerate(halls, start=1):
        by_movie: dict[int, list[dt.datetime]] = {}
        for day in days:
            for movie, start in _day_plan(rng, day, movies, past=day < today):
                by_movie.setdefault(movie.pk, []).append(start)
        # One series per movie per hall: the service checks each against the others.
        for movie_id, starts in by_movie.items():
            created.extend(showtime_schedule_many(movie_id=movie_id, hall_id=hall.pk, starts=starts, allow_past=True))
        progress("showtimes", done, len(halls))
    return sorted(created, key=lambda s: (s.starts_at, s.hall_id))


def _cancel_some(
    rng: random.Random, showtimes: Sequence[Showtime], as_of: dt.datetime, today: dt.date, at: dt.datetime
) -> set[int]:
    """Cancel about one showtime in sixty from tomorrow on (at least one): their bookings follow.
    A demo without a tomorrow cancels one of today's. Chosen by day, not by the hour of the run."""
    upcoming = [s for s in showtimes if local(s.starts_at).date() > today]
    if not upcoming:
        upcoming = [s for s in showtimes if s.starts_at >= as_of]
    if not upcoming:
        return set()
    chosen = rng.sample(upcoming, max(1, len(upcoming) // 60))
    ids = {s.pk for s in chosen}
    cancelled_at = as_of - dt.timedelta(hours=1)
    Showtime.objects.filter(pk__in=ids).update(
        status=ShowtimeStatus.CANCELLED, cancelled_at=cancelled_at, updated_at=at
    )
    for showtime in chosen:
        showtime.status = ShowtimeStatus.CANCELLED
        showtime.cancelled_at = cancelled_at
    return ids


# --- customers and bookings (in bulk) -------------------------------------------------------


def _customers(rng: random.Random, count: int, as_of: dt.datetime) -> list[Customer]:
    people: list[Customer] = []
    emails: set[str] = set()
    while len(people) < count:
        if rng.random() < 0.65:
            first, first_latin = rng.choice(data.UKRAINIAN_FIRST_NAMES)
            last, last_latin = rng.choice(data.UKRAINIAN_LAST_NAMES)
            phone = f"+380{rng.choice((50, 63, 67, 73, 93, 97))}{rng.randrange(10**7):07d}"
        else:
            first = first_latin = rng.choice(data.ENGLISH_FIRST_NAMES)
            last = last_latin = rng.choice(data.ENGLISH_LAST_NAMES)
            phone = f"+447700900{rng.randrange(1000):03d}"  # Ofcom's range for drama
        email = f"{first_latin}.{last_latin}@{rng.choice(data.EMAIL_DOMAINS)}".lower()
        if email in emails:
            email = email.replace("@", f"{len(people)}@")
        emails.add(email)
        consent = rng.random() < 0.4
        people.append(
            Customer(
                first_name=first,
                last_name=last,
                email=email,
                phone=phone if rng.random() < 0.85 else "",
                marketing_consent=consent,
                marketing_consent_at=as_of - dt.timedelta(days=rng.uniform(1, 400)) if consent else None,
            )
        )
    return Customer.objects.bulk_create(people, batch_size=1000)


def _seat_rows(halls: Sequence[Hall]) -> dict[int, dict[int, list[_SeatRow]]]:
    """hall id → row → seats in order, read once."""
    layout: dict[int, dict[int, list[_SeatRow]]] = {h.pk: {} for h in halls}
    seats = Seat.objects.filter(hall__in=halls).order_by("hall_id", "row_number", "seat_number")
    for hall_id, pk, row, number, price in seats.values_list(
        "hall_id", "pk", "row_number", "seat_number", "base_price"
    ):
        layout[hall_id].setdefault(row, []).append(_SeatRow(pk, row, number, price))
    return layout


# A row to insert: column attname → value. Plain dicts: building a model instance per row
# costs more than the insert itself at this volume.
Row = dict[str, Any]


def _insert(model: type[Booking] | type[BookingSeat], rows: Sequence[Row], at: dt.datetime) -> None:
    """INSERT rows with one executemany, values adapted as Django adapts them; missing
    columns take the field's default. bulk_create builds SQL per row and needs instances,
    which is most of the time of a demo with a million tickets."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    defaults["created_at"] = defaults["updated_at"] = at
    adapt = connection.ops.adapt_datetimefield_value
    timed = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
    names = [f.attname for f in fields]
    values = [
        [adapt(v) if name in timed else v for name in names for v in (row.get(name, defaults[name]),)] for row in rows
    ]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: several times faster than even a pipelined executemany.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608 - our names


class _BookingWriter:
    """Collects bookings with their seats and writes them in batches."""

    def __init__(self, summary: SeedSummary, at: dt.datetime) -> None:
        self.summary = summary
        self.at = at
        self.references: set[str] = set()
        self.bookings: list[Row] = []
        self.seats: list[list[Row]] = []
        self.pending_rows = 0

    def reference(self, rng: random.Random) -> str:
        while True:
            ref = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def add(self, booking: Row, seats: list[Row]) -> None:
        self.bookings.append(booking)
        self.seats.append(seats)
        self.pending_rows += len(seats) + 1
        status = booking["status"]
        self.summary.bookings[status if status != BookingStatus.CANCELLED else booking["cancel_reason"]] += 1
        self.summary.tickets += len(seats)
        if self.pending_rows >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.bookings:
            return
        _insert(Booking, self.bookings, self.at)
        ids: dict[str, int] = {}
        references = [b["reference"] for b in self.bookings]
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            ids.update(Booking.objects.filter(reference__in=chunk).values_list("reference", "pk"))
        rows = []
        for booking, seats in zip(self.bookings, self.seats, strict=True):
            for seat in seats:
                seat["booking_id"] = ids[booking["reference"]]
                rows.append(seat)
        _insert(BookingSeat, rows, self.at)
        self.bookings, self.seats, self.pending_rows = [], [], 0


class _Bookings:
    """Fills showtimes with bookings in every state, as a cinema's records would look."""

    # How a booking ended, drawn per booking; PAID and PENDING keep their seats.
    OUTCOMES = ("paid", "pending", CancelReason.EXPIRED, CancelReason.CUSTOMER, CancelReason.STAFF)
    OUTCOME_WEIGHTS = (84, 2, 8, 4, 2)

    def __init__(
        self,
        seed: int,
        customers: Sequence[Customer],
        layout: dict[int, dict[int, list[_SeatRow]]],
        *,
        at: dt.datetime,
        as_of: dt.datetime,
        holds_after: dt.datetime,
        writer: _BookingWriter,
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - replaced per showtime in fill()
        self.customers = customers
        # Regulars book far more often than one-off visitors.
        self.customer_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(customers))]
        self.layout = layout
        self.at = at  # the moment of the run: pending holds only
        self.as_of = as_of  # when the records stop: everything else happened before it
        self.holds_after = holds_after  # showtimes that start later may have a pending hold
        self.today = local(as_of).date()
        self.writer = writer
        self.hold = dt.timedelta(minutes=settings.HOLD_MINUTES)
        self.cutoff = dt.timedelta(minutes=settings.CANCEL_CUTOFF_MINUTES)
        # The first outcomes are fixed so that even a tiny demo shows every state.
        self.forced: list[str] = [CancelReason.EXPIRED, CancelReason.CUSTOMER, CancelReason.STAFF, "pending"]

    def demand(self, plan: _Plan) -> float:
        start = local(plan.showtime.starts_at)
        hour = start.hour
        share = 0.22 if hour < 13 else 0.35 if hour < 17 else 0.6 if hour < 22 else 0.4
        if start.weekday() >= 5:
            share *= 1.3
        days_ahead = (start.date() - self.today).days
        if days_ahead >= 0:  # tickets sell as the day nears (by date, so a run's hour does not matter)
            share *= max(0.1, 0.85 - 0.11 * days_ahead)
        return min(0.97, share * plan.popularity * self.rng.uniform(0.6, 1.25))

    def take_seats(self, free: dict[int, list[_SeatRow]], size: int) -> list[_SeatRow]:
        """Adjacent free seats in one row where there are any, else any free seats."""
        rows = [r for r, seats in free.items() if len(seats) >= size]
        for _try in range(4):
            if not rows:
                break
            row = self.rng.choice(rows)
            seats = free[row]
            for first in self.rng.sample(range(len(seats) - size + 1), min(3, len(seats) - size + 1)):
                block = seats[first : first + size]
                if block[-1].number - block[0].number == size - 1:
                    for seat in block:
                        seats.remove(seat)
                    return block
        scattered = [s for seats in free.values() for s in seats][:size]
        for seat in scattered:
            free[seat.row].remove(seat)
        return scattered

    def outcome(self, plan: _Plan) -> str:
        show = plan.showtime
        scheduled = show.status == ShowtimeStatus.SCHEDULED
        can_hold = scheduled and show.starts_at > self.holds_after
        if scheduled and show.starts_at > self.as_of:
            for forced in self.forced:
                if forced != "pending" or can_hold:
                    self.forced.remove(forced)
                    return forced
        choice = self.rng.choices(self.OUTCOMES, weights=self.OUTCOME_WEIGHTS)[0]
        if choice == "pending" and not can_hold:
            return "paid"  # a hold on a show that has begun or was cancelled has lapsed long ago
        return choice

    def booked_at(self, plan: _Plan) -> dt.datetime:
        show = plan.showtime
        latest = min(show.starts_at - _minutes(20), self.as_of - _minutes(90))
        if show.status == ShowtimeStatus.CANCELLED and show.cancelled_at is not None:
            latest = min(latest, show.cancelled_at - _minutes(30))
        return latest - _minutes(self.rng.uniform(0, 9 * 24 * 60))

    def fill(self, plan: _Plan) -> None:
        show = plan.showtime
        # Each showtime draws from its own generator, so what depends on the hour of the run
        # (holds, the states forced below) changes that showtime only, not every one after it.
        moment = show.starts_at.astimezone(dt.UTC).isoformat()
        self.rng = random.Random(f"{self.seed}:{plan.hall_number}:{moment}")  # noqa: S311
        # Ticket types from a generator of their own: the rest draws as it did before types.
        self.type_rng = random.Random(f"{self.seed}:types:{plan.hall_number}:{moment}")  # noqa: S311
        free = {row: list(seats) for row, seats in self.layout[show.hall_id].items()}
        capacity = sum(len(s) for s in free.values())
        target = int(capacity * self.demand(plan))
        taken = 0
        while taken < target:
            size = self.rng.choices(GROUP_SIZES, weights=GROUP_WEIGHTS)[0]
            size = min(size, target - taken, settings.MAX_SEATS_PER_BOOKING)
            outcome = self.outcome(plan)
            seats = self.take_seats(free, size)
            if not seats:
                break
            self.book(plan, seats, outcome)
            if outcome in ("paid", "pending"):
                taken += len(seats)
            else:  # a cancelled booking frees its seats for the next customer
                for seat in seats:
                    free[seat.row].append(seat)
                    free[seat.row].sort(key=lambda s: s.number)

    def book(self, plan: _Plan, seats: list[_SeatRow], outcome: str) -> None:
        rng = self.rng
        show = plan.showtime
        customer = rng.choices(self.customers, weights=self.customer_weights)[0]
        if outcome == "pending":  # a hold lasts minutes: the one time that follows the run
            booked_at = self.at - _minutes(rng.uniform(0, settings.HOLD_MINUTES - 1))
        else:
            booked_at = self.booked_at(plan)
        booking: Row = {
            "reference": self.writer.reference(rng),
            # Nobody knows the token: seeded bookings stay private.
            "token_hash": hash_token(secrets.token_urlsafe(24)),
            "customer_id": customer.pk,
            "showtime_id": show.pk,
            "status": BookingStatus.PENDING,
            "booked_at": booked_at,
            "expires_at": booked_at + self.hold,
        }
        if rng.random() < 0.07:
            first, _ = rng.choice(data.UKRAINIAN_FIRST_NAMES)
            friend = rng.choice(data.ENGLISH_FIRST_NAMES)
            booking["recipient_name"] = first if rng.random() < 0.5 else friend
            booking["recipient_email"] = f"{friend.lower()}.gift{rng.randrange(10**4)}@{rng.choice(data.EMAIL_DOMAINS)}"
            booking["gift_message"] = rng.choice(data.GIFT_MESSAGES)
        self.settle(booking, show, outcome)
        tariff_id = plan.tariff.pk if plan.tariff else None
        tariff_name = plan.tariff.name_in_default_language if plan.tariff else ""
        kinds = plan.types.draw(self.type_rng, len(seats)) if plan.types else [None] * len(seats)
        rows: list[Row] = [
            {
                "showtime_id": show.pk,
                "seat_id": seat.pk,
                "tariff_id": tariff_id,
                "tariff_name": tariff_name,
                "ticket_type_id": kind.pk if kind else None,
                "ticket_type_code": kind.code if kind else "",
                "ticket_type_name": kind.name_in_default_language if kind else "",
                "final_price": plan.types.price(kind, seat.base_price)
                if plan.types and kind
                else plan.prices[seat.base_price],
                "status": booking["status"],
            }
            for seat, kind in zip(seats, kinds, strict=True)
        ]
        if booking["status"] == BookingStatus.PAID and show.starts_at <= self.as_of:
            for row in rows:
                if rng.random() < 0.9:
                    row["checked_in_at"] = show.starts_at - _minutes(rng.uniform(1, 25))
        booking["total_price"] = sum((r["final_price"] for r in rows), Decimal("0.00"))
        self.writer.add(booking, rows)

    def settle(self, booking: Row, show: Showtime, outcome: str) -> None:
        """Set the state and the timestamps that go with it."""
        rng = self.rng
        paid_at = booking["booked_at"] + _minutes(rng.uniform(1, settings.HOLD_MINUTES - 1))
        if outcome == "pending":
            return
        if outcome == CancelReason.EXPIRED:
            booking["status"] = BookingStatus.CANCELLED
            booking["cancel_reason"] = CancelReason.EXPIRED
            booking["cancelled_at"] = booking["expires_at"]
            return
        method = BOX_OFFICE if rng.random() < 0.2 else "demo"  # marquee/payments/backfill.py: their payments
        booking["paid_at"] = paid_at
        booking["payment_method"] = method
        booking["payment_reference"] = "" if method == BOX_OFFICE else f"demo-{rng.randrange(16**12):012x}"
        booking["status"] = BookingStatus.PAID
        if show.status == ShowtimeStatus.CANCELLED and show.cancelled_at is not None:
            booking["status"] = BookingStatus.CANCELLED
            booking["cancel_reason"] = CancelReason.SHOWTIME_CANCELLED
            booking["cancelled_at"] = show.cancelled_at
            return
        if outcome == "paid":
            return
        # Customers cancel before the cut-off, staff before the show; neither after the records stop.
        deadline = show.starts_at - (self.cutoff if outcome == CancelReason.CUSTOMER else _minutes(1))
        deadline = min(deadline, self.as_of)
        booking["status"] = BookingStatus.CANCELLED
        booking["cancel_reason"] = outcome
        if deadline - paid_at > _minutes(5):
            booking["cancelled_at"] = paid_at + (deadline - paid_at) * rng.uniform(0.05, 0.95)
        else:  # no time left after paying: they changed their mind before paying
            booking["paid_at"] = None
            booking["payment_method"] = booking["payment_reference"] = ""
            booking["cancelled_at"] = booking["booked_at"] + _minutes(1)


# --- the whole cinema ------------------------------------------------------------------------


def _days(upcoming: int, today: dt.date) -> list[dt.date]:
    """A week of history, then `upcoming` days from today on (today counts as the first)."""
    return [today + dt.timedelta(days=offset) for offset in range(-PAST_DAYS, upcoming)]


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress report: none."""


def seed_demo(options: SeedOptions, progress: Progress = _quiet) -> SeedSummary:
    """Build the demo cinema in one transaction: all of it or, on an error, none of it."""
    if options.halls < 1 or options.days < 1 or options.customers < 1:
        raise ValueError("halls, days and customers must be at least 1")
    rng = random.Random(options.seed)  # noqa: S311 - demo data, reproducible on purpose
    at = clock_now()
    today = local_today()
    as_of, tomorrow = day_bounds(today)
    # Holds from tomorrow on: none of those showtimes has begun, whatever the hour of the run.
    holds_after = tomorrow if options.days > 1 else at + dt.timedelta(minutes=settings.HOLD_MINUTES)
    days = _days(options.days, today)
    summary = SeedSummary(first_day=days[0], last_day=days[-1])
    with transaction.atomic():
        genres = _genres()
        movies = _movies(rng, genres)
        halls = _halls(rng, options.halls)
        tariffs = _tariffs()
        ticket_types = seed_ticket_types()
        showtimes = _showtimes(rng, halls, movies, days, today, progress)
        present_showtimes(random.Random(f"{options.seed}:formats"), halls, showtimes)  # noqa: S311
        # Their own generators, so that neither shifts the draws of the other.
        cancelled = _cancel_some(random.Random(f"{options.seed}:cancel"), showtimes, as_of, today, at)  # noqa: S311
        customers = _customers(random.Random(f"{options.seed}:customers"), options.customers, as_of)  # noqa: S311

        popularity = {m.pk: p for m, p in movies}
        age_ratings = {m.pk: m.age_rating for m, _p in movies}
        writer = _BookingWriter(summary, at)
        hall_numbers = {h.pk: h.number for h in halls}
        layout = _seat_rows(halls)
        base_prices = {hall: {s.base_price for row in rows.values() for s in row} for hall, rows in layout.items()}
        filler = _Bookings(options.seed, customers, layout, at=at, as_of=as_of, holds_after=holds_after, writer=writer)
        step = max(1, len(showtimes) // 100)
        for done, show in enumerate(showtimes, start=1):
            show.starts_at = show.starts_at.astimezone(dt.UTC)  # the same moment; cheaper arithmetic
            tariff = tariff_for(tariffs, local(show.starts_at))
            surcharge = show.format.surcharge if show.format else Decimal(0)  # set by present_showtimes
            prices = {base: seat_price(base, tariff, surcharge=surcharge) for base in base_prices[show.hall_id]}
            plan = _Plan(
                showtime=show,
                popularity=popularity[show.movie_id],
                tariff=tariff,
                hall_number=hall_numbers[show.hall_id],
                prices=prices,
                types=seat_types_for(
                    ticket_types,
                    age_rating=age_ratings[show.movie_id],
                    tariff=tariff,
                    bases=base_prices[show.hall_id],
                    surcharge=surcharge,
                ),
            )
            filler.fill(plan)
            if done % step == 0 or done == len(showtimes):
                progress("bookings", done, len(showtimes))
        writer.flush()
        seed_promotions(random.Random(f"{options.seed}:promotions"), today=today)  # noqa: S311
        # Every paid booking has its payments (and a booking cancelled after paying, its refund).
        backfill_ledger(booking_model=Booking, payment_model=Payment, refund_model=Refund, currency=settings.CURRENCY)
        seed_distributors(random.Random(f"{options.seed}:distributors"), [m for m, _ in movies])  # noqa: S311
        seed_vouchers(random.Random(f"{options.seed}:vouchers"), customers, showtimes, at)  # noqa: S311

    summary.genres = len(genres)
    summary.movies = len(movies)
    summary.halls = len(halls)
    summary.seats = sum(h.capacity for h in halls)
    summary.tariffs = len(tariffs)
    summary.showtimes = len(showtimes)
    summary.showtimes_cancelled = len(cancelled)
    summary.customers = len(customers)
    summary.on_sale = {
        "ticket types": TicketType.objects.count(),
        "formats": Format.objects.count(),
        "language versions": LanguageVersion.objects.count(),
        "promo codes": PromoCode.objects.count(),
        "gift vouchers": Voucher.objects.count(),
        "distributors": Distributor.objects.count(),
    }
    return summary

"""Reports on a year of data: how long each report takes with 1,000,000 sold seats.

Makes a throwaway PostgreSQL database, migrates the schema, then writes a year of a busy
cinema straight into the tables with COPY (the services would take hours for a million
seats): 8 halls of 90 to 320 seats, five showtimes a day in each for 365 days plus the
coming two weeks, 1,000,000 seats of paid bookings (fuller in the evening and at
weekends, some showtimes sold out), 5% more in cancelled bookings, a few live holds, and
60,000 customers of whom a few buy often. Then it times each report selector (the same
functions the staff pages, the API and the CSV downloads call), and the API's answers.

    .venv/bin/python -m bench.reports_bench [--quick] [--no-write] [--seats N] [--keep]

Writes the "## Reports on a year of data" section of docs/PERFORMANCE.md unless --quick
or --no-write. --quick builds 30 days and about 20,000 seats: it checks the script works.
"""

import argparse
import datetime as dt
import io
import random
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from bench import common, report

SECTION = "reports"
TZ = ZoneInfo("Europe/Kyiv")
SLOTS = [(10, 0.18), (13, 0.28), (16, 0.38), (19, 0.66), (22, 0.5)]  # local hour, base occupancy
HALLS = [
    (1, "Grand", 16, 20),
    (2, "Red", 12, 15),
    (3, "Blue", 12, 14),
    (4, "Green", 10, 14),
    (5, "Studio", 8, 12),
    (6, "Club", 6, 15),
    (7, "Loft", 9, 10),
    (8, "VIP lounge", 6, 15),
]
GENRES = [
    "Drama",
    "Comedy",
    "Action",
    "Thriller",
    "Animation",
    "Documentary",
    "Horror",
    "Sci-fi",
    "Romance",
    "Family",
    "Adventure",
    "Fantasy",
]
CENT = Decimal("0.01")
REF_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# --- writing rows -----------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _extra_columns(conn: psycopg.Connection, table: str, given: Sequence[str]) -> tuple[list[str], list[str]]:
    """NOT NULL columns without a default that we do not write (added by a later migration):
    filled with an empty value of their type, so that the bench survives schema growth."""
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    ).fetchall()
    empty = {"boolean": "f", "integer": "0", "bigint": "0", "smallint": "0", "numeric": "0", "jsonb": "{}"}
    empty["uuid"] = None
    names, values = [], []
    for name, data_type in rows:
        if name in given or name == "id":
            continue
        if data_type.startswith("timestamp"):
            value = "2020-01-01T00:00:00+00:00"
        elif data_type in empty:
            value = empty[data_type]
            if value is None:
                continue
        else:
            value = ""
        names.append(name)
        values.append(value)
    return names, values


def copy_rows(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    extra_names, extra_values = _extra_columns(conn, table, columns)
    tail = "".join("\t" + v for v in extra_values)
    names = ", ".join(f'"{name}"' for name in [*columns, *extra_names])  # "column" is a reserved word
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_cell(v) for v in row) + tail + "\n")
            count += 1
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def reference(n: int) -> str:
    chars = []
    for _ in range(8):
        n, r = divmod(n, len(REF_ALPHABET))
        chars.append(REF_ALPHABET[r])
    return "".join(chars)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the year ---------------------------------------------------------------------------


def build(database_url: str, *, days: int, target_seats: int, customers: int, seed: int = 7) -> dict[str, Any]:
    """Write the cinema into the migrated database; returns what was made."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.astimezone(TZ).date()
    first_day = today - dt.timedelta(days=days)
    last_day = today + dt.timedelta(days=14)
    stamp = now
    made: dict[str, Any] = {}
    with psycopg.connect(database_url, autocommit=False) as conn:
        copy_rows(
            conn,
            "catalog_genre",
            ["id", "name_en", "created_at", "updated_at"],
            [(i, name, stamp, stamp) for i, name in enumerate(GENRES, 1)],
        )
        movies = 120
        durations = {m: rng.randint(85, 150) for m in range(1, movies + 1)}
        copy_rows(
            conn,
            "catalog_movie",
            [
                "id",
                "title_en",
                "description_en",
                "duration_min",
                "age_rating",
                "release_year",
                "poster",
                "is_listed",
                "created_at",
                "updated_at",
            ],
            [
                (
                    m,
                    f"Movie {m:03d}",
                    "",
                    durations[m],
                    rng.choice([0, 6, 12, 16, 18]),
                    rng.randint(1960, 2026),
                    "",
                    True,
                    stamp,
                    stamp,
                )
                for m in range(1, movies + 1)
            ],
        )
        movie_genres = {m: rng.sample(range(1, len(GENRES) + 1), rng.randint(1, 3)) for m in range(1, movies + 1)}
        copy_rows(
            conn,
            "catalog_movie_genres",
            ["movie_id", "genre_id"],
            [(m, g) for m, gs in movie_genres.items() for g in gs],
        )
        copy_rows(
            conn,
            "venues_hall",
            ["id", "number", "name", "capacity", "created_at", "updated_at"],
            [(n, n, name, rows * per_row, stamp, stamp) for n, name, rows, per_row in HALLS],
        )
        seats: dict[int, list[tuple[int, str, Decimal]]] = {}
        seat_rows = []
        seat_id = 0
        for n, _name, rows, per_row in HALLS:
            seats[n] = []
            for r in range(1, rows + 1):
                kind = "vip" if r > rows - 2 else ("accessible" if r == 1 and per_row > 12 else "standard")
                price = Decimal("220.00") if kind == "vip" else Decimal("140.00")
                for s in range(1, per_row + 1):
                    seat_id += 1
                    seats[n].append((seat_id, kind, price))
                    seat_rows.append((seat_id, n, r, s, s, kind, price, stamp, stamp))
        copy_rows(
            conn,
            "venues_seat",
            [
                "id", "hall_id", "row_number", "seat_number", "column", "seat_type", "base_price",
                "created_at", "updated_at",
            ],
            seat_rows,
        )  # fmt: skip
        tariffs = {1: ("Morning", Decimal("0.8")), 2: ("Evening", Decimal("1.25"))}
        copy_rows(
            conn,
            "pricing_tariff",
            ["id", "name_en", "start_time", "end_time", "price_multiplier", "days_mask", "created_at", "updated_at"],
            [
                (1, "Morning", "09:00", "12:00", "0.800", 127, stamp, stamp),
                (2, "Evening", "18:00", "23:59", "1.250", 127, stamp, stamp),
            ],
        )
        # Showtimes: every hall, five a day.
        showtimes = []  # (id, hall, movie, starts_at utc, slot hour, base share)
        sid = 0
        day = first_day
        while day <= last_day:
            weekend = 1.3 if day.weekday() >= 4 else 1.0
            season = 1.0 + 0.25 * ((day.timetuple().tm_yday % 120) / 120)  # a premiere now and then
            for n, *_ in HALLS:
                for hour, share in SLOTS:
                    sid += 1
                    movie = rng.randint(1, movies)
                    starts = dt.datetime.combine(day, dt.time(hour), tzinfo=TZ).astimezone(dt.UTC)
                    showtimes.append((sid, n, movie, starts, hour, share * weekend * season))
            day += dt.timedelta(days=1)
        copy_rows(
            conn,
            "scheduling_showtime",
            [
                "id",
                "movie_id",
                "hall_id",
                "starts_at",
                "ends_at",
                "status",
                "cancelled_at",
                "created_at",
                "updated_at",
            ],
            [
                (s, m, h, start, start + dt.timedelta(minutes=durations[m] + 15), "scheduled", None, stamp, stamp)
                for s, h, m, start, _hour, _share in showtimes
            ],
        )
        # How many seats each showtime sells, scaled so that the total is the target.
        capacity = {n: len(seats[n]) for n in seats}
        past = [s for s in showtimes if s[3] < now]
        wanted = [min(1.0, max(0.0, rng.gauss(s[5], 0.15))) * capacity[s[1]] for s in past]
        scale = target_seats / sum(wanted)
        sold_counts = [min(capacity[s[1]], round(w * scale)) for s, w in zip(past, wanted, strict=True)]
        total = sum(sold_counts)
        k = 0
        while total < target_seats:  # sold-out showtimes were clipped: top up the others
            k = (k + 7) % len(past)
            if sold_counts[k] < capacity[past[k][1]]:
                sold_counts[k] += 1
                total += 1
        while total > target_seats:
            k = rng.randrange(len(past))
            if sold_counts[k] > 0:
                sold_counts[k] -= 1
                total -= 1
        # Customers: a few buy very often (Zipf-like), most once or twice.
        copy_rows(
            conn,
            "booking_customer",
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "marketing_consent",
                "marketing_consent_at",
                "marketing_withdrawn_at",
                "created_at",
                "updated_at",
            ],
            [
                (
                    c,
                    f"Name{c}",
                    f"Surname{c % 997}",
                    f"customer{c}@example.com",
                    f"+38050{c:07d}",
                    c % 3 == 0,
                    stamp if c % 3 == 0 else None,
                    None,
                    stamp,
                    stamp,
                )
                for c in range(1, customers + 1)
            ],
        )
        weights = [1 / (c**0.6) for c in range(1, customers + 1)]
        made.update(booking_rows(conn, rng, now, past, sold_counts, seats, tariffs, customers, weights, showtimes))
        for table in [
            "catalog_genre",
            "catalog_movie",
            "venues_hall",
            "venues_seat",
            "pricing_tariff",
            "scheduling_showtime",
            "booking_customer",
            "booking_booking",
            "booking_bookingseat",
        ]:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    made.update(showtimes=len(showtimes), customers=customers, first_day=first_day, today=today)
    return made


def booking_rows(
    conn: psycopg.Connection,
    rng: random.Random,
    now: dt.datetime,
    past: list[tuple],
    sold_counts: list[int],
    seats: dict[int, list[tuple[int, str, Decimal]]],
    tariffs: dict[int, tuple[str, Decimal]],
    customers: int,
    weights: list[float],
    showtimes: list[tuple],
) -> dict[str, Any]:
    """Paid bookings of 1-6 seats that sum to each showtime's sold count, 5% more seats in
    cancelled bookings, and live holds on the coming showtimes."""
    bookings: list[tuple] = []
    booked_seats: list[tuple] = []
    bid = 0
    customer_ids = range(1, customers + 1)
    picks = iter(rng.choices(customer_ids, weights=weights, k=sum(sold_counts) + 10_000))

    def tariff_of(hour: int) -> int | None:
        return 1 if hour < 12 else (2 if hour >= 18 else None)

    def add(show: tuple, chosen: list[tuple[int, str, Decimal]], status: str, at: dt.datetime) -> None:
        nonlocal bid
        bid += 1
        tariff = tariff_of(show[4])
        multiplier = tariffs[tariff][1] if tariff else Decimal(1)
        prices = [money(price * multiplier) for _sid, _kind, price in chosen]
        booked = at - dt.timedelta(minutes=rng.randint(30, 60 * 24 * 10))
        paid_at = booked + dt.timedelta(minutes=1) if status == "paid" else None
        cancelled_at = booked + dt.timedelta(minutes=5) if status == "cancelled" else None
        expires = booked + dt.timedelta(minutes=10) if status != "pending" else now + dt.timedelta(minutes=8)
        bookings.append(
            (
                bid,
                reference(bid * 7919 + 13),
                "0" * 64,
                next(picks),
                show[0],
                status,
                sum(prices, Decimal(0)),
                booked,
                expires,
                paid_at,
                "demo" if paid_at else "",
                "",
                cancelled_at,
                "customer" if cancelled_at else "",
                "",
                "",
                "",
                booked,
                booked,
            )
        )
        for (seat_id, _kind, _price), price in zip(chosen, prices, strict=True):
            booked_seats.append(
                (
                    bid,
                    show[0],
                    seat_id,
                    tariff,
                    price,
                    tariffs[tariff][0] if tariff else "",
                    status,
                    None,
                    booked,
                    booked,
                )
            )

    sizes = [1, 2, 2, 2, 3, 4, 4, 5, 6]
    for show, sold in zip(past, sold_counts, strict=True):
        hall_seats = seats[show[1]]
        order = rng.sample(hall_seats, len(hall_seats))
        taken = 0
        while taken < sold:
            size = min(rng.choice(sizes), sold - taken)
            add(show, order[taken : taken + size], "paid", show[3])
            taken += size
        free = order[sold:]
        extra = round(sold * 0.05)
        while extra > 0 and free:
            size = min(rng.choice(sizes), extra)
            add(show, free[:size], "cancelled", show[3])
            extra -= size
    coming = [s for s in showtimes if s[3] >= now]
    for show in coming[:: max(1, len(coming) // 200)]:  # live holds on about 200 coming showtimes
        add(show, seats[show[1]][:2], "pending", now)
    copy_rows(
        conn,
        "booking_booking",
        [
            "id",
            "reference",
            "token_hash",
            "customer_id",
            "showtime_id",
            "status",
            "total_price",
            "booked_at",
            "expires_at",
            "paid_at",
            "payment_method",
            "payment_reference",
            "cancelled_at",
            "cancel_reason",
            "recipient_name",
            "recipient_email",
            "gift_message",
            "created_at",
            "updated_at",
            "channel",
        ],
        [(*b, "online") for b in bookings],  # sold online: the channel's check allows no empty value
    )
    copy_rows(
        conn,
        "booking_bookingseat",
        [
            "booking_id",
            "showtime_id",
            "seat_id",
            "tariff_id",
            "final_price",
            "tariff_name",
            "status",
            "checked_in_at",
            "created_at",
            "updated_at",
        ],
        booked_seats,
    )
    paid = sum(1 for row in booked_seats if row[6] == "paid")
    return {"bookings": len(bookings), "booking_seats": len(booked_seats), "sold_seats": paid}


# --- timing -----------------------------------------------------------------------------


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    """Cold (first) and warm (median of the rest) milliseconds."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    warm = samples[1:] or samples
    return {"cold": samples[0], "warm": statistics.median(warm), "max": max(samples)}


def measure_untallied(made: dict[str, Any]) -> list[tuple[str, str, dict[str, float], int]]:
    """The year's reports before any tally (a worker that never ran it): counted from the seats."""
    from marquee.reports import selectors as r
    from marquee.reports.models import ShowtimeTally

    if ShowtimeTally.objects.exists():
        return []
    today = made["today"]
    start, end = today - dt.timedelta(days=365), today - dt.timedelta(days=1)
    cases = [
        ("occupancy, the year, untallied", "counted from the booked seats", lambda: r.occupancy(start=start, end=end)),
        (
            "sales by movie, the year, untallied",
            "counted from the booked seats",
            lambda: r.sales(start=start, end=end, group_by="movie"),
        ),
    ]
    results = []
    for name, note, fn in cases:
        queries = count_queries(fn)
        results.append((name, note, timed(fn, 2), queries))
        print(f"  {name:34} {results[-1][2]['warm']:8.1f} ms warm", flush=True)
    return results


def count_queries(fn: Callable[[], Any]) -> int:
    """How many SQL statements `fn` runs (session reads of the test client left out)."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len([q for q in executed if "django_session" not in q])


def measure(made: dict[str, Any], runs: int) -> list[tuple[str, str, dict[str, float], int]]:
    from django.db.models import Count
    from django.test import Client

    from marquee.booking.models import Booking, Customer
    from marquee.reports import selectors as r
    from marquee.scheduling.models import Showtime

    today = made["today"]
    year_start, year_end = today - dt.timedelta(days=365), today - dt.timedelta(days=1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1)
    heavy = Booking.objects.values("customer_id").annotate(n=Count("pk")).order_by("-n").first()
    heavy_id = heavy["customer_id"] if heavy else Customer.objects.first().pk
    popular_movie = Showtime.objects.values_list("movie_id", flat=True).first()
    cases: list[tuple[str, str, Callable[[], Any]]] = [
        ("occupancy, one month", f"{month_start} – {month_end}", lambda: r.occupancy(start=month_start, end=month_end)),
        ("occupancy, the year", f"{year_start} – {year_end}", lambda: r.occupancy(start=year_start, end=year_end)),
        ("occupancy, the year, one hall", "hall 1", lambda: r.occupancy(start=year_start, end=year_end, hall_id=1)),
        ("heat map, one month", "halls × days", lambda: r.occupancy_heat_map(start=month_start, end=month_end)),
        ("heat map, the year", "halls × days", lambda: r.occupancy_heat_map(start=year_start, end=year_end)),
        ("expansion signal, the year", "per ISO week", lambda: r.expansion_signal(start=year_start, end=year_end)),
    ]
    for group_by in r.GROUP_BYS:
        cases.append(
            (
                f"sales by {group_by}, the year",
                "",
                lambda g=group_by: r.sales(start=year_start, end=year_end, group_by=g),
            )
        )
    cases += [
        ("sales by movie, one month", "", lambda: r.sales(start=month_start, end=month_end, group_by="movie")),
        (
            "customer page (profile)",
            f"the busiest customer, {Booking.objects.filter(customer_id=heavy_id).count()} bookings",
            lambda: r.customer_profile(customer_id=heavy_id),
        ),
        ("customer search", '"surname42"', lambda: r.customer_search(query="surname42")),
        ("a movie's audience", "first 50", lambda: r.movie_audience(movie_id=popular_movie or 1)),
    ]
    # The API, as a client sees it (JSON included), with an admin's key.
    from django.contrib.auth.models import Group, User

    from marquee.staff.services import api_key_create

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Admin"))
    key = api_key_create(username="bench-admin").key
    client = Client(headers={"Authorization": f"Bearer {key}"})

    def api(path: str) -> Callable[[], Any]:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.content[:300]

        return call

    cases += [
        (
            "API occupancy, one month",
            "GET /api/v1/admin/reports/occupancy",
            api(f"/api/v1/admin/reports/occupancy?from={month_start}&to={month_end}"),
        ),
        (
            "API occupancy, the year",
            "all showtimes as JSON",
            api(f"/api/v1/admin/reports/occupancy?from={year_start}&to={year_end}"),
        ),
        (
            "API sales by day, the year",
            "GET /api/v1/admin/reports/sales",
            api(f"/api/v1/admin/reports/sales?from={year_start}&to={year_end}&group_by=day"),
        ),
        ("API customer", "GET /api/v1/admin/customers/{id}", api(f"/api/v1/admin/customers/{heavy_id}")),
    ]
    results = []
    for name, note, fn in cases:
        queries = count_queries(fn)
        results.append((name, note, timed(fn, runs), queries))
        print(f"  {name:34} {results[-1][2]['warm']:8.1f} ms warm  ({queries} queries)", flush=True)
    return results


HOW = re.sub(
    r"\s+",
    " ",
    """How: a showtime's figures are final once it has begun (holds end at the start, payment and
    cancellation close before it), so `marquee.reports.services.showtimes_tally` (which the worker runs
    now and then, or `manage.py reports_tally`) writes one `ShowtimeTally`
    row per begun showtime and a few `ShowtimeTallyCell` rows (seat type × tariff). Reports read tallies
    for those and count booked seats only for showtimes not tallied yet, so a year is some 15,000 + 30,000
    rows instead of a million seats; the figures are the same either way (tests/reports/test_tally.py).
    The *untallied* rows above show the same reports with no tally at all (a worker that never ran it):
    correct, slower. Occupancy is three queries (showtimes with tallies, untallied seats, live holds),
    sales two; the heat map and the expansion signal reuse the occupancy rows.""",
)


def render(made: dict[str, Any], results: list, seconds_build: float, runs: int) -> str:
    lines = [
        "## Reports on a year of data",
        "",
        f"`python -m bench.reports_bench` ({common.utc_now()}): a throwaway PostgreSQL database with "
        f"{made['sold_seats']:,} sold seats ({made['booking_seats']:,} booked seats in all, with cancelled ones and "
        f"live holds) in {made['bookings']:,} bookings, {made['showtimes']:,} showtimes in {len(HALLS)} halls "
        f"({made['first_day']} to two weeks ahead), {made['customers']:,} customers; written with COPY in "
        f"{seconds_build:.0f} s after `migrate`; the tally of begun showtimes (`showtimes_tally`, meant for the "
        f"worker) took {made.get('tally_seconds', 0):.1f} s for {made.get('tallied', 0):,} showtimes. "
        f"Each report ran {runs} times in one process through the ORM "
        "(the selectors the staff pages, the API and the CSV downloads share); *cold* is the first run, *warm* "
        "the median of the others. Queries: how many the call made (constant whatever the data's size, as the "
        "tests assert).",
        "",
        "| report | what | cold ms | warm ms | queries |",
        "|---|---|---:|---:|---:|",
    ]
    for name, note, t, queries in results:
        lines.append(f"| {name} | {note} | {t['cold']:.0f} | {t['warm']:.0f} | {queries} |")
    slow = [name for name, _note, t, _q in results if t["warm"] >= 1000 and "untallied" not in name]
    lines += [
        "",
        "Every report answers in under a second once begun showtimes are tallied."
        if not slow
        else f"Over a second: {', '.join(slow)}.",
        "",
        HOW,
        "",
        f"The expansion signal on this data, for the last four weeks: *{made.get('signal', '')}*",
        "",
        f"Recommendation campaign on the same data: {made.get('campaign_queued', 0):,} email queued (one per "
        f"consenting customer with something to recommend, batches of 200) in {made.get('campaign_seconds', 0):.0f} s. "
        "That is why the API sends a campaign to more than 1,000 customers through the worker (a django.tasks "
        'task) and answers at once with `"deferred": true`.',
        "",
        f"Load average at the end: {made.get('load', '?')} (the benchmarks before this one, and this one's own"
        " seeding, on the same 2 cores).",
    ]
    return "\n".join(lines)


def run(url: str, folder: Any, *, days: int, seats: int, customers: int, runs: int) -> tuple[dict, list, float]:
    env = common.app_env(url, folder, ALLOWED_HOSTS="testserver,127.0.0.1")
    (folder / "static").mkdir(exist_ok=True)
    print("migrating…", flush=True)
    common.manage(env, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    with psycopg.connect(url) as conn:
        existing = conn.execute("SELECT COUNT(*) FROM booking_bookingseat").fetchone()
    if existing and existing[0]:
        print(f"reusing the {existing[0]:,} booked seats already there (tallies cleared)", flush=True)
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM reports_showtimetallycell")
            conn.execute("DELETE FROM reports_showtimetally")
        made = describe(url)
    else:
        print(f"writing {days} days, {seats:,} sold seats…", flush=True)
        made = build(url, days=days, target_seats=seats, customers=customers)
    seconds_build = time.monotonic() - started
    print(f"  done in {seconds_build:.0f} s: {made}", flush=True)
    common.django_setup(env)
    before = measure_untallied(made)
    from marquee.reports.services import showtimes_tally

    started = time.monotonic()
    made["tallied"] = showtimes_tally()
    made["tally_seconds"] = time.monotonic() - started
    print(f"  tallied {made['tallied']:,} showtimes in {made['tally_seconds']:.1f} s", flush=True)
    results = before + measure(made, runs)
    from marquee.reports.selectors import expansion_signal

    today = made["today"]
    made["signal"] = expansion_signal(start=today - dt.timedelta(days=28), end=today - dt.timedelta(days=1)).sentence
    from marquee.marketing.services import campaign_send_recommendations

    started = time.monotonic()
    made["campaign_queued"] = campaign_send_recommendations()
    made["campaign_seconds"] = time.monotonic() - started
    print(f"  campaign: {made['campaign_queued']:,} email queued in {made['campaign_seconds']:.1f} s", flush=True)
    from django.db import connections

    connections.close_all()  # before the database is dropped
    made["load"] = common.load_average()
    return made, results, seconds_build


def describe(url: str) -> dict[str, Any]:
    """What an existing bench database holds (with --database-url)."""
    with psycopg.connect(url) as conn:

        def one(query: str) -> Any:
            row = conn.execute(query).fetchone()
            return row[0] if row else None

        return {
            "bookings": one("SELECT COUNT(*) FROM booking_booking"),
            "booking_seats": one("SELECT COUNT(*) FROM booking_bookingseat"),
            "sold_seats": one("SELECT COUNT(*) FROM booking_bookingseat WHERE status = 'paid'"),
            "showtimes": one("SELECT COUNT(*) FROM scheduling_showtime"),
            "customers": one("SELECT COUNT(*) FROM booking_customer"),
            "first_day": one("SELECT MIN(starts_at) FROM scheduling_showtime").astimezone(TZ).date(),
            "today": dt.datetime.now(TZ).date(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 days, ~20,000 seats; writes nothing")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--seats", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url", help="use (and keep) this database instead of a throwaway one; filled if empty"
    )
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    days, seats, customers = (30, 20_000, 2_000) if args.quick else (365, args.seats, 60_000)
    runs = 2 if args.quick else args.runs
    with common.data_dir() as folder:
        if args.database_url:
            made, results, seconds_build = run(
                args.database_url, folder, days=days, seats=seats, customers=customers, runs=runs
            )
        else:
            with common.throwaway_database("reports") as url:
                made, results, seconds_build = run(url, folder, days=days, seats=seats, customers=customers, runs=runs)
    text = render(made, results, seconds_build, runs)
    print(text)
    if not (args.quick or args.no_write):
        report.write_section(SECTION, text)


if __name__ == "__main__":
    main()

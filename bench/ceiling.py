"""The ceiling: how many seat holds per second PostgreSQL itself completes, with no web
server and no Django in the way.

Each client runs the statements marquee.booking.services.booking_hold sends, in the same
order and in one transaction (take the showtime's sales lock shared, read it and its hall, lock the seats, release
expired holds on them, check none is taken, upsert the customer, insert the booking,
insert its seats in one statement, commit), on the schema `manage.py migrate` makes.
Clients pick 1-4 random seats among many showtimes, so some holds collide, as on a real
night, but most succeed. Between client counts the bookings are emptied so every level
starts from the same state.

    .venv/bin/python -m bench.ceiling [--quick] [--write]
"""

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import secrets
import threading
import time
import zlib
from collections import Counter

import psycopg
from psycopg import errors

from bench import common, report

LEVELS = (1, 8, 32, 64)

# The statements booking_hold sends (captured from Django on PostgreSQL), with parameters.
# The showtime's sales lock, taken shared by every hold (a cancel takes it exclusive).
SALES_LOCK = "SELECT pg_advisory_xact_lock_shared(%s)"
SALES_LOCK_NAMESPACE = (zlib.crc32(b"marquee.showtime.sales") & 0x7FFFFFFF) << 32
SHOWTIME = """
SELECT s.id, s.created_at, s.updated_at, s.movie_id, s.hall_id, s.starts_at, s.ends_at, s.status, s.cancelled_at,
       m.id, m.created_at, m.updated_at, m.title, m.description, m.duration_min, m.age_rating, m.release_year,
       m.poster, m.is_listed,
       h.id, h.created_at, h.updated_at, h.number, h.name, h.capacity
FROM scheduling_showtime s INNER JOIN catalog_movie m ON (s.movie_id = m.id)
INNER JOIN venues_hall h ON (s.hall_id = h.id) WHERE s.id = %s LIMIT 21"""
SEATS = """
SELECT id, created_at, updated_at, hall_id, row_number, seat_number, seat_type, base_price
FROM venues_seat WHERE (hall_id = %s AND id = ANY(%s)) ORDER BY id ASC FOR NO KEY UPDATE"""
STALE = """
SELECT bs.booking_id FROM booking_bookingseat bs
INNER JOIN booking_booking b ON (bs.booking_id = b.id) INNER JOIN venues_seat st ON (bs.seat_id = st.id)
WHERE (b.expires_at <= %s AND bs.seat_id = ANY(%s) AND bs.showtime_id = %s AND bs.status = 'pending')
ORDER BY st.row_number ASC, st.seat_number ASC"""
EXPIRE_SELECT = """
SELECT id FROM booking_booking WHERE id = ANY(%s) AND status = 'pending' AND expires_at <= %s ORDER BY id"""
EXPIRE_BOOKINGS = """
UPDATE booking_booking SET status = 'cancelled', cancelled_at = %s, cancel_reason = 'expired', updated_at = %s
WHERE id = ANY(%s) AND status = 'pending' AND expires_at <= %s"""
EXPIRE_SEATS = "UPDATE booking_bookingseat SET status = 'cancelled', updated_at = %s WHERE booking_id = ANY(%s)"
TAKEN = """
SELECT bs.seat_id FROM booking_bookingseat bs
INNER JOIN venues_seat st ON (bs.seat_id = st.id) INNER JOIN booking_booking b ON (bs.booking_id = b.id)
WHERE (bs.seat_id = ANY(%s) AND bs.showtime_id = %s AND bs.status IN ('pending', 'paid')
       AND (bs.status = 'paid' OR b.expires_at > %s))
ORDER BY st.row_number ASC, st.seat_number ASC"""
CUSTOMER = """
SELECT id, created_at, updated_at, first_name, last_name, email, phone, marketing_consent, marketing_consent_at,
       marketing_withdrawn_at
FROM booking_customer WHERE LOWER(email) = %s ORDER BY last_name ASC, first_name ASC LIMIT 1 FOR UPDATE"""
CUSTOMER_INSERT = """
INSERT INTO booking_customer (created_at, updated_at, first_name, last_name, email, phone, marketing_consent,
                              marketing_consent_at, marketing_withdrawn_at)
VALUES (%s, %s, %s, %s, %s, %s, false, NULL, NULL) RETURNING id"""
CUSTOMER_UPDATE = """
UPDATE booking_customer SET created_at = %s, updated_at = %s, first_name = %s, last_name = %s, email = %s, phone = %s,
       marketing_consent = false, marketing_consent_at = NULL, marketing_withdrawn_at = NULL WHERE id = %s"""
TARIFFS = """
SELECT id, created_at, updated_at, name, start_time, end_time, price_multiplier, days_mask
FROM pricing_tariff ORDER BY start_time ASC"""
BOOKING_INSERT = """
INSERT INTO booking_booking (created_at, updated_at, reference, token_hash, customer_id, showtime_id, status,
    total_price, booked_at, expires_at, paid_at, payment_method, payment_reference, cancelled_at, cancel_reason,
    recipient_name, recipient_email, gift_message, language, client_ip)
VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s, %s, %s, NULL, '', '', NULL, '', '', '', '', '', NULL) RETURNING id"""
# The customer's pending seats for the showtime (MAX_SEATS_PER_BOOKING across their bookings);
# the bench holds without a client address, so the per-address count is not asked.
CUSTOMER_PENDING = """
SELECT COUNT(bs.id) FROM booking_bookingseat bs INNER JOIN booking_booking b ON (bs.booking_id = b.id)
WHERE (bs.status = 'pending' AND b.status = 'pending' AND b.expires_at > %s AND b.customer_id = %s
       AND b.showtime_id = %s)"""
SEATS_INSERT = """
INSERT INTO booking_bookingseat (created_at, updated_at, booking_id, showtime_id, seat_id, tariff_id, final_price,
    tariff_name, status, checked_in_at)
SELECT * FROM UNNEST(%s::timestamptz[], %s::timestamptz[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],
    %s::numeric[], %s::varchar[], %s::varchar[], %s::timestamptz[]) RETURNING id"""

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Conflict(Exception):
    """Some seats were taken: the app answers 409 and the customer picks again."""


def hold(conn: psycopg.Connection, show: int, hall: int, seat_ids: list[int], email: str) -> None:
    """One booking_hold transaction. Raises Conflict when a seat is taken."""
    at = dt.datetime.now(dt.UTC)
    wanted = sorted(seat_ids)
    conn.execute("BEGIN")
    try:
        conn.execute(SALES_LOCK, [SALES_LOCK_NAMESPACE | (show & 0xFFFFFFFF)])  # a cancel waits for us
        row = conn.execute(SHOWTIME, [show]).fetchone()
        assert row is not None and row[7] == "scheduled"
        seats = conn.execute(SEATS, [hall, wanted]).fetchall()
        assert len(seats) == len(wanted)
        stale = [r[0] for r in conn.execute(STALE, [at, wanted, show]).fetchall()]
        if stale:  # never in this benchmark (holds last 10 minutes), kept for fidelity
            lapsed = [r[0] for r in conn.execute(EXPIRE_SELECT, [sorted(set(stale)), at]).fetchall()]
            if lapsed:
                conn.execute(EXPIRE_BOOKINGS, [at, at, lapsed, at])
                conn.execute(EXPIRE_SEATS, [at, lapsed])
        if conn.execute(TAKEN, [wanted, show, at]).fetchall():
            raise Conflict
        customer = conn.execute(CUSTOMER, [email.lower()]).fetchone()
        if customer is None:
            conn.execute("SAVEPOINT c2")
            got = conn.execute(CUSTOMER_INSERT, [at, at, "Bench", "Client", email, "+380501234567"]).fetchone()
            conn.execute("RELEASE SAVEPOINT c2")
            customer_id = got[0] if got else 0
        else:
            customer_id = customer[0]
            conn.execute(CUSTOMER_UPDATE, [customer[1], at, "Bench", "Client", email, "+380501234567", customer_id])
        conn.execute(CUSTOMER_PENDING, [at, customer_id, show])  # a new customer each time: never at the limit
        tariffs = conn.execute(TARIFFS).fetchall()
        tariff = tariffs[0] if tariffs else None  # the price arithmetic itself is Python's, not the database's
        prices = [s[7] for s in seats]
        reference = "".join(secrets.choice(ALPHABET) for _ in range(8))
        token_hash = hashlib.sha256(secrets.token_urlsafe(24).encode()).hexdigest()
        conn.execute("SAVEPOINT b")
        expires = at + dt.timedelta(minutes=10)
        got = conn.execute(
            BOOKING_INSERT, [at, at, reference, token_hash, customer_id, show, sum(prices), at, expires]
        ).fetchone()
        conn.execute("RELEASE SAVEPOINT b")
        booking_id = got[0] if got else 0
        n = len(wanted)
        conn.execute("SAVEPOINT s")
        try:
            conn.execute(
                SEATS_INSERT,
                [[at] * n, [at] * n, [booking_id] * n, [show] * n, wanted, [tariff[0] if tariff else None] * n,
                 prices, [tariff[3] if tariff else ""] * n, ["pending"] * n, [None] * n],
            )  # fmt: skip
        except errors.UniqueViolation:
            # Another client took a seat between our check and our insert: the constraint decides.
            conn.execute("ROLLBACK TO SAVEPOINT s")
            conn.execute(TAKEN, [wanted, show, dt.datetime.now(dt.UTC)])
            raise Conflict from None
        conn.execute("RELEASE SAVEPOINT s")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def connect(url: str) -> psycopg.Connection:
    """A connection, retried for a while: other test suites on the same server may hold
    many of its max_connections for a moment. Unprepared statements, as Django sends them."""
    for attempt in range(40):
        try:
            return psycopg.connect(url, autocommit=True, prepare_threshold=None)
        except psycopg.OperationalError:
            if attempt == 39:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def client(number: int, url: str, shows: list[tuple[int, int]], seats: dict[int, list[int]], start: threading.Barrier,
           finish: threading.Barrier, seconds: float, tally: Counter, durations: list[float]) -> None:  # fmt: skip
    rng = random.Random(number)
    try:
        conn = connect(url)
    except psycopg.OperationalError:
        start.abort()  # the other clients stop waiting and the level fails loudly
        finish.abort()
        raise
    with conn:
        try:
            _run(number, conn, rng, shows, seats, start, seconds, tally, durations)
        finally:
            finish.wait()  # twice: the main thread reads the server's CPU time before we disconnect
            finish.wait()


def _run(number: int, conn: psycopg.Connection, rng: random.Random, shows: list[tuple[int, int]],
         seats: dict[int, list[int]], start: threading.Barrier, seconds: float, tally: Counter,
         durations: list[float]) -> None:  # fmt: skip
    """Holds for `seconds` once every client is connected."""
    done = 0
    start.wait()  # every client connected: the clock starts now
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        show, hall = rng.choice(shows)
        picked = rng.sample(seats[hall], rng.randint(1, 4))
        started = time.perf_counter()
        try:
            # One person per successful hold; a person who lost a seat tries again.
            hold(conn, show, hall, picked, f"ceiling-{number}-{done}@bench.example")
        except Conflict:
            tally["conflicts"] += 1
            continue
        except (errors.DeadlockDetected, errors.SerializationFailure):
            tally["retries"] += 1  # booking_hold retries these too
            continue
        except (psycopg.Error, AssertionError) as error:
            tally["errors"] += 1  # reported, never hidden: this client stops
            print(f"ceiling client {number}: {type(error).__name__}: {error}", flush=True)
            break
        durations.append(time.perf_counter() - started)
        tally["holds"] += 1
        done += 1


def level(url: str, clients: int, seconds: float, shows: list[tuple[int, int]], seats: dict[int, list[int]]) -> dict:
    """`clients` threads, one connection each, for `seconds`.

    Threads and the synchronous driver, not asyncio: psycopg's async path costs about
    0.1 ms of Python per statement, which on 2 shared cores would cap the 'ceiling' at
    the load generator instead of the database. The GIL is released while waiting.
    """
    tally: Counter = Counter()
    durations: list[float] = []
    start, finish = threading.Barrier(clients + 1), threading.Barrier(clients + 1)
    threads = [
        threading.Thread(target=client, args=(n, url, shows, seats, start, finish, seconds, tally, durations))
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    start.wait()
    backends = common.backend_pids(url)  # our clients' server processes, not other suites'
    cpu_before, db_before = time.process_time(), common.cpu_seconds(backends)
    started = time.monotonic()
    finish.wait()
    elapsed = time.monotonic() - started
    db_after = common.cpu_seconds(backends)
    finish.wait()
    for t in threads:
        t.join()
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "holds_per_s": tally["holds"] / elapsed,
        "conflicts_per_s": tally["conflicts"] / elapsed,
        "retries": tally["retries"],
        "errors": tally["errors"],
        "holds": tally["holds"],
        "latency": common.latency_ms(durations),
        # The load generator shares the 2 cores with PostgreSQL: its own share is worth knowing.
        "client_cpu_share": (time.process_time() - cpu_before) / elapsed,
        "database_cores": (db_after - db_before) / elapsed,
    }


# --- is this still the hold's SQL? ---------------------------------------------------------


def shape(statement: str) -> str:
    """A statement reduced to its verb and first table (or function): enough to notice when
    booking_hold gains, loses or reorders a statement."""
    text = statement.replace('"', "").strip()
    verb = text.split()[0].upper()
    if verb == "SELECT" and "pg_advisory" in text:
        return "SELECT " + text.split()[1].split("(")[0]
    found = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", text, re.IGNORECASE)
    return f"{verb} {found.group(1)}" if verb in {"SELECT", "INSERT", "UPDATE", "DELETE"} and found else verb


class Recorder:
    """Stands in for a connection and notes each statement's shape."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn, self.shapes = conn, []

    def execute(self, statement: str, params: object = None) -> psycopg.Cursor:
        self.shapes.append(shape(statement))
        return self.conn.execute(statement, params)


def mirror_check(url: str, show: int, hall: int, seats: list[int]) -> list[str]:
    """Hold once through booking_hold (Django) and once through `hold` (here), a new customer
    each, and compare the statements. Returns the differences (empty: still a mirror)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marquee.booking.services import CustomerDetails, booking_hold

    with CaptureQueriesContext(connection) as django_side:
        booking_hold(
            showtime_id=show, seat_ids=seats[:2], customer=CustomerDetails("Mirror", "Check", "mirror@bench.example")
        )
    with psycopg.connect(url, autocommit=True) as conn:
        here = Recorder(conn)
        hold(here, show, hall, seats[2:4], "mirror-here@bench.example")  # type: ignore[arg-type]
    theirs = [shape(q["sql"]) for q in django_side.captured_queries]
    ours = here.shapes
    theirs, ours = ([x for x in side if x not in {"BEGIN", "COMMIT"}] for side in (theirs, ours))
    if theirs == ours:
        return []
    return [f"booking_hold: {' → '.join(theirs)}", f"bench/ceiling.py: {' → '.join(ours)}"]


def empty_bookings(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE booking_bookingseat, booking_booking, booking_customer CASCADE")
        conn.execute("VACUUM ANALYZE")


def run(quick: bool) -> dict:
    halls, days = (4, 4) if quick else (20, 8)
    seconds = 3.0 if quick else 12.0
    with common.throwaway_database("ceiling") as url, common.data_dir() as folder:
        env = common.app_env(url, folder)
        common.manage(env, "migrate", "--noinput", "-v0")
        common.django_setup(env)
        from django.db import connections

        from bench import data

        cinema = data.build(halls=halls, seats=300, days=days)  # 5 showtimes a day
        shows = sorted(cinema.showtimes.items())
        drift = mirror_check(url, shows[0][0], shows[0][1], cinema.seats[shows[0][1]])
        for line in drift:
            print("ceiling: NOT A MIRROR of booking_hold any more:", line, flush=True)
        connections.close_all()
        results = []
        for clients in LEVELS:
            empty_bookings(url)
            results.append(level(url, clients, seconds, shows, cinema.seats))
            r, lat = results[-1], results[-1]["latency"]
            print(
                f"ceiling {clients:>2} clients: {r['holds_per_s']:5.0f} holds/s,"
                f" {r['conflicts_per_s']:4.0f} conflicts/s,"
                f" p50 {lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, cores: PostgreSQL {r['database_cores']:.2f},"
                f" load generator {r['client_cpu_share']:.2f}",
                flush=True,
            )
        return {
            "levels": results,
            "showtimes": len(shows),
            "seats_per_showtime": 300,
            "seconds_per_level": seconds,
            "best_holds_per_s": max(r["holds_per_s"] for r in results),
            "mirror_drift": drift,
            "quick": quick,
        }


def markdown(result: dict) -> str:
    lines = [
        "## Ceiling: the booking transaction's SQL alone",
        "",
        f"`bench/ceiling.py`: the statements of `booking_hold` sent with psycopg (one thread and connection per client,"
        f" no Django, no HTTP) on the migrated schema; {result['showtimes']} showtimes of"
        f" {result['seats_per_showtime']} seats; each client holds 1–4 random seats, a new customer per hold;"
        f" {result['seconds_per_level']:.0f} s per level, bookings emptied between levels.",
        "",
        "| clients | successful holds/s | conflicts/s | p50 ms | p95 ms | p99 ms | PostgreSQL cores | load generator"
        " cores | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["levels"]:
        lat = r["latency"]
        lines.append(
            f"| {r['clients']} | **{r['holds_per_s']:.0f}** | {r['conflicts_per_s']:.0f} | {lat['p50']:.1f} |"
            f" {lat['p95']:.1f} | {lat['p99']:.1f} | {r['database_cores']:.2f} | {r['client_cpu_share']:.2f} |"
            f" {r['errors']} |"
        )
    if result.get("mirror_drift"):
        lines += ["", "**Warning: this is no longer the SQL `booking_hold` sends** (update bench/ceiling.py):", ""]
        lines += [f"- {line}" for line in result["mirror_drift"]]
    else:
        lines += ["", "Checked in this run: `booking_hold` and this script send the same statements, in order."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few seconds per level, a small cinema")
    parser.add_argument("--write", action="store_true", help="write the section into docs/PERFORMANCE.md")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    result = run(args.quick)
    common.save_result("ceiling", result)
    text = markdown(result)
    print(text)
    if args.write:
        report.write_section("ceiling", text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()

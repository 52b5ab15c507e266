"""The ceiling: how many bookings per second PostgreSQL itself commits, with no web server,
no Django and none of Marquee's own SQL in the way.

The ceiling is the database's: the issue's essential booking transaction (a booking and two
seats, all or nothing under the seat-per-showtime uniqueness; `../shared/bench/ceiling/`, or
$MARQUEE_SHARED/bench/ceiling) run by pgbench at 8, 32 and 64 clients, bookings emptied
before each level, counting committed bookings. The best level is the ceiling every HTTP
figure of the same run is divided by (saved as the result "ceiling").

A second line, clearly not the ceiling, sends the statements marquee.booking.services.
booking_hold sends, in the same order and in one transaction, on the schema `manage.py
migrate` makes: what Marquee's own SQL alone allows. A check notes when the hold's
statements and this mirror part ways.

    .venv/bin/python -m bench.ceiling [--quick] [--write]
"""

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import resource
import secrets
import shutil
import subprocess
import threading
import time
import zlib
from collections import Counter
from pathlib import Path

import psycopg
from psycopg import errors

from bench import common, report

PGBENCH = shutil.which("pgbench") or "/usr/bin/pgbench"

# The statements booking_hold sends (captured from Django on PostgreSQL), with parameters.
# The showtime's sales lock, taken shared by every hold (a cancel takes it exclusive).
SALES_LOCK = "SELECT pg_advisory_xact_lock_shared(%s)"
SALES_LOCK_NAMESPACE = (zlib.crc32(b"marquee.showtime.sales") & 0x7FFFFFFF) << 32
SHOWTIME = """
SELECT s.id, s.created_at, s.updated_at, s.movie_id, s.hall_id, s.starts_at, s.ends_at, s.status, s.cancelled_at,
       s.format_id, s.language_version_id,
       m.id, m.created_at, m.updated_at, m.title_en, m.title_uk, m.description_en, m.description_uk, m.duration_min,
       m.age_rating, m.release_year, m.poster, m.is_listed, m.distributor_id,
       h.id, h.created_at, h.updated_at, h.number, h.name, h.capacity,
       f.id, f.created_at, f.updated_at, f.code, f.name, f.surcharge, f.position
FROM scheduling_showtime s INNER JOIN catalog_movie m ON (s.movie_id = m.id)
INNER JOIN venues_hall h ON (s.hall_id = h.id) LEFT OUTER JOIN scheduling_format f ON (s.format_id = f.id)
WHERE s.id = %s LIMIT 21"""
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
(SELECT bs.seat_id FROM booking_bookingseat bs INNER JOIN booking_booking b ON (bs.booking_id = b.id)
 WHERE (bs.seat_id = ANY(%s) AND bs.showtime_id = %s AND bs.status IN ('pending', 'paid')
        AND (bs.status = 'paid' OR b.expires_at > %s)))
UNION (SELECT seat_id FROM booking_seatblock WHERE (seat_id = ANY(%s) AND showtime_id = %s))"""
CUSTOMER = """
SELECT id, created_at, updated_at, first_name, last_name, email, phone, marketing_consent, marketing_consent_at,
       marketing_withdrawn_at, erased_at
FROM booking_customer WHERE LOWER(email) = %s ORDER BY last_name ASC, first_name ASC LIMIT 1 FOR UPDATE"""
CUSTOMER_INSERT = """
INSERT INTO booking_customer (created_at, updated_at, first_name, last_name, email, phone, marketing_consent,
                              marketing_consent_at, marketing_withdrawn_at, erased_at)
VALUES (%s, %s, %s, %s, %s, %s, false, NULL, NULL, NULL) RETURNING id"""
CUSTOMER_UPDATE = """
UPDATE booking_customer SET created_at = %s, updated_at = %s, first_name = %s, last_name = %s, email = %s, phone = %s,
       marketing_consent = false, marketing_consent_at = NULL, marketing_withdrawn_at = NULL WHERE id = %s"""
TICKET_TYPES = """
SELECT id, created_at, updated_at, code, name_en, name_uk, door_note_en, door_note_uk, rule, multiplier, amount_off,
       min_price, max_age_rating, is_default, is_active, position
FROM pricing_tickettype WHERE is_default ORDER BY position ASC, code ASC"""
TARIFFS = """
SELECT id, created_at, updated_at, name_en, name_uk, start_time, end_time, price_multiplier, days_mask
FROM pricing_tariff ORDER BY start_time ASC"""
BOOKING_INSERT = """
INSERT INTO booking_booking (created_at, updated_at, reference, token_hash, customer_id, showtime_id, status,
    total_price, booked_at, expires_at, paid_at, payment_method, payment_reference, cancelled_at, cancel_reason,
    recipient_name, recipient_email, gift_message, language, client_ip, channel, sold_by_id, comp_reason,
    promo_code_id, promo_code_text)
VALUES (%s, %s, %s, %s, %s, %s, 'pending', %s, %s, %s, NULL, '', '', NULL, '', '', '', '', '', NULL, 'online', NULL,
    '', NULL, '') RETURNING id"""
# The customer's pending seats for the showtime (MAX_SEATS_PER_BOOKING across their bookings);
# the bench holds without a client address, so the per-address count is not asked.
CUSTOMER_PENDING = """
SELECT COUNT(*) FROM booking_bookingseat bs INNER JOIN booking_booking b ON (bs.booking_id = b.id)
WHERE (b.expires_at > %s AND b.status = 'pending' AND bs.status = 'pending' AND b.customer_id = %s
       AND b.showtime_id = %s)"""
SEATS_INSERT = """
INSERT INTO booking_bookingseat (created_at, updated_at, booking_id, showtime_id, seat_id, tariff_id, final_price,
    discount, tariff_name, ticket_type_id, ticket_type_code, ticket_type_name, status, checked_in_at,
    checked_in_by_id, checked_in_override, code_version)
SELECT * FROM UNNEST(%s::timestamptz[], %s::timestamptz[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],
    %s::numeric[], %s::numeric[], %s::varchar[], %s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[],
    %s::timestamptz[], %s::integer[], %s::boolean[], %s::integer[]) RETURNING id"""

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
        assert row is not None and row[7] == "scheduled"  # s.status
        seats = conn.execute(SEATS, [hall, wanted]).fetchall()
        assert len(seats) == len(wanted)
        stale = [r[0] for r in conn.execute(STALE, [at, wanted, show]).fetchall()]
        if stale:  # never in this benchmark (holds last 10 minutes), kept for fidelity
            lapsed = [r[0] for r in conn.execute(EXPIRE_SELECT, [sorted(set(stale)), at]).fetchall()]
            if lapsed:
                conn.execute(EXPIRE_BOOKINGS, [at, at, lapsed, at])
                conn.execute(EXPIRE_SEATS, [at, lapsed])
        if conn.execute(TAKEN, [wanted, show, at, wanted, show]).fetchall():
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
        ticket_types = conn.execute(TICKET_TYPES).fetchall()
        kind = ticket_types[0] if ticket_types else None
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
                 prices, [0] * n, [tariff[3] if tariff else ""] * n, [kind[0] if kind else None] * n,
                 [kind[3] if kind else ""] * n, [kind[4] if kind else ""] * n, ["pending"] * n, [None] * n,
                 [None] * n, [False] * n, [0] * n],
            )  # fmt: skip
        except errors.UniqueViolation:
            # Another client took a seat between our check and our insert: the constraint decides.
            conn.execute("ROLLBACK TO SAVEPOINT s")
            conn.execute(TAKEN, [wanted, show, dt.datetime.now(dt.UTC), wanted, show])
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


# --- the database's own ceiling: ../shared/bench/ceiling with pgbench ----------------------


def shared_ceiling_folder() -> Path:
    """The issue's ceiling files: MARQUEE_SHARED, else ../shared beside the repository."""
    base = Path(os.environ.get("MARQUEE_SHARED") or common.ROOT.parent / "shared")
    folder = base / "bench" / "ceiling"
    if not (folder / "booking.pgb").exists():
        raise SystemExit(f"ceiling: no booking.pgb in {folder} (set MARQUEE_SHARED to the shared folder)")
    return folder


class BackendCpu(threading.Thread):
    """Samples the CPU time of one database's backends while pgbench runs: its connections
    come and go with it, so they cannot be read before and after like the app's."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.seen, self.done = url, {}, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            for pid in common.backend_pids(self.url):
                self.seen[pid] = max(self.seen.get(pid, 0.0), common.cpu_seconds([pid]))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def pgbench_level(url: str, folder: Path, clients: int, seconds: int) -> dict:
    """One pgbench run of booking.pgb after reset.sql; committed bookings per second."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((folder / "reset.sql").read_text())
    meter = BackendCpu(url)
    meter.start()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(
        [PGBENCH, "-n", "-f", str(folder / "booking.pgb"), "-c", str(clients), "-j", "2", "-T", str(seconds), url],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    database_cpu = meter.stop()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM booking").fetchone()
    committed = int(row[0]) if row else 0
    found = re.search(r"number of transactions actually processed: (\d+)", done.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    attempts = int(found.group(1)) if found else 0
    pgbench_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    return {
        "clients": clients,
        "seconds": seconds,
        "bookings_per_s": committed / seconds,
        "committed": committed,
        # pgbench counts the rolled-back conflicts as transactions too: they are not bookings.
        "rolled_back": max(0, attempts - committed),
        "latency_avg_ms": float(latency.group(1)) if latency else float("nan"),
        "database_cores": database_cpu / elapsed,
        "pgbench_cores": pgbench_cpu / elapsed,
    }


def database_ceiling(quick: bool) -> dict:
    folder = shared_ceiling_folder()
    levels, seconds = ((8,), 2) if quick else ((8, 32, 64), 15)
    results = []
    with common.throwaway_database("pgceiling") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute((folder / "schema.sql").read_text())
        for clients in levels:
            results.append(pgbench_level(url, folder, clients, seconds))
            r = results[-1]
            print(
                f"ceiling (database, pgbench) {clients:>2} clients: {r['bookings_per_s']:5.0f} bookings/s committed,"
                f" {r['rolled_back']} conflicts rolled back, latency {r['latency_avg_ms']:.1f} ms,"
                f" cores: PostgreSQL {r['database_cores']:.2f}, pgbench {r['pgbench_cores']:.2f}",
                flush=True,
            )
    best = max(results, key=lambda r: r["bookings_per_s"])
    return {"levels": results, "best": best["bookings_per_s"], "best_clients": best["clients"], "seconds": seconds}


# --- Marquee's own statements alone (the second line) ----------------------------------------


def mirror(quick: bool) -> dict:
    """booking_hold's statements without Django or HTTP: what Marquee's SQL alone allows."""
    halls, days = (4, 4) if quick else (20, 8)
    levels, seconds = ((8,), 2.0) if quick else ((32,), 10.0)
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
        for clients in levels:
            empty_bookings(url)
            results.append(level(url, clients, seconds, shows, cinema.seats))
            r, lat = results[-1], results[-1]["latency"]
            print(
                f"Marquee's statements alone {clients:>2} clients: {r['holds_per_s']:5.0f} holds/s,"
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
        }


def run(quick: bool) -> dict:
    database = database_ceiling(quick)
    return {
        # What every HTTP figure of this run is divided by: the database's, not our SQL's.
        "best_holds_per_s": database["best"],
        "database": database,
        "mirror": mirror(quick),
        "quick": quick,
    }


def markdown(result: dict) -> str:
    db, own = result["database"], result["mirror"]
    lines = [
        "## Ceiling: what the database itself commits",
        "",
        f"`bench/ceiling.py`: the issue's essential booking transaction (`../shared/bench/ceiling/`: insert a"
        f" booking and its two seats, all or nothing under the seat-per-showtime uniqueness; 2,000 showtimes of 300"
        f" seats) run by pgbench (`-j 2`, {db['seconds']} s per level, bookings emptied before each), counting"
        f" committed bookings. **The ceiling of this run: {db['best']:.0f} bookings/s** (at {db['best_clients']}"
        " clients); every HTTP figure below is a share of it.",
        "",
        "| clients | committed bookings/s | conflicts rolled back | latency avg ms | PostgreSQL cores"
        " | pgbench cores |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in db["levels"]:
        lines.append(
            f"| {r['clients']} | **{r['bookings_per_s']:.0f}** | {r['rolled_back']} | {r['latency_avg_ms']:.1f} |"
            f" {r['database_cores']:.2f} | {r['pgbench_cores']:.2f} |"
        )
    lines += [
        "",
        f"Second line, **Marquee's statements alone** (not the ceiling): the statements `booking_hold` sends, sent"
        f" with psycopg (a thread and connection per client, no Django, no HTTP) on the migrated schema;"
        f" {own['showtimes']} showtimes of {own['seats_per_showtime']} seats, 1–4 random seats per hold, a new"
        f" customer each; {own['seconds_per_level']:.0f} s.",
        "",
        "| clients | successful holds/s | conflicts/s | p50 ms | p99 ms | PostgreSQL cores | load generator cores |"
        " errors | share of the ceiling |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in own["levels"]:
        lat = r["latency"]
        lines.append(
            f"| {r['clients']} | **{r['holds_per_s']:.0f}** | {r['conflicts_per_s']:.0f} | {lat['p50']:.1f} |"
            f" {lat['p99']:.1f} | {r['database_cores']:.2f} | {r['client_cpu_share']:.2f} | {r['errors']} |"
            f" {r['holds_per_s'] / db['best']:.0%} |"
        )
    if own.get("mirror_drift"):
        lines += ["", "**Warning: this is no longer the SQL `booking_hold` sends** (update bench/ceiling.py):", ""]
        lines += [f"- {line}" for line in own["mirror_drift"]]
    else:
        lines += ["", "Checked in this run: `booking_hold` and the second line send the same statements, in order."]
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

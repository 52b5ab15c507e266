"""The ceiling: how many seat holds per second PostgreSQL itself completes, with no web
server and no Django in the way.

Each client runs the statements marquee.booking.services.booking_hold sends on PostgreSQL:
BEGIN, one call of the database function marquee_booking_hold (which takes the showtime's
sales lock shared, locks the seats, expires lapsed holds on them, checks none is taken,
upserts the customer, counts the limits, inserts the booking and its seats), COMMIT, on the
schema `manage.py migrate` makes.
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

# The statements booking_hold sends (captured from Django on PostgreSQL), with parameters:
# one call of the hold's database function (booking migration 0011) between BEGIN and COMMIT.
# The showtime's sales lock, taken shared by every hold (a cancel takes it exclusive).
SALES_LOCK_NAMESPACE = (zlib.crc32(b"marquee.showtime.sales") & 0x7FFFFFFF) << 32
HOLD = """SELECT * FROM marquee_booking_hold(
    %s::bigint, %s::bigint[], %s::timestamptz, %s::bigint, %s::bigint, %s::text, %s::bigint, %s::timestamptz,
    %s::numeric, %s::integer, %s::timestamptz[], %s::numeric[], %s::integer[], %s::integer[], %s::text[], %s::text,
    %s::text, %s::text, %s::text, %s::boolean, %s::integer, %s::integer, %s::inet, %s::boolean, %s::text[], %s::text,
    %s::numeric, %s::timestamptz, %s::text, %s::text, %s::text, %s::text, %s::numeric[], %s::bigint, %s::text,
    %s::bigint[], %s::text[], %s::text[])"""
# What Marquee keeps per process to price a hold (marquee/booking/hold_pricing.py), read once
# per showtime here too: the function checks it and answers "stale" if it is out of date.
FACTS = """
SELECT marquee_hold_pricing_fingerprint(), s.hall_id, s.starts_at, coalesce(f.surcharge, 0), m.age_rating,
       ARRAY[s.updated_at, m.updated_at, h.updated_at, f.updated_at]
FROM scheduling_showtime s JOIN catalog_movie m ON m.id = s.movie_id JOIN venues_hall h ON h.id = s.hall_id
LEFT JOIN scheduling_format f ON f.id = s.format_id WHERE s.id = %s"""
SEAT_FACTS = "SELECT id, base_price, row_number, seat_number, seat_type FROM venues_seat WHERE hall_id = %s"
_facts: dict[int, tuple] = {}


def facts(conn: psycopg.Connection, show: int) -> tuple:
    """The showtime's pricing facts and its hall's seats, read once per process."""
    if show not in _facts:
        row = conn.execute(FACTS, [show]).fetchone()
        assert row is not None
        seats = {r[0]: r[1:] for r in conn.execute(SEAT_FACTS, [row[1]]).fetchall()}
        _facts[show] = (row, seats)
    return _facts[show]


ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Conflict(Exception):
    """Some seats were taken: the app answers 409 and the customer picks again."""


def hold(conn: psycopg.Connection, show: int, hall: int, seat_ids: list[int], email: str) -> None:
    """One booking_hold transaction. Raises Conflict when a seat is taken."""
    at = dt.datetime.now(dt.UTC)
    wanted = sorted(seat_ids)
    (fingerprint, hall_id, starts_at, surcharge, age_rating, versions), seats = facts(conn, show)
    assert hall_id == hall
    mine = [seats[pk] for pk in wanted]
    prices = [s[0] + surcharge for s in mine]  # the price arithmetic itself is Python's, not the database's
    references = ["".join(secrets.choice(ALPHABET) for _ in range(8)) for _ in range(5)]
    token_hash = hashlib.sha256(secrets.token_urlsafe(24).encode()).hexdigest()
    expires = min(at + dt.timedelta(minutes=10), starts_at)
    n = len(wanted)
    conn.execute("BEGIN")
    try:
        row = conn.execute(
            HOLD,
            [show, wanted, at, SALES_LOCK_NAMESPACE | (show & 0xFFFFFFFF), None, fingerprint, hall_id, starts_at,
             surcharge, age_rating, versions, [s[0] for s in mine], [s[1] for s in mine], [s[2] for s in mine],
             [s[3] for s in mine], email, "Bench", "Client", "+380501234567", False, 10, 0, None, True, references,
             token_hash, sum(prices), expires, "", "", "", "", prices, None, "", [None] * n, [""] * n, [""] * n],
        ).fetchone()  # fmt: skip
        status = row[0] if row else None
        if status in {"taken", "just_taken"}:
            raise Conflict
        assert status == "ok", status
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

    booking_hold(  # the process's pricing copy read first, as a warm web worker has it
        showtime_id=show, seat_ids=seats[4:6], customer=CustomerDetails("Mirror", "Warm", "mirror-warm@bench.example")
    )
    with CaptureQueriesContext(connection) as django_side:
        booking_hold(
            showtime_id=show, seat_ids=seats[:2], customer=CustomerDetails("Mirror", "Check", "mirror@bench.example")
        )
    with psycopg.connect(url, autocommit=True) as conn:
        facts(conn, show)  # likewise
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

"""The ceiling: how many bookings per second PostgreSQL itself commits, with no web server,
no Django and none of Marquee's own SQL in the way.

The ceiling is the database's: the issue's essential booking transaction (a booking and two
seats, all or nothing under the seat-per-showtime uniqueness; `../shared/bench/ceiling/`, or
$MARQUEE_SHARED/bench/ceiling) run by pgbench at 8, 32 and 64 clients, bookings emptied
before each level, counting committed bookings. The best level is the ceiling every HTTP
figure of the same run is divided by (saved as the result "ceiling").

A second line, clearly not the ceiling, sends what marquee.booking.services.booking_hold
sends on PostgreSQL: BEGIN, one call of the database function marquee_booking_hold, COMMIT,
on the schema `manage.py migrate` makes: what Marquee's own SQL alone allows. A check notes
when the hold's statements and this mirror part ways.

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
    many of its max_connections for a moment. Statements prepared after five runs, as Marquee's
    connections do (marquee/env.py, DATABASE_PREPARED_STATEMENTS)."""
    for attempt in range(40):
        try:
            return psycopg.connect(url, autocommit=True, prepare_threshold=5)
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

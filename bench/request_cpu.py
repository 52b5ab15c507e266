"""Web CPU per request, in-process: no HTTP server, no load generator, no other client.

Seeds a throwaway PostgreSQL database like bench/reads.py (50 halls × 30 days and a
500-seat hall 40% booked; --quick: 8 halls × 4 days), then calls the WSGI handler
(`marquee.wsgi.application`, DEBUG off, the shared cache in Redis where it answers) in a
loop and measures `time.process_time()` around each call: the CPU this Python process
spent on the request, from the environ to the last byte of the body. The database's CPU
is PostgreSQL's backend's, read from /proc (utime + stime) before and after each series.
Counts of queries per request come from Django's connection.execute_wrapper.

On a machine shared with other suites, CPU time moves far less than wall-clock time; the
median of each series is reported, and the 90th percentile beside it.

    .venv/bin/python -m bench.request_cpu [--quick] [--profile NAME]
"""

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import itertools
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import common, reads, report

# name, result key, target (ms of web CPU): the hold, pay and seat map ≤ 2 ms (issue 15, point 3),
# the read pages ≤ 3 ms of service time at 1 client (point 4).
ROWS: list[tuple[str, str, float | None]] = [
    ("hold: POST /api/v1/bookings (2 seats)", "hold_ms", 2.0),
    ("pay: POST /api/v1/bookings/{ref}/pay (demo)", "pay_ms", 2.0),
    ("seat map (API), 500 seats", "seat_map_ms", 2.0),
    ("seat map (API), 500 seats, drawn afresh (a hold just changed it)", "seat_map_redraw_ms", None),
    ("showtime page (HTML seat map), 500 seats", "seat_map_page_ms", 3.0),
    ("listing (API) /api/v1/movies", "listing_ms", 3.0),
    ("home page /", "home_ms", 3.0),
    ("schedule (API) /api/v1/showtimes?date=", "schedule_ms", 3.0),
    ("schedule page /schedule/?date=", "schedule_page_ms", 3.0),
]


class Client:
    """Calls the WSGI application as a server would, with a fresh environ per request."""

    def __init__(self) -> None:
        from marquee.wsgi import application

        self.app = application
        self.status = ""

    def _start(self, status: str, headers: list, exc_info: Any = None) -> None:
        self.status = status

    def call(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_LANGUAGE": "en",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json" if body else "",
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        result = self.app(environ, self._start)
        try:
            return b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()


def series(client: Client, requests: list[Callable[[], bytes]], backends: list[int], expect: str) -> dict[str, float]:
    """Each request once: per-request web CPU (ms), and PostgreSQL's CPU per request."""
    from django.db import connection

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    samples = []
    db_before = common.cpu_seconds(backends)
    with connection.execute_wrapper(count):
        for request in requests:
            started = time.process_time()
            answer = request()
            samples.append((time.process_time() - started) * 1000)
            if not client.status.startswith(expect):
                raise RuntimeError(f"answered {client.status}, expected {expect}: {answer[:300]!r}")
    db_ms = (common.cpu_seconds(backends) - db_before) * 1000
    samples.sort()
    return {
        "n": len(samples),
        "cpu_ms": statistics.median(samples),
        "cpu_p90_ms": samples[int(len(samples) * 0.9)],
        "db_cpu_ms": db_ms / len(samples),
        "queries": queries / len(samples),
    }


def measure(quick: bool, profile: str = "") -> dict:
    n = 60 if quick else 400
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(common.throwaway_database("reqcpu"))
        folder = stack.enter_context(common.data_dir())
        env = common.app_env(
            url,
            folder,
            CACHE_URL=common.redis_url(),
            API_HOLD_RATE_PER_MINUTE="0",  # one client address holds them all
            MAX_PENDING_SEATS_PER_CLIENT="0",
            SECURE_HSTS_PRELOAD="false",  # with SECURE_HSTS_SECONDS=0 (plain HTTP on loopback)
        )
        common.manage(env, "migrate", "--noinput", "-v0")
        common.manage(env, "collectstatic", "--noinput", "-v0")
        seeded = reads.seed(env, quick)  # also sets Django up in this process
        from django.db import connection

        from marquee.booking.seat_rules import leaves_single_gap
        from marquee.booking.seating import hall_places
        from marquee.core.clock import local_today
        from marquee.core.clock import now as clock_now
        from marquee.scheduling import seat_map_cache
        from marquee.scheduling.models import Showtime, ShowtimeStatus
        from marquee.venues.models import WHEELCHAIR_TYPES

        client = Client()
        client.call("GET", "/")  # opens the connection: its backend is the one to watch
        backends = [pid for pid in common.backend_pids(url)]
        connection.ensure_connection()
        backend = connection.cursor().connection.info.backend_pid
        backends = [backend] if backend in backends else backends

        day = (local_today() + dt.timedelta(days=1)).isoformat()
        show = seeded["showtime"]
        reads_paths = {
            "seat_map_ms": f"/api/v1/showtimes/{show}/seats",
            "seat_map_page_ms": f"/showtimes/{show}/",
            "listing_ms": "/api/v1/movies",
            "home_ms": "/",
            "schedule_ms": f"/api/v1/showtimes?date={day}",
            "schedule_page_ms": f"/schedule/?date={day}",
        }

        # Pairs of free seats for the holds: the first seats of many showtimes no one booked.
        free_shows = list(
            Showtime.objects.exclude(pk=show)
            .filter(status=ShowtimeStatus.SCHEDULED, starts_at__gt=clock_now() + dt.timedelta(hours=1))
            .exclude(bookings__isnull=False)
            .exclude(seat_blocks__isnull=False)
            .order_by("-pk")
            .values_list("pk", "hall_id")[: n // 5 + 2]
        )
        pairs: list[tuple[int, list[int]]] = []
        for showtime_id, hall_id in free_shows:
            # A customer's seats: side by side, not the wheelchair spaces and companion seats kept
            # for those who need them, and each pair, held in turn, stranding no single seat.
            places = [p for p in hall_places(hall_id) if p.seat_type not in WHEELCHAIR_TYPES]
            taken: set[int] = set()
            for left, right in itertools.pairwise(sorted(places, key=lambda p: (p.row, p.column))):
                if len(taken) >= 10:
                    break
                pair = [left.seat_id, right.seat_id]
                if left.row != right.row or right.column != left.column + 1 or taken & set(pair):
                    continue
                if leaves_single_gap(hall_places(hall_id), taken, pair):
                    continue
                taken |= set(pair)
                pairs.append((showtime_id, pair))
        warm_pair = pairs.pop()  # held by the warm-up, never by the measured series
        pairs = pairs[:n]
        held: list[tuple[str, str]] = []

        def hold(showtime_id: int, seat_ids: list[int], i: int) -> Callable[[], bytes]:
            body = json.dumps(
                {
                    "showtime_id": showtime_id,
                    "seat_ids": seat_ids,
                    "customer": {"first_name": "Bench", "last_name": "Cpu", "email": f"cpu{i}@bench.example"},
                }
            ).encode()

            def go() -> bytes:
                answer = client.call("POST", "/api/v1/bookings", body)
                data = json.loads(answer)
                if "reference" in data:
                    held.append((data["reference"], data["token"]))
                return answer

            return go

        def pay(reference: str, token: str) -> Callable[[], bytes]:
            return lambda: client.call(
                "POST",
                f"/api/v1/bookings/{reference}/pay",
                b'{"method": "demo"}',
                {"Authorization": f"Bearer {token}"},
            )

        def get(path: str) -> Callable[[], bytes]:
            return lambda: client.call("GET", path)

        def redraw(path: str) -> Callable[[], bytes]:
            """The map right after a hold of its seats: its cached copy is stale (one cache write,
            counted), so this request draws it, as the first reader after every hold does."""

            def go() -> bytes:
                seat_map_cache._new_versions([show])
                return client.call("GET", path)

            return go

        # Warm up: imports, templates, the caches' first entries.
        for warm in [hold(*warm_pair, 10_000), *(get(p) for p in reads_paths.values())]:
            for _ in range(3):
                warm()
        held.clear()
        profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not waiting
        results: dict[str, dict[str, float]] = {}
        for key, make in (
            ("hold_ms", lambda: [hold(s, seats, i) for i, (s, seats) in enumerate(pairs[:n])]),
            ("pay_ms", lambda: [pay(ref, token) for ref, token in held[:n]]),
            *((k, lambda p=p: [get(p)] * n) for k, p in reads_paths.items()),
            ("seat_map_redraw_ms", lambda: [redraw(reads_paths["seat_map_ms"])] * n),
        ):
            requests = make()
            if profiler and profile in key:
                profiler.enable()
            results[key] = series(client, requests, backends, "201" if key == "hold_ms" else "200")
            if profiler and profile in key:
                profiler.disable()
            print(
                f"request_cpu {key}: web CPU median {results[key]['cpu_ms']:.2f} ms"
                f" (p90 {results[key]['cpu_p90_ms']:.2f}), PostgreSQL {results[key]['db_cpu_ms']:.2f} ms,"
                f" {results[key]['queries']:.1f} queries",
                flush=True,
            )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
        with contextlib.suppress(Exception):
            connection.close()
    return {"seed": seeded, "n": n, "quick": quick, "rows": results, "when": common.utc_now()}


def markdown(result: dict) -> str:
    s = result["seed"]
    lines = [
        "## Web CPU per request, in-process",
        "",
        f"`bench/request_cpu.py`, {result['when']}: {s['halls']} halls, {s['showtimes']} showtimes and a"
        " 500-seat hall 40% booked on PostgreSQL; the WSGI handler called in a loop in one process (DEBUG off,"
        " the cache in Redis), `time.process_time()` around each call, so no HTTP server and no client is"
        f" counted. {result['n']} requests per row (each hold takes 2 fresh seats; each pay pays one of"
        " those holds). PostgreSQL's CPU is its backend's (utime + stime from /proc) over the series.",
        "",
        "| request | web CPU ms, median | p90 | target | PostgreSQL CPU ms | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, key, target in ROWS:
        row = result["rows"][key]
        goal = "—" if target is None else f"≤ {target:g}" + ("" if row["cpu_ms"] <= target else " (missed)")
        lines.append(
            f"| {name} | **{row['cpu_ms']:.2f}** | {row['cpu_p90_ms']:.2f} | {goal} |"
            f" {row['db_cpu_ms']:.2f} | {row['queries']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller cinema, 60 requests per row; writes nothing")
    parser.add_argument("--profile", default="", help="cProfile the rows whose key contains this (hold, seat_map…)")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    result = measure(args.quick, args.profile)
    if args.quick:
        return
    flat = {key: row["cpu_ms"] for key, row in result["rows"].items()}
    common.save_result("request_cpu", {**flat, **result})
    report.write_section("request_cpu", markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()

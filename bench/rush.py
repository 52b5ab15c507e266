"""Premiere rush through HTTP: real app servers, real HTTP, one database.

On PostgreSQL: two gunicorn instances (marquee.wsgi, gthread workers) on two loopback
ports share one throwaway database. On SQLite (--sqlite): one instance on a SQLite file,
the embedded default. Clients (asyncio + httpx, split across the instances) do what a
customer does: read the seat map, pick 1-4 free seats, hold them (POST /api/v1/bookings),
pay on 201, and on 409 read the map again and retry.

Phases:
  premiere    every client races for one 300-seat showtime until it is sold out;
  spread      the same clients book across many showtimes for a fixed time;
  holds only  clients POST holds of random seats with no map and no pay, like the ceiling
              does, so the ratio to the ceiling compares the same work.

At the end it checks in the database that no seat is sold twice and that
sold + held + free = capacity, and records the web workers' resident memory.

    .venv/bin/python -m bench.rush [--quick] [--sqlite] [--write]
"""

import argparse
import asyncio
import contextlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import common, report

PREMIERE_SEATS = 300


@dataclass
class Tally:
    """What the clients saw: latencies per operation, answers by status, successes."""

    latency: dict[str, list[float]] = field(default_factory=lambda: {"seat map": [], "hold": [], "pay": []})
    statuses: Counter = field(default_factory=Counter)
    holds: int = 0
    pays: int = 0
    seats_held: int = 0
    last_hold_at: float = 0.0

    def record(self, op: str, status: int | str, seconds: float) -> None:
        self.latency[op].append(seconds)
        self.statuses[f"{op} {status}"] += 1


async def call(client: httpx.AsyncClient, tally: Tally, op: str, method: str, url: str, **kw) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.HTTPError as error:
        tally.record(op, type(error).__name__, time.perf_counter() - started)
        return None
    tally.record(op, response.status_code, time.perf_counter() - started)
    return response


def address(client: int, customer: int) -> dict[str, str]:
    """Each customer comes from an address of their own, as on a real night: holds are
    rate-limited per client address (API_HOLD_RATE_PER_MINUTE), and a rush is many people,
    not one machine hammering. The bench plays the reverse proxy: the app trusts loopback
    (TRUSTED_PROXIES=127.0.0.0/8), so it believes the address the header names."""
    return {"X-Forwarded-For": f"10.{client % 256}.{customer // 256 % 256}.{customer % 256}"}


def booking_body(showtime: int, seats: list[int], email: str) -> dict:
    return {
        "showtime_id": showtime,
        "seat_ids": seats,
        "customer": {"first_name": "Rush", "last_name": "Client", "email": email, "phone": "+380501234567"},
    }


async def customer(
    number: int, client: httpx.AsyncClient, showtimes: list[int], tally: Tally, *, until: float, once: bool
) -> None:
    """One customer after another at this client's seat: map, pick, hold, pay; again on 409.

    With `once` (the premiere) the client stops when the map shows no free seat.
    """
    rng = random.Random(number)
    done = 0
    while time.monotonic() < until:
        show = rng.choice(showtimes)
        seat_map = await call(client, tally, "seat map", "GET", f"/api/v1/showtimes/{show}/seats")
        if seat_map is None or seat_map.status_code != 200:
            await asyncio.sleep(0.05)
            continue
        free = [s["id"] for s in seat_map.json()["seats"] if s["status"] == "free"]
        if not free:
            if once:
                return  # sold out
            continue
        wanted = rng.sample(free, min(len(free), rng.randint(1, 4)))
        email = f"rush-{number}-{done}@bench.example"
        held = await call(
            client, tally, "hold", "POST", "/api/v1/bookings", json=booking_body(show, wanted, email),
            headers=address(number, done),
        )  # fmt: skip
        if held is None or held.status_code != 201:
            continue  # 409: someone was faster; read the map again
        tally.holds += 1
        tally.seats_held += len(wanted)
        tally.last_hold_at = time.monotonic()
        done += 1
        booking = held.json()
        paid = await call(
            client, tally, "pay", "POST", f"/api/v1/bookings/{booking['reference']}/pay",
            json={"method": "demo"}, headers={"Authorization": f"Bearer {booking['token']}"},
        )  # fmt: skip
        if paid is not None and paid.status_code == 200:
            tally.pays += 1


async def blind_holder(
    number: int,
    client: httpx.AsyncClient,
    showtimes: list[int],
    seats: dict[int, list[int]],
    tally: Tally,
    until: float,
) -> None:
    """Holds of 1-4 random seats, no map, no pay: the ceiling's work, through HTTP."""
    rng = random.Random(1000 + number)
    done = 0
    while time.monotonic() < until:
        show = rng.choice(showtimes)
        wanted = rng.sample(seats[show], rng.randint(1, 4))
        email = f"blind-{number}-{done}@bench.example"
        held = await call(
            client, tally, "hold", "POST", "/api/v1/bookings", json=booking_body(show, wanted, email),
            headers=address(100 + number, done),
        )  # fmt: skip
        if held is not None and held.status_code == 201:
            tally.holds += 1
            tally.seats_held += len(wanted)
            tally.last_hold_at = time.monotonic()
            done += 1


async def phase(ports: list[int], clients: int, seconds: float, make) -> tuple[Tally, float, float]:
    """Run `clients` coroutines made by `make(number, http_client, tally, until)`, split across
    the instances. Returns the tally, the elapsed time and the load generator's CPU seconds."""
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    http = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60.0, http1=True)
        for port in ports
    ]
    try:
        cpu = time.process_time()
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(make(n, http[n % len(http)], tally, until) for n in range(clients)))
        elapsed = time.monotonic() - started
        tally.last_hold_at = max(0.0, tally.last_hold_at - started)
        return tally, elapsed, time.process_time() - cpu
    finally:
        for client in http:
            await client.aclose()


# --- checks in the database -----------------------------------------------------------------


def check_database(premiere: int) -> dict:
    """No seat sold twice anywhere; for the premiere, sold + held + free = capacity."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT showtime_id, seat_id FROM booking_bookingseat"
            " WHERE status IN ('pending', 'paid') GROUP BY showtime_id, seat_id HAVING count(*) > 1) AS twice"
        )
        sold_twice = cursor.fetchone()[0]
        cursor.execute(
            "SELECT h.capacity,"
            " (SELECT count(*) FROM booking_bookingseat WHERE showtime_id = s.id AND status = 'paid'),"
            " (SELECT count(*) FROM booking_bookingseat WHERE showtime_id = s.id AND status = 'pending'),"
            " (SELECT count(*) FROM venues_seat st WHERE st.hall_id = h.id AND NOT EXISTS ("
            "   SELECT 1 FROM booking_bookingseat b WHERE b.showtime_id = s.id AND b.seat_id = st.id"
            "   AND b.status IN ('pending', 'paid')))"
            " FROM scheduling_showtime s JOIN venues_hall h ON h.id = s.hall_id WHERE s.id = %s",
            [premiere],
        )
        capacity, sold, held, free = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM booking_booking WHERE status = 'paid'")
        paid_bookings = cursor.fetchone()[0]
    connection.close()
    return {
        "sold_twice": sold_twice,
        "premiere": {"capacity": capacity, "sold": sold, "held": held, "free": free},
        "adds_up": sold + held + free == capacity,
        "paid_bookings": paid_bookings,
    }


class CpuMeter:
    """CPU seconds spent by the web workers and the database backends during a phase."""

    def __init__(self, masters: list[int], database_url: str) -> None:
        self.masters, self.url = masters, database_url
        self.before = self._sample()

    def _sample(self) -> dict[str, dict[int, float]]:
        workers = [pid for master in self.masters for pid in common.children(master)]
        return {
            "web": {pid: common.cpu_seconds([pid]) for pid in workers},
            "database": {pid: common.cpu_seconds([pid]) for pid in common.backend_pids(self.url)},
        }

    def spent(self) -> dict[str, float]:
        after = self._sample()
        return {
            kind: sum(max(0.0, used - self.before[kind].get(pid, 0.0)) for pid, used in after[kind].items())
            for kind in after
        }


# --- the run ---------------------------------------------------------------------------------


def summary(name: str, tally: Tally, elapsed: float, client_cpu: float, cpu: dict[str, float]) -> dict:
    return {
        "phase": name,
        "seconds": elapsed,
        "holds": tally.holds,
        "pays": tally.pays,
        "seats_held": tally.seats_held,
        "holds_per_s": tally.holds / elapsed,
        "pays_per_s": tally.pays / elapsed,
        "requests_per_s": sum(len(v) for v in tally.latency.values()) / elapsed,
        "last_hold_at": tally.last_hold_at,
        "latency": {op: common.latency_ms(v) for op, v in tally.latency.items() if v},
        "statuses": dict(sorted(tally.statuses.items())),
        # Core-seconds per second of wall time: 2.0 would be both cores.
        "cores": {"web": cpu.get("web", 0) / elapsed, "database": cpu.get("database", 0) / elapsed,
                  "load generator": client_cpu / elapsed},
    }  # fmt: skip


def run(*, quick: bool, sqlite: bool, clients: int, workers: int, threads: int, profile: Path | None) -> dict:
    spread_seconds, blind_seconds = (4.0, 3.0) if quick else (20.0, 10.0)
    halls, days = (3, 2) if quick else (12, 4)
    instances = 1 if sqlite else 2
    with contextlib.ExitStack() as stack:
        url = "" if sqlite else stack.enter_context(common.throwaway_database("rush"))
        folder = stack.enter_context(common.data_dir())
        # Many processes on PostgreSQL share a cache, as SCALING.md advises (Redis): a seat map
        # forgotten after a hold is forgotten for every process. SQLite keeps the default.
        cache_url = "" if sqlite else common.redis_url()
        env = common.app_env(url, folder, HOLD_MINUTES="10", CACHE_URL=cache_url, TRUSTED_PROXIES="127.0.0.0/8")
        common.manage(env, "migrate", "--noinput", "-v0")
        common.django_setup(env)
        from django.db import connections

        from bench import data

        cinema = data.build(halls=1 + halls, seats=PREMIERE_SEATS, days=days)
        connections.close_all()
        common.analyze(url)
        shows = sorted(cinema.showtimes)
        premiere, spread = shows[0], shows[1:]
        seats = {show: cinema.seats[cinema.showtimes[show]] for show in spread}
        ports = [common.free_port() for _ in range(instances)]
        log = Path(folder) / "gunicorn.log"
        masters = stack.enter_context(common.gunicorn(env, ports, workers=workers, threads=threads, log=log))
        if profile:
            stack.enter_context(common.py_spy(masters, profile))

        def measured(name: str, seconds: float, make) -> dict:
            meter = CpuMeter(masters, url)
            tally, elapsed, client_cpu = asyncio.run(phase(ports, clients, seconds, make))
            result = summary(name, tally, elapsed, client_cpu, meter.spent())
            print(
                f"rush {name}: {result['holds_per_s']:.0f} holds/s, {result['pays_per_s']:.0f} pays/s in"
                f" {elapsed:.1f} s; cores web {result['cores']['web']:.2f}, database"
                f" {result['cores']['database']:.2f}, load generator {result['cores']['load generator']:.2f}",
                flush=True,
            )
            return result

        phases = [
            measured(
                "premiere", 120.0,
                lambda n, c, t, until: customer(n, c, [premiere], t, until=until, once=True),
            ),
            measured(
                "spread", spread_seconds,
                lambda n, c, t, until: customer(n, c, spread, t, until=until, once=False),
            ),
            measured(
                "holds only", blind_seconds,
                lambda n, c, t, until: blind_holder(n, c, spread, seats, t, until),
            ),
        ]  # fmt: skip
        memory = common.workers_memory_mb(masters)
        check = check_database(premiere)
        server_log = log.read_text().splitlines()
        gunicorn_errors = [line for line in server_log if "Traceback" in line or "ERROR" in line or "CRITICAL" in line]
    return {
        "database": "SQLite" if sqlite else "PostgreSQL",
        "instances": instances,
        "workers": workers,
        "threads": threads,
        "clients": clients,
        "phases": phases,
        "memory": memory,
        "check": check,
        "server_errors_logged": len(gunicorn_errors),
        "server_log_excerpt": gunicorn_errors[:10],
        "showtimes": len(spread),
        "quick": quick,
        "cache": "Redis" if cache_url else "per-process memory",
    }


# --- the report ------------------------------------------------------------------------------


def ratios(result: dict, ceiling: dict | None) -> dict[str, float]:
    if not ceiling:
        return {}
    at64 = next((lv["holds_per_s"] for lv in ceiling["levels"] if lv["clients"] == 64), ceiling["best_holds_per_s"])
    return {phase["phase"]: phase["holds_per_s"] / at64 for phase in result["phases"] if at64} | {
        "ceiling_64": at64,
        "ceiling_best": ceiling["best_holds_per_s"],
    }


def markdown(result: dict, ceiling: dict | None) -> str:
    db = result["database"]
    sqlite = db == "SQLite"
    title = "## Embedded default: the rush on SQLite" if sqlite else "## Premiere rush through HTTP (PostgreSQL)"
    premiere = result["phases"][0]
    ratio = ratios(result, ceiling) if not sqlite else {}
    mem, check = result["memory"], result["check"]
    lines = [
        title,
        "",
        f"`bench/rush.py{' --sqlite' if sqlite else ''}`: {result['instances']} gunicorn instance(s) of"
        f" `marquee.wsgi` × {result['workers']} workers × {result['threads']} threads (gthread, DEBUG off) on {db},"
        f" cache: {result.get('cache', 'per-process memory')};"
        f" {result['clients']} asyncio + httpx clients split across the instances. Each client: seat map, 1–4 free"
        f" seats, POST /api/v1/bookings, on 201 POST …/pay, on 409 read the map again.",
        "",
        "| phase | holds/s | pays/s | requests/s | seconds | web cores | database cores | load generator cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in result["phases"]:
        c = p["cores"]
        lines.append(
            f"| {p['phase']} | **{p['holds_per_s']:.0f}** | {p['pays_per_s']:.0f} | {p['requests_per_s']:.0f} |"
            f" {p['seconds']:.1f} | {c['web']:.2f} | {c['database']:.2f} | {c['load generator']:.2f} |"
        )
    lines += [
        "",
        f"- **premiere sold out** ({PREMIERE_SEATS} seats, {premiere['holds']} holds) in"
        f" **{premiere['last_hold_at']:.1f} s** (last successful hold after the start).",
    ]
    if ratio:
        lines.append(
            f"- **ratio to the ceiling** measured in this run ({ratio['ceiling_64']:.0f} holds/s at 64 clients):"
            f" holds only {ratio.get('holds only', 0):.0%}, spread (map + hold + pay per customer)"
            f" {ratio.get('spread', 0):.0%}, premiere {ratio.get('premiere', 0):.0%}. Target: ≥ 25%."
        )
    elif not sqlite:
        lines.append("- ratio to the ceiling: no ceiling result in this run (run bench/ceiling.py first).")
    lines += [
        f"- **seats sold twice: {check['sold_twice']}**; premiere in the database: {check['premiere']['sold']} sold +"
        f" {check['premiere']['held']} held + {check['premiere']['free']} free = {check['premiere']['capacity']}"
        f" ({'adds up' if check['adds_up'] else 'DOES NOT ADD UP'}); paid bookings {check['paid_bookings']}.",
        f"- web worker memory: largest resident {mem['rss_max_mb']:.0f} MB, peak {mem['hwm_max_mb']:.0f} MB"
        f" over {mem['workers']} workers (target < 150 MB); server errors logged: {result['server_errors_logged']}.",
        "",
        "Latency per operation (ms):",
        "",
        "| phase | operation | n | p50 | p95 | p99 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for p in result["phases"]:
        for op, lat in p["latency"].items():
            lines.append(
                f"| {p['phase']} | {op} | {lat['n']} | {lat['p50']:.0f} | {lat['p95']:.0f} | {lat['p99']:.0f} |"
            )
    lines += ["", "Answers by status: " + "; ".join(
        f"{p['phase']}: " + ", ".join(f"{k} × {v}" for k, v in p["statuses"].items()) for p in result["phases"]
    ) + "."]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer clients, seconds not minutes")
    parser.add_argument("--sqlite", action="store_true", help="the embedded default: one instance on SQLite")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 64, quick 16)")
    # Two cores: 2 instances x 2 workers x 2 threads beat 3 x 4 in the quick rush (spread 52 vs
    # 40 holds/s): more threads than cores mostly wait for the GIL and add to the tail.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker, gthread (default 2)")
    parser.add_argument("--write", action="store_true", help="write the section into docs/PERFORMANCE.md")
    parser.add_argument("--profile", type=Path, help="record the web workers with py-spy into this folder")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    clients = args.clients or (16 if args.quick else 64)
    result = run(
        quick=args.quick, sqlite=args.sqlite, clients=clients, workers=args.workers, threads=args.threads,
        profile=args.profile,
    )  # fmt: skip
    name = "rush-sqlite" if args.sqlite else "rush"
    ceiling = common.load_result("ceiling")
    result["ratios"] = ratios(result, ceiling) if not args.sqlite else {}
    common.save_result(name, result)
    text = markdown(result, ceiling)
    print(text)
    if args.write:
        report.write_section(name, text)


if __name__ == "__main__":
    main()

"""Premiere rush through HTTP: real app servers, real HTTP, one database, the real worker
sending the tickets emails to a real SMTP server.

On PostgreSQL: two app server instances (marquee.wsgi; gunicorn gthread by default, --server
for the others) on two loopback ports share one throwaway database. On SQLite (--sqlite):
one instance on a SQLite file, the embedded default. `manage.py run_worker` processes
(--mail-workers, default 1) send the queued emails to an SMTP sink (bench/smtp_sink.py,
aiosmtpd on 127.0.0.1) that notes when each message arrived. Clients (asyncio + aiohttp,
split across the instances: the load generator shares the two cores with the servers, and
aiohttp spent 0.4 ms of CPU per request where httpx spent 2.2, in a --quick run of each) do
what a customer does: read the seat map, pick 1-4 free seats side by side, hold them (POST
/api/v1/bookings), pay on 201; on a 409 that suggests other seats (a single seat left
stranded, SINGLE_SEAT_GAPS) hold those, on any other read the map again.

Phases (after two seconds of customers on the other showtimes, unmeasured: warm servers):
  premiere         every client races for one 300-seat showtime until it is sold out; then
                   each tickets email's delay from its payment to its arrival at SMTP;
  whole customers  the same clients book across many showtimes for a fixed time; then
                   until every email is sent: paid orders per second with their emails, and
                   the CPU time per paid order of each kind of process;
  holds only       clients POST holds of random seats with no map and no pay, like the
                   ceiling does.

Each phase's holds/s is stated as a share of the database's ceiling measured in the same
run (bench/ceiling.py). At the end it checks in the database that no seat is sold twice and
that sold + held + free = capacity, and records the web workers' resident memory.

    .venv/bin/python -m bench.rush [--quick] [--sqlite] [--server gthread|sync|granian] [--mail-workers N] [--write]
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

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


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


async def call(client: aiohttp.ClientSession, tally: Tally, op: str, method: str, url: str, **kw) -> Answer | None:
    """One request, its latency and status tallied; None when it failed without an answer."""
    started = time.perf_counter()
    try:
        async with client.request(method, url, **kw) as response:
            answer = Answer(response.status, await response.read())
    except (aiohttp.ClientError, TimeoutError) as error:
        tally.record(op, type(error).__name__, time.perf_counter() - started)
        return None
    tally.record(op, answer.status_code, time.perf_counter() - started)
    return answer


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
    number: int, client: aiohttp.ClientSession, showtimes: list[int], tally: Tally, *, until: float, once: bool
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
        seats = seat_map.json()["seats"]
        if not any(s["status"] == "free" for s in seats):
            if once:
                return  # sold out
            continue
        wanted = side_by_side(seats, rng.randint(1, 4), rng)
        email = f"rush-{number}-{done}@bench.example"
        held = await call(
            client, tally, "hold", "POST", "/api/v1/bookings", json=booking_body(show, wanted, email),
            headers=address(number, done),
        )  # fmt: skip
        suggested = held.json().get("suggestion") if held is not None and held.status_code == 409 else None
        if suggested:  # they would strand a seat: take the seats the cinema suggests, as the site offers
            wanted = suggested
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


def side_by_side(seats: list[dict], count: int, rng: random.Random) -> list[int]:
    """What a person picks on the map: a free seat at random and the free seats beside it in its
    row (up to `count`, columns one apart), so that a party sits together."""
    free = {(s["row"], s["column"]): s["id"] for s in seats if s["status"] == "free"}
    row, column = rng.choice(sorted(free))
    chosen = [free[row, column]]
    left, right = column - 1, column + 1
    while len(chosen) < count and ((row, left) in free or (row, right) in free):
        if (row, right) in free:
            chosen.append(free[row, right])
            right += 1
        else:
            chosen.append(free[row, left])
            left -= 1
    return chosen


async def blind_holder(
    number: int,
    client: aiohttp.ClientSession,
    showtimes: list[int],
    seats: dict[int, list[int]],
    tally: Tally,
    until: float,
) -> None:
    """Holds of 1-4 seats side by side at random, no map, no pay: the ceiling's work, through
    HTTP (and the suggested seats when the first choice would strand one)."""
    rng = random.Random(1000 + number)
    done = 0
    while time.monotonic() < until:
        show = rng.choice(showtimes)
        count = rng.randint(1, 4)
        start = rng.randrange(len(seats[show]) - count + 1)
        wanted = seats[show][start : start + count]  # neighbours, mostly: the ids go row by row
        email = f"blind-{number}-{done}@bench.example"
        held = await call(
            client, tally, "hold", "POST", "/api/v1/bookings", json=booking_body(show, wanted, email),
            headers=address(100 + number, done),
        )  # fmt: skip
        suggested = held.json().get("suggestion") if held is not None and held.status_code == 409 else None
        if suggested:  # a seat would be stranded: the suggested ones, as a customer would
            wanted = suggested
            held = await call(
                client, tally, "hold", "POST", "/api/v1/bookings", json=booking_body(show, wanted, email),
                headers=address(100 + number, done),
            )  # fmt: skip
        if held is not None and held.status_code == 201:
            tally.holds += 1
            tally.seats_held += len(wanted)
            tally.last_hold_at = time.monotonic()
            done += 1


async def phase(ports: list[int], clients: int, seconds: float, make) -> tuple[Tally, float]:
    """Run `clients` coroutines made by `make(number, http_client, tally, until)`, split across
    the instances. Returns the tally and the elapsed time."""
    tally = Tally()
    http = [
        aiohttp.ClientSession(
            base_url=f"http://127.0.0.1:{port}",
            connector=aiohttp.TCPConnector(limit=clients),
            timeout=aiohttp.ClientTimeout(total=60),
            cookie_jar=aiohttp.DummyCookieJar(),  # the API keeps no cookies; a customer's are their own
        )
        for port in ports
    ]
    try:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(*(make(n, http[n % len(http)], tally, until) for n in range(clients)))
        elapsed = time.monotonic() - started
        tally.last_hold_at = max(0.0, tally.last_hold_at - started)
        return tally, elapsed
    finally:
        for client in http:
            await client.close()


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
    """CPU seconds each kind of process spends between construction and `spent()`: the web
    workers, the mail workers, the database backends, Redis, the SMTP sink, and this load
    generator. A process that starts in between counts from zero."""

    def __init__(self, pids: dict[str, list[int]], database_url: str, redis: str) -> None:
        self.pids, self.url, self.redis = pids, database_url, redis
        self.before = self._sample()
        self.load_generator = time.process_time()

    def _processes(self) -> dict[str, list[int]]:
        found = {kind: [p for pid in pids for p in (pid, *common.descendants(pid))] for kind, pids in self.pids.items()}
        found["database"] = common.backend_pids(self.url)
        return found

    def _sample(self) -> dict[str, dict[int, float]]:
        sample = {kind: {pid: common.cpu_seconds([pid]) for pid in pids} for kind, pids in self._processes().items()}
        if self.redis:
            sample["Redis"] = {0: redis_cpu(self.redis)}  # the whole server: the only client here is the rush
        return sample

    def spent(self) -> dict[str, float]:
        after = self._sample()
        used = {
            kind: sum(max(0.0, now - self.before[kind].get(pid, 0.0)) for pid, now in after[kind].items())
            for kind in after
        }
        used["load generator"] = time.process_time() - self.load_generator
        return used


def redis_cpu(url: str) -> float:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


# --- the tickets emails ----------------------------------------------------------------------


def arrivals(log: Path) -> dict[str, float]:
    """Message-ID -> when the SMTP sink received it (Unix seconds)."""
    found: dict[str, float] = {}
    if log.exists():
        for line in log.read_text().splitlines():
            at, _, ident = line.partition(" ")
            found.setdefault(ident, float(at))
    return found


def wait_for_outbox(timeout: float) -> float:
    """Until the worker has handed every queued email to SMTP (or `timeout`); when that was."""
    from django.db import connection

    from marquee.notifications.models import MailStatus, OutgoingMail

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not OutgoingMail.objects.filter(status__in=[MailStatus.QUEUED, MailStatus.SENDING]).exists():
                break
            time.sleep(0.1)
    finally:
        connection.close()
    return time.monotonic()


def email_delays(log: Path, showtime: int | None = None, since: float = 0.0) -> dict:
    """For each paid booking (of `showtime`, or paid after `since`), the seconds from its
    payment (the database's paid_at) to its tickets email's arrival at the SMTP sink."""
    from django.db import connection

    from marquee.booking.models import Booking
    from marquee.notifications.models import MailKind, OutgoingMail

    arrived = arrivals(log)
    paid = Booking.objects.filter(status="paid")
    paid = paid.filter(showtime_id=showtime) if showtime else paid.filter(paid_at__gte=_datetime(since))
    mails = {
        m["booking_id"]: m["message_id"].strip("<>")
        for m in OutgoingMail.objects.filter(kind=MailKind.TICKETS, booking__in=paid).values("booking_id", "message_id")
    }
    delays, missing, last = [], 0, 0.0
    for booking_id, paid_at in paid.values_list("pk", "paid_at"):
        at = arrived.get(mails.get(booking_id, ""))
        if at is None:
            missing += 1
            continue
        delays.append(at - paid_at.timestamp())
        last = max(last, at)
    connection.close()
    delays.sort()
    return {
        "bookings": len(delays) + missing,
        "emails": len(delays),
        "missing": missing,
        "max_s": delays[-1] if delays else float("nan"),
        "p99_s": delays[min(len(delays) - 1, int(len(delays) * 0.99))] if delays else float("nan"),
        "p50_s": delays[len(delays) // 2] if delays else float("nan"),
        "last_arrival": last,
    }


def _datetime(unix: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)


# --- the run ---------------------------------------------------------------------------------


def summary(name: str, tally: Tally, elapsed: float, cpu: dict[str, float]) -> dict:
    requests = sum(len(v) for v in tally.latency.values())
    return {
        "phase": name,
        "seconds": elapsed,
        "holds": tally.holds,
        "pays": tally.pays,
        "seats_held": tally.seats_held,
        "holds_per_s": tally.holds / elapsed,
        "pays_per_s": tally.pays / elapsed,
        "requests": requests,
        "requests_per_s": requests / elapsed,
        "last_hold_at": tally.last_hold_at,
        "latency": {op: common.latency_ms(v) for op, v in tally.latency.items() if v},
        "statuses": dict(sorted(tally.statuses.items())),
        # Core-seconds per second of wall time: 2.0 would be both cores.
        "cores": {kind: used / elapsed for kind, used in cpu.items()},
        "web_ms_per_request": 1000 * cpu.get("web", 0.0) / requests if requests else float("nan"),
    }


def run(
    *, quick: bool, sqlite: bool, clients: int, workers: int, threads: int, profile: Path | None, server: str,
    mail_workers: int,
) -> dict:  # fmt: skip
    spread_seconds, blind_seconds = (4.0, 3.0) if quick else (20.0, 10.0)
    halls, days = (3, 2) if quick else (12, 4)
    instances = 1 if sqlite else 2
    with contextlib.ExitStack() as stack:
        url = "" if sqlite else stack.enter_context(common.throwaway_database("rush"))
        folder = stack.enter_context(common.data_dir())
        # Many processes on PostgreSQL share a cache, as SCALING.md advises (Redis): a seat map
        # forgotten after a hold is forgotten for every process. SQLite keeps the default.
        cache_url = "" if sqlite else common.redis_url()
        smtp_port, smtp_log = common.free_port(), Path(folder) / "smtp-arrivals.txt"
        env = common.app_env(
            url, folder, HOLD_MINUTES="10", CACHE_URL=cache_url, TRUSTED_PROXIES="127.0.0.0/8",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        )  # fmt: skip
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
        log = Path(folder) / "server.log"
        sink = stack.enter_context(
            common.background(
                [[common.PYTHON, "-m", "bench.smtp_sink", "--port", str(smtp_port), "--log", str(smtp_log)]],
                env, log,
            )
        )  # fmt: skip
        common.wait_for_port(smtp_port)
        # The worker polls every 0.1 s when idle: a premiere's emails should not wait a second.
        worker_command = [common.PYTHON, "manage.py", "run_worker", "--sleep", "0.1"]
        mailers = stack.enter_context(common.background([worker_command] * mail_workers, env, log))
        masters = stack.enter_context(
            common.app_servers(env, ports, workers=workers, threads=threads, log=log, server=server)
        )
        if profile:
            stack.enter_context(common.py_spy(masters, profile))
        pids = {"web": masters, "worker": mailers, "SMTP sink": sink}

        def measured(name: str, seconds: float, make, *, until_sent: bool = False) -> dict:
            meter = CpuMeter(pids, url, cache_url)
            started = time.monotonic()
            tally, elapsed = asyncio.run(phase(ports, clients, seconds, make))
            result = summary(name, tally, elapsed, meter.spent())
            if until_sent:
                # The order is whole once its email is handed to SMTP: the CPU until then counts.
                drained = wait_for_outbox(120.0 if not quick else 30.0) - started
                result["until_sent"] = {"seconds": drained, "cpu": meter.spent()}
            print(
                f"rush {name}: {result['holds_per_s']:.0f} holds/s, {result['pays_per_s']:.0f} pays/s in"
                f" {elapsed:.1f} s; cores " + ", ".join(f"{k} {v:.2f}" for k, v in result["cores"].items()),
                flush=True,
            )
            return result

        # A running cinema's servers are warm when a sale opens: every worker thread has its code
        # imported and its connection open. Two seconds of customers on the other showtimes (the
        # premiere's map stays undrawn), their emails sent, before the premiere opens.
        asyncio.run(
            phase(
                ports,
                clients,
                1.0 if quick else 2.0,
                lambda n, c, t, until: customer(n, c, spread, t, until=until, once=False),
            )
        )
        wait_for_outbox(60.0 if not quick else 20.0)
        premiere_phase = measured(
            "premiere", 120.0, lambda n, c, t, until: customer(n, c, [premiere], t, until=until, once=True)
        )
        wait_for_outbox(60.0 if not quick else 20.0)
        premiere_phase["emails"] = email_delays(smtp_log, showtime=premiere)
        whole_started = time.time()
        whole = measured(
            "whole customers", spread_seconds,
            lambda n, c, t, until: customer(n, c, spread, t, until=until, once=False), until_sent=True,
        )  # fmt: skip
        whole["emails"] = email_delays(smtp_log, since=whole_started)
        whole["orders"] = orders(whole)
        blind = measured(
            "holds only", blind_seconds, lambda n, c, t, until: blind_holder(n, c, spread, seats, t, until)
        )
        memory = common.workers_memory_mb(masters)
        check = check_database(premiere)
        server_log = log.read_text().splitlines()
        errors = [line for line in server_log if "Traceback" in line or "ERROR" in line or "CRITICAL" in line]
    return {
        "database": "SQLite" if sqlite else "PostgreSQL",
        "server": server,
        "instances": instances,
        "workers": workers,
        "threads": threads,
        "mail_workers": mail_workers,
        "clients": clients,
        "phases": [premiere_phase, whole, blind],
        "memory": memory,
        "check": check,
        "server_errors_logged": len(errors),
        "server_log_excerpt": errors[:10],
        "showtimes": len(spread),
        "quick": quick,
        "cache": "Redis" if cache_url else "per-process memory",
    }


def orders(whole: dict) -> dict:
    """Paid orders per second with their emails, and CPU milliseconds per paid order by kind.

    The clock and the CPU run from the phase's start until the worker has handed the last
    email to SMTP, so an email the worker sends after the clients stopped still counts."""
    emails, until = whole["emails"], whole["until_sent"]
    paid = whole["pays"]
    per_order = {kind: 1000 * used / paid for kind, used in until["cpu"].items()} if paid else {}
    cinema = sum(per_order.get(kind, 0.0) for kind in ("web", "worker", "database"))
    return {
        "paid": paid,
        "emailed": emails["emails"],
        "seconds_until_sent": until["seconds"],
        "paid_with_email_per_s": min(paid, emails["emails"]) / until["seconds"] if until["seconds"] else 0.0,
        "cpu_ms_per_order": per_order,
        "cinema_cpu_ms_per_order": cinema,
    }


# --- the report ------------------------------------------------------------------------------


def ratios(result: dict, ceiling: dict | None) -> dict[str, float]:
    """Each phase's holds/s as a share of the database's ceiling of the same run."""
    if not ceiling or not ceiling.get("best_holds_per_s"):
        return {}
    best = ceiling["best_holds_per_s"]
    return {phase["phase"]: phase["holds_per_s"] / best for phase in result["phases"]} | {"ceiling": best}


def markdown(result: dict, ceiling: dict | None) -> str:
    db = result["database"]
    sqlite = db == "SQLite"
    title = "## Embedded default: the rush on SQLite" if sqlite else "## Premiere rush through HTTP (PostgreSQL)"
    premiere, whole = result["phases"][0], result["phases"][1]
    ratio = result.get("ratios") or ratios(result, ceiling)
    mem, check = result["memory"], result["check"]
    server = {"gthread": "gunicorn gthread", "sync": "gunicorn sync", "granian": "granian (WSGI)"}[
        result.get("server", "gthread")
    ]
    lines = [
        title,
        "",
        f"`bench/rush.py{' --sqlite' if sqlite else ''}`: {result['instances']} instance(s) of `marquee.wsgi` on"
        f" {server} × {result['workers']} workers × {result['threads']} threads (DEBUG off) on {db},"
        f" cache: {result.get('cache', 'per-process memory')}; {result['mail_workers']} `run_worker` process(es)"
        " sending to an SMTP sink (aiosmtpd, 127.0.0.1);"
        f" {result['clients']} asyncio + aiohttp clients split across the instances. Each client: seat map, 1–4 free"
        " seats side by side, POST /api/v1/bookings, on 201 POST …/pay; on a 409 with a `suggestion` (a seat"
        " left stranded) hold the suggested seats, on any other 409 read the map again.",
        "",
        "| phase | holds/s | share of the ceiling | pays/s | requests/s | seconds | web ms CPU / request |"
        " cores: web | database | worker | load generator |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in result["phases"]:
        c = p["cores"]
        share = f"{ratio[p['phase']]:.0%}" if p["phase"] in ratio else "–"
        lines.append(
            f"| {p['phase']} | **{p['holds_per_s']:.0f}** | {share} | {p['pays_per_s']:.0f} |"
            f" {p['requests_per_s']:.0f} | {p['seconds']:.1f} | {p['web_ms_per_request']:.1f} | {c.get('web', 0):.2f}"
            f" | {c.get('database', 0):.2f} | {c.get('worker', 0):.2f} | {c.get('load generator', 0):.2f} |"
        )
    mails, o = premiere["emails"], whole["orders"]
    lines += [
        "",
        f"- **premiere sold out** ({PREMIERE_SEATS} seats, {premiere['holds']} holds) in"
        f" **{premiere['last_hold_at']:.2f} s** (last successful hold after the start).",
        f"- **premiere tickets emails**: {mails['emails']} of {mails['bookings']} handed to SMTP; delay from payment"
        f" p50 {mails['p50_s']:.1f} s, p99 **{mails['p99_s']:.1f} s**, max **{mails['max_s']:.1f} s**"
        f" with {result['mail_workers']} worker process(es).",
        f"- **paid orders with their emails: {o['paid_with_email_per_s']:.0f}/s** ({o['paid']} paid, {o['emailed']}"
        f" emailed, {o['seconds_until_sent']:.1f} s from the phase's start to its last email at SMTP).",
        "- **CPU per paid order** (whole customers, until every email was sent): "
        + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in o["cpu_ms_per_order"].items())
        + f"; the cinema's processes (web + worker + database): **{o['cinema_cpu_ms_per_order']:.1f} ms**.",
    ]
    if ratio:
        lines.append(f"- shares are of the database's ceiling measured in this run: {ratio['ceiling']:.0f} bookings/s.")
    elif not sqlite:
        lines.append("- share of the ceiling: no ceiling result in this run (run bench/ceiling.py first).")
    lines += [
        f"- **seats sold twice: {check['sold_twice']}**; premiere in the database: {check['premiere']['sold']} sold +"
        f" {check['premiere']['held']} held + {check['premiere']['free']} free = {check['premiere']['capacity']}"
        f" ({'adds up' if check['adds_up'] else 'DOES NOT ADD UP'}); paid bookings {check['paid_bookings']}.",
        f"- web worker memory: largest resident {mem['rss_max_mb']:.0f} MB, peak {mem['hwm_max_mb']:.0f} MB"
        f" over {mem['workers']} processes (target < 150 MB); server errors logged: {result['server_errors_logged']}.",
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
    parser.add_argument("--server", choices=common.SERVERS, help="the app server (default: granian, SCALING.md)")
    parser.add_argument("--workers", type=int, default=2, help="app server workers per instance (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    parser.add_argument("--mail-workers", type=int, default=1, help="`run_worker` processes sending email (default 1)")
    parser.add_argument("--write", action="store_true", help="write the section into docs/PERFORMANCE.md")
    parser.add_argument("--profile", type=Path, help="record the web workers with py-spy into this folder")
    parser.add_argument("--name", help="the saved result's name (default rush, or rush-sqlite)")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    clients = args.clients or (16 if args.quick else 64)
    result = run(
        quick=args.quick, sqlite=args.sqlite, clients=clients, workers=args.workers, threads=args.threads,
        profile=args.profile, server=args.server or common.default_server(), mail_workers=args.mail_workers,
    )  # fmt: skip
    name = args.name or ("rush-sqlite" if args.sqlite else "rush")
    result["ratios"] = ratios(result, common.load_result("ceiling"))
    common.save_result(name, result)
    text = markdown(result, None)
    print(text)
    if args.write:
        report.write_section(name, text)


if __name__ == "__main__":
    main()

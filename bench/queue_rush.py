"""A premiere's fair queue under a crowd, through the real HTTP server on PostgreSQL.

One 300-seat showtime on a queued sale (marquee.waiting_room) opening OPEN_AFTER seconds after
the start. ARRIVALS simulated browsers (asyncio + aiohttp, each with its own cookies) come
at random moments: most before the opening, the rest after it. Each loads the waiting page,
then polls the queue's JSON as the page's script does (answered from the cache in front of
Django: marquee.public.quick_poll; the page holds every state's words, so nothing is redrawn).
When a browser is let through (the poll answers "admitted" and sets the pass cookie) it reads the
seat map through the API with its pass (X-Queue-Pass), holds the best 1-4 seats free and pays (demo);
on a conflict it reads the map again, up to three times. A browser that is shown "Sold out"
stops.

Measured: that the queue never let through more than its rate allows (from the arrivals'
`admitted_at` in the database), that places before the opening are a random draw (rank against
arrival order: Spearman's rho near 0) and after it first come first served (rho 1), the seat
map and hold latencies (p50/p99) of those let through, and the time from the last seat taken
until every still-waiting browser has seen "sold out" (the target: 5 s or less).

    .venv/bin/python -m bench.queue_rush [--arrivals 5000] [--rate 600] [--quick] [--write]
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import common

PREMIERE_SEATS = 300
PORTS = [8741]  # the brief's range for this bench: 8740-8759
REFRESH = re.compile(r'data-refresh="(\d+)"')
PASS_COOKIE = "mq_pass_"
PLACE_COOKIE = "mq_queue_"


@dataclass
class Tally:
    latency: dict[str, list[float]] = field(
        default_factory=lambda: {op: [] for op in ("waiting page", "poll", "seat map", "hold", "pay")}
    )
    statuses: Counter = field(default_factory=Counter)
    admitted: int = 0
    paid: int = 0
    seats: int = 0
    last_taken_at: float = 0.0  # monotonic: the last successful hold
    sold_out_seen: dict[int, float] = field(default_factory=dict)  # browser → first "sold out" seen
    waiting_since: dict[int, float] = field(default_factory=dict)  # browser → its page loaded; gone once let in
    gave_up: int = 0

    timeline: list[tuple[float, str, float]] = field(default_factory=list)  # (monotonic start, op, seconds)

    def record(self, op: str, status: int | str, seconds: float) -> None:
        self.latency[op].append(seconds)
        self.timeline.append((time.monotonic() - seconds, op, seconds))
        self.statuses[f"{op} {status}"] += 1


class Browser:
    """One visitor's cookies, kept by hand: the shared session keeps none (DummyCookieJar)."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.cookies: dict[str, str] = {}

    def headers(self, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**({"Cookie": cookie} if cookie else {}), **extra}

    def keep(self, response: aiohttp.ClientResponse) -> None:
        for name, morsel in response.cookies.items():
            self.cookies[name] = morsel.value

    def pass_token(self) -> str:
        return next((v for k, v in self.cookies.items() if k.startswith(PASS_COOKIE)), "")


async def call(session, tally: Tally, op: str, method: str, url: str, browser: Browser, **kw) -> tuple[int, dict, str]:
    started = time.perf_counter()
    headers = browser.headers(**kw.pop("headers", {}))
    try:
        async with session.request(method, url, headers=headers, allow_redirects=False, **kw) as response:
            text = await response.text()
            browser.keep(response)
            tally.record(op, response.status, time.perf_counter() - started)
            return response.status, {k.lower(): v for k, v in response.headers.items()}, text
    except (aiohttp.ClientError, TimeoutError) as error:
        tally.record(op, type(error).__name__, time.perf_counter() - started)
        return 0, {}, ""


def body(showtime: int, count: int, email: str) -> dict:
    """A hold of the best `count` seats free: a premiere's crowd takes what is left, and seats
    picked at random would mostly be refused for the single seats they strand."""
    return {
        "showtime_id": showtime,
        "best_available": {"count": count},
        "customer": {"first_name": "Queue", "last_name": "Bench", "email": email},
    }


async def buy(session, tally: Tally, browser: Browser, showtime: int, rng: random.Random) -> None:
    """Let through: the seat map and a hold of 1-4 seats with the pass, then pay."""
    token = browser.pass_token()
    address = {
        "X-Forwarded-For": f"10.{browser.number // 65536 % 256}.{browser.number // 256 % 256}.{browser.number % 256}"
    }
    for attempt in range(3):
        status, _, text = await call(
            session, tally, "seat map", "GET", f"/api/v1/showtimes/{showtime}/seats", browser,
            headers={"X-Queue-Pass": token, **address},
        )  # fmt: skip
        if status != 200:
            return
        free = [s["id"] for s in json.loads(text)["seats"] if s["status"] == "free"]
        if not free:
            return
        wanted = min(len(free), rng.randint(1, 4))
        status, _, text = await call(
            session, tally, "hold", "POST", "/api/v1/bookings", browser,
            json=body(showtime, wanted, f"queue-{browser.number}-{attempt}@bench.example"),
            headers={"X-Queue-Pass": token, **address},
        )  # fmt: skip
        if status != 201:
            continue
        tally.last_taken_at = time.monotonic()
        tally.seats += wanted
        booking = json.loads(text)
        status, _, _ = await call(
            session, tally, "pay", "POST", f"/api/v1/bookings/{booking['reference']}/pay", browser,
            json={"method": "demo"}, headers={"Authorization": f"Bearer {booking['token']}"},
        )  # fmt: skip
        if status == 200:
            tally.paid += 1
        return


async def visitor(session, tally: Tally, number: int, arrive_at: float, sale: int, showtime: int, until: float) -> None:
    """One browser as public/static/public/waiting_room.js drives it: the page once, then its
    JSON poll at the interval each answer gives, and on to the seat map when the poll answers
    "admitted"."""
    rng = random.Random(number)
    await asyncio.sleep(max(0.0, arrive_at - time.monotonic()))
    browser = Browser(number)
    page = f"/queue/{sale}/?showtime={showtime}"
    status, _, text = await call(session, tally, "waiting page", "GET", page, browser)
    if status in {301, 302}:
        tally.admitted += 1
        await buy(session, tally, browser, showtime, rng)
        return
    if 'data-state="sold_out"' in text:
        tally.sold_out_seen.setdefault(number, time.monotonic())
        return
    tally.waiting_since[number] = time.monotonic()
    found = REFRESH.search(text)
    interval = int(found.group(1)) if found else 4
    poll = f"/queue/{sale}/?format=json&showtime={showtime}"
    while time.monotonic() < until:
        await asyncio.sleep(interval)  # browsers' timers are not in step: each from its own page load
        status, headers, text = await call(session, tally, "poll", "GET", poll, browser)
        if "content-language" in headers:  # Django's middleware answered, not the quick poll
            tally.statuses["poll answered by Django"] += 1
        if status != 200:
            interval = 8
            continue
        answer = json.loads(text)
        if answer["state"] in {"admitted", "ended"}:
            tally.waiting_since.pop(number, None)
            tally.admitted += 1
            await buy(session, tally, browser, showtime, rng)
            return
        if answer["state"] == "sold_out":
            tally.sold_out_seen.setdefault(number, time.monotonic())
            return
        if answer["state"] not in {"before", "waiting"}:  # expired: the page would ask for its status
            break
        interval = answer["refresh_seconds"]
    tally.gave_up += 1


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        out = [0.0] * len(values)
        for position, index in enumerate(order):
            out[index] = float(position)
        return out

    n = len(xs)
    if n < 3:
        return float("nan")
    rx, ry = ranks(xs), ranks(ys)
    d2 = sum((a - b) ** 2 for a, b in zip(rx, ry, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def check_queue(sale_id: int) -> dict:
    """From the database: the draw, first-come after it, and the rate never passed."""
    from marquee.waiting_room.admission import allowance
    from marquee.waiting_room.models import Arrival, QueuedSale

    sale = QueuedSale.objects.get(pk=sale_id)
    rows = list(Arrival.objects.filter(sale=sale).values_list("joined_at", "rank", "admitted_at"))
    before = [(j, r) for j, r, _ in rows if j < sale.opens_at and r is not None]
    after = [(j, r) for j, r, _ in rows if j >= sale.opens_at and r is not None]
    before.sort()
    after.sort()
    admitted = sorted((a, r) for _, r, a in rows if a is not None)
    beyond = [
        (a, r)
        for a, r in admitted
        if r
        > allowance(
            opens_at=sale.opens_at, admitted_base=0.0, rate_since=sale.opens_at, rate=sale.admit_per_minute, at=a
        )
    ]
    worst = 0.0
    for count, (moment, _) in enumerate(admitted, start=1):
        allowed = sale.admit_per_minute * (moment - sale.opens_at).total_seconds() / 60
        worst = max(worst, count - allowed)
    return {
        "arrivals": len(rows),
        "before_opening": len(before),
        "after_opening": len(after),
        "rho_before": spearman([j.timestamp() for j, _ in before], [float(r) for _, r in before]),
        "rho_after": spearman([j.timestamp() for j, _ in after], [float(r) for _, r in after]),
        "after_in_arrival_order": all(a[1] < b[1] for a, b in itertools.pairwise(after)),
        "admitted": len(admitted),
        "admitted_beyond_allowance": len(beyond),
        "most_admitted_above_rate": worst,
        "seats_used_max": max((a.seats_used for a in Arrival.objects.filter(sale=sale)), default=0),
    }


async def crowd(
    sale: int, showtime: int, arrivals: int, open_after: float, after_window: float, deadline: float
) -> tuple[Tally, float]:
    tally = Tally()
    rng = random.Random(16)
    start = time.monotonic()
    opens = start + open_after
    moments = [
        start + rng.uniform(0, open_after) if i < arrivals * 0.7 else opens + rng.uniform(0, after_window)
        for i in range(arrivals)
    ]
    connector = aiohttp.TCPConnector(limit=400, limit_per_host=400)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base_url=f"http://127.0.0.1:{PORTS[0]}",
        connector=connector,
        timeout=timeout,
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as session:
        until = start + deadline
        await asyncio.gather(*(visitor(session, tally, n, moments[n], sale, showtime, until) for n in range(arrivals)))
    return tally, opens


def windows(tally: Tally, opens: float, width: float = 10.0) -> list[dict]:
    """Requests and latencies (ms, p50 / p99) in 10-second windows from the opening: where the
    crowd's load falls, and what those let through saw meanwhile."""
    found: dict[int, dict[str, list[float]]] = {}
    for started, op, seconds in tally.timeline:
        found.setdefault(int((started - opens) // width), {}).setdefault(op, []).append(seconds)
    rows = []
    for window in sorted(found):
        row: dict = {"from_s": window * width}
        for op, samples in sorted(found[window].items()):
            latency = common.latency_ms(samples)
            row[op] = f"{latency['n']} × {latency['p50']:.0f} / {latency['p99']:.0f}"
        rows.append(row)
    return rows


def run(
    *, arrivals: int, rate: int, open_after: float, after_window: float, workers: int, threads: int, server: str
) -> dict:
    load_before = common.load_average()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(common.throwaway_database("queue"))
        folder = stack.enter_context(common.data_dir())
        cache_url = common.redis_url(db=11)
        env = common.app_env(
            url, folder, HOLD_MINUTES="10", CACHE_URL=cache_url, TRUSTED_PROXIES="127.0.0.0/8",
            API_HOLD_RATE_PER_MINUTE="100000", QUEUE_PASS_MINUTES="15",
        )  # fmt: skip
        common.manage(env, "migrate", "--noinput", "-v0")
        common.manage(env, "collectstatic", "--noinput", "-v0")  # the waiting page is a page
        common.django_setup(env)
        from django.db import connections

        from bench import data
        from marquee.core.clock import now
        from marquee.waiting_room.services import queued_sale_create

        cinema = data.build(halls=1, seats=PREMIERE_SEATS, days=2)
        showtime = sorted(cinema.showtimes)[-1]
        opens_at = now() + dt.timedelta(seconds=open_after + 8)  # the servers take a few seconds to start
        sale = queued_sale_create(showtime_id=showtime, opens_at=opens_at, admit_per_minute=rate, staff_user=None)
        connections.close_all()
        common.analyze(url)
        log = Path(folder) / "server.log"
        masters = stack.enter_context(
            common.app_servers(env, PORTS, workers=workers, threads=threads, log=log, server=server)
        )
        servers = [pid for master in masters for pid in [master, *common.descendants(master)]]
        lead = (opens_at - now()).total_seconds()
        cpu_before = (common.cpu_seconds(servers), time.process_time())
        tally, opens = asyncio.run(crowd(sale.pk, showtime, arrivals, lead, after_window, lead + after_window + 120))
        cpu = {
            "app servers": round(common.cpu_seconds(servers) - cpu_before[0], 1),
            "load generator (this process)": round(time.process_time() - cpu_before[1], 1),
        }
        checks = check_queue(sale.pk)
        connections.close_all()
        errors = [
            line for line in log.read_text(errors="replace").splitlines() if "Error" in line or "Traceback" in line
        ]
    # Those still waiting when the last seat was taken, and how long each took to see "sold out"
    # (never: infinite). Browsers that arrived later were told at once and do not count.
    last = tally.last_taken_at
    told = sorted(
        tally.sold_out_seen.get(n, float("inf")) - last for n, since in tally.waiting_since.items() if since < last
    )
    sold_out_after = told[-1] if told and last else float("nan")
    return {
        "cpu_seconds": cpu,
        "by_10_seconds_from_opening": windows(tally, opens),
        "when": common.utc_now(),
        "arrivals": arrivals,
        "rate_per_minute": rate,
        "seconds_before_opening": round(lead, 1),
        "seconds_of_arrivals_after": after_window,
        "server": f"{server}, {workers} workers × {threads} threads, port {PORTS[0]}",
        "load_before": load_before,
        "load_after": common.load_average(),
        "checks": checks,
        "let_through": tally.admitted,
        "paid": tally.paid,
        "seats_sold": tally.seats,
        "saw_sold_out": len(tally.sold_out_seen),
        "gave_up": tally.gave_up,
        "sold_out_seen_within_s": sold_out_after,
        "waiting_at_last_seat": len(told),
        "sold_out_seen_s_p50": told[len(told) // 2] if told else float("nan"),
        "latency_ms": {op: common.latency_ms(samples) for op, samples in tally.latency.items()},
        "statuses": dict(sorted(tally.statuses.items())),
        "server_errors": errors[-20:],
    }


def main() -> None:
    common.exit_cleanly_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arrivals", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=600, help="visitors let through per minute")
    parser.add_argument("--before", type=float, default=120.0, help="seconds of arrivals before the opening")
    parser.add_argument("--after", type=float, default=60.0, help="seconds of arrivals after the opening")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--server", default=common.default_server(), choices=common.SERVERS)
    parser.add_argument("--quick", action="store_true", help="500 arrivals, 10 s before the opening")
    parser.add_argument("--write", action="store_true", help="save the result (data/bench/queue_rush.json)")
    args = parser.parse_args()
    arrivals, before = (500, 10.0) if args.quick else (args.arrivals, args.before)
    result = run(
        arrivals=arrivals, rate=args.rate, open_after=before, after_window=args.after,
        workers=args.workers, threads=args.threads, server=args.server,
    )  # fmt: skip
    print(json.dumps(result, indent=2, default=str))
    if args.write:
        common.save_result("queue_rush", result)


if __name__ == "__main__":
    main()

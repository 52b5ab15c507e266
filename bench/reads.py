"""The read path: seat map, listing and schedule on a big cinema (50 halls × 30 days).

Seeds a throwaway PostgreSQL database with `manage.py seed_demo --halls 50 --days 30`
(or, where that command does not exist, bench/data.py's generator), adds a 500-seat hall
with a showtime 40% booked, starts the app servers the rush uses, and measures each page
and endpoint with 32 concurrent clients (wrk where installed, else asyncio + httpx: see
bench/wrk.py), then with 1 client: the 1-client numbers are the service time, the
32-client numbers add the queueing that 2 cores give 32 impatient clients (Little's law:
p50 ≈ clients / throughput).

    .venv/bin/python -m bench.reads [--quick] [--write]
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import random
import time
from collections import Counter
from pathlib import Path

import httpx

from bench import common, report, wrk


async def hammer(ports: list[int], path: str, clients: int, seconds: float) -> dict:
    """`clients` clients GET `path` back to back for `seconds`, split across the instances."""
    durations: list[float] = []
    statuses: Counter = Counter()
    sizes: list[int] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    http = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", limits=limits, timeout=60.0) for p in ports]

    async def one(client: httpx.AsyncClient, until: float) -> None:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.HTTPError as error:
                statuses[type(error).__name__] += 1
                continue
            durations.append(time.perf_counter() - started)
            statuses[response.status_code] += 1
            sizes.append(len(response.content))

    try:
        # Warm up: the first request of each worker pays for imports and template loading.
        await asyncio.gather(*(c.get(path) for c in http for _ in range(4)))
        started = time.monotonic()
        await asyncio.gather(*(one(http[n % len(http)], started + seconds) for n in range(clients)))
        elapsed = time.monotonic() - started
    finally:
        for c in http:
            await c.aclose()
    return {
        "requests_per_s": len(durations) / elapsed,
        "latency": common.latency_ms(durations),
        "statuses": {str(k): v for k, v in statuses.items()},
        "bytes": int(sum(sizes) / len(sizes)) if sizes else 0,
    }


async def warm(ports: list[int], paths: list[str], per_port: int = 8) -> None:
    """Every path answered a few times by every instance, waiting for the answers: a worker's
    first requests import the views and load templates (measured on a busy machine: 7 s), and
    wrk counts only what answers within its run, so cold rows read as 0 requests a second."""
    async with contextlib.AsyncExitStack() as stack:
        http = [
            await stack.enter_async_context(httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=120.0))
            for p in ports
        ]
        for path in paths:
            await asyncio.gather(*(c.get(path) for c in http for _ in range(per_port)))


def seed(env: dict[str, str], quick: bool) -> dict:
    """The big cinema, and a 500-seat hall whose next showtime is 40% booked."""
    halls, days = (8, 4) if quick else (50, 30)
    has_seed_demo = (common.ROOT / "marquee" / "demo" / "management" / "commands" / "seed_demo.py").exists()
    started = time.monotonic()
    if has_seed_demo:
        # Throwaway data: commits need not wait for the disk while seeding (libpq reads PGOPTIONS).
        fast = {**env, "PGOPTIONS": "-c synchronous_commit=off"}
        common.manage(fast, "seed_demo", "--halls", str(halls), "--days", str(days))
    common.django_setup(env)
    from django.db import connections

    from bench import data
    from marquee.scheduling.models import Showtime
    from marquee.venues.models import Hall

    if not has_seed_demo:
        cinema = data.build(halls=halls, seats=[random.Random(n).choice([80, 150, 220, 300]) for n in range(halls)],
                            days=days)  # fmt: skip
        data.book_some(cinema, showtime_ids=sorted(cinema.showtimes)[:500], holds=2000 if not quick else 200)
    top = (Hall.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    big = data.build(halls=1, seats=500, days=1, first_hall_number=top, movies=1)
    showtime = min(big.showtimes)
    data.book_some(big, showtime_ids=[showtime], holds=80)  # about 200 of 500 seats
    counts = {"halls": Hall.objects.count(), "showtimes": Showtime.objects.count()}
    connections.close_all()
    common.analyze(env["DATABASE_URL"])
    return {"showtime": showtime, "seconds": time.monotonic() - started, "seeded_by": "seed_demo" if has_seed_demo
            else "bench/data.py", **counts}  # fmt: skip


def run(
    quick: bool, httpx_only: bool = False, workers: int = 2, threads: int = 2, local_cache: bool = False,
    server: str = "gthread",
) -> dict:  # fmt: skip
    seconds = 2.0 if quick else 8.0
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(common.throwaway_database("reads"))
        folder = stack.enter_context(common.data_dir())
        # Many processes share one cache, as SCALING.md advises (Redis, where it answers).
        cache_url = "" if local_cache else common.redis_url()
        env = common.app_env(url, folder, CACHE_URL=cache_url)
        common.manage(env, "migrate", "--noinput", "-v0")
        common.manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG off serves the manifest's files
        seeded = seed(env, quick)
        from marquee.core.clock import local_today

        day = (local_today() + dt.timedelta(days=1)).isoformat()
        show = seeded["showtime"]
        targets = [
            ("seat map (API), 500 seats", f"/api/v1/showtimes/{show}/seats"),
            ("showtime page (HTML seat map), 500 seats", f"/showtimes/{show}/"),
            ("listing (API) /api/v1/movies", "/api/v1/movies"),
            ("home page /", "/"),
            ("schedule (API) /api/v1/showtimes?date=", f"/api/v1/showtimes?date={day}"),
            ("schedule page /schedule/?date=", f"/schedule/?date={day}"),
        ]
        ports = [common.free_port() for _ in range(2)]
        log = Path(folder) / "server.log"
        masters = stack.enter_context(
            common.app_servers(env, ports, workers=workers, threads=threads, log=log, server=server)
        )
        asyncio.run(warm(ports, [path for _, path in targets]))
        rows = []
        use_wrk = wrk.available() and not httpx_only
        for name, path in targets:
            if use_wrk:
                # Warm up at full concurrency: every worker thread's first requests open its own
                # database connection and load templates (measured: p99 ~0.5 s without this).
                wrk.hammer(ports, path, 32, 2, Path(folder))
                busy = wrk.hammer(ports, path, 32, seconds, Path(folder))
                alone = wrk.hammer(ports, path, 1, seconds / 2, Path(folder))
            else:
                busy = asyncio.run(hammer(ports, path, 32, seconds))
                alone = asyncio.run(hammer(ports, path, 1, seconds / 2))
            rows.append({"name": name, "path": path, "c32": busy, "c1": alone})
            print(
                f"reads {name}: {busy['requests_per_s']:.0f} req/s, p50 {busy['latency']['p50']:.0f} ms,"
                f" p99 {busy['latency']['p99']:.0f} ms at 32; alone p50 {alone['latency']['p50']:.1f} ms",
                flush=True,
            )
        memory = common.workers_memory_mb(masters)
    return {
        "seed": seeded,
        "rows": rows,
        "memory": memory,
        "seconds": seconds,
        "quick": quick,
        "load_generator": "wrk" if use_wrk else "asyncio + httpx",
        "workers": workers,
        "threads": threads,
        "server": server,
        "cache": "Redis" if cache_url else "per-process memory",
    }


def markdown(result: dict) -> str:
    s = result["seed"]
    lines = [
        "## Read path: seat map, listing and schedule at 50 halls × 30 days",
        "",
        f"`bench/reads.py`: {s['halls']} halls, {s['showtimes']} showtimes (seeded by {s['seeded_by']} in"
        f" {s['seconds']:.0f} s) plus a 500-seat hall 40% booked; 2 {result.get('server', 'gthread')} instances"
        f" × {result.get('workers', 2)}"
        f" workers × {result.get('threads', 2)} threads (cache: {result.get('cache', 'per-process memory')}) on"
        f" PostgreSQL; each row is {result['seconds']:.0f} s of 32 clients back to back, then half that with 1 client"
        f" (the service time, no queueing). Load generator: {result.get('load_generator', 'asyncio + httpx')}"
        " on the same cores.",
        "",
        "| what | req/s at 32 | p50 ms | p99 ms | 1 client: p50 ms | p99 ms | KiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        busy, alone = r["c32"], r["c1"]
        bad = {k: v for k, v in busy["statuses"].items() if k not in ("200", "2xx")}
        lines.append(
            f"| {r['name']} | **{busy['requests_per_s']:.0f}** | {busy['latency']['p50']:.0f} |"
            f" **{busy['latency']['p99']:.0f}** | **{alone['latency']['p50']:.1f}** |"
            f" {alone['latency']['p99']:.1f} | {busy['bytes'] / 1024:.0f} |" + (f" errors: {bad}" if bad else "")
        )
    mem = result["memory"]
    lines += [
        "",
        f"Targets (every row): p99 ≤ {report.READ_P99_MS:.0f} ms at 32 clients, and a service time (p50 at 1 client)"
        f" ≤ {report.READ_SERVICE_MS:.0f} ms; met or missed in the summary.",
        "",
        f"Web worker memory after the reads: largest resident {mem['rss_max_mb']:.0f} MB,"
        f" peak {mem['hwm_max_mb']:.0f} MB (target < 150 MB).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="8 halls × 4 days, 2 s per row")
    parser.add_argument("--write", action="store_true", help="write the section into docs/PERFORMANCE.md")
    # Sized like the rush (see its --workers): on 2 cores more processes and threads only add
    # scheduling jitter to the tail (measured: 3 x 4 per instance, seat map p99 ~0.9 s).
    parser.add_argument("--server", choices=common.SERVERS, help="the app server (default: granian, SCALING.md)")
    parser.add_argument("--workers", type=int, default=2, help="app server workers per instance (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2; 1: sync workers)")
    parser.add_argument("--local-cache", action="store_true", help="per-process caches, not Redis")
    parser.add_argument("--httpx", action="store_true", help="load with asyncio + httpx even where wrk is installed")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    result = run(
        args.quick,
        httpx_only=args.httpx,
        workers=args.workers,
        threads=args.threads,
        local_cache=args.local_cache,
        server=args.server or common.default_server(),
    )
    common.save_result("reads", result)
    text = markdown(result)
    print(text)
    if args.write:
        report.write_section("reads", text)


if __name__ == "__main__":
    main()

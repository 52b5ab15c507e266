"""The app server, chosen by measurement: gunicorn (gthread and sync) and granian (WSGI)
side by side on the same database, the same worker count and the same load: holds only
(POST /api/v1/bookings of random seats, as the rush's last phase) and the seat map
(GET /api/v1/showtimes/<id>/seats), a few seconds each, servers in turn and then again in
the other order so that drift on a shared machine falls on all of them. Reported: holds/s,
seat maps/s and the web processes' CPU milliseconds per request (/proc, utime + stime),
the figure that a noisy machine moves least. docs/SCALING.md gives the choice.

    .venv/bin/python -m bench.servers [--quick] [--servers gthread,sync,granian] [--write]

granian is not a dependency: run it where it is importable (BENCH_GRANIAN_PATH names a
folder from `uv pip install --target DIR granian`).
"""

import argparse
import asyncio
import contextlib
import random
import time
from pathlib import Path

import aiohttp

from bench import common, report, rush


async def seat_maps(
    client: aiohttp.ClientSession, shows: list[int], tally: rush.Tally, until: float, number: int
) -> None:
    rng = random.Random(number)
    while time.monotonic() < until:
        await rush.call(client, tally, "seat map", "GET", f"/api/v1/showtimes/{rng.choice(shows)}/seats")


def run(quick: bool, servers: list[str], workers: int, threads: int, clients: int) -> dict:
    seconds = 3.0 if quick else 8.0
    rounds = 1 if quick else 2
    results: dict[str, list[dict]] = {s: [] for s in servers}
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(common.throwaway_database("servers"))
        folder = stack.enter_context(common.data_dir())
        env = common.app_env(
            url, folder, HOLD_MINUTES="10", CACHE_URL=common.redis_url(), TRUSTED_PROXIES="127.0.0.0/8"
        )
        common.manage(env, "migrate", "--noinput", "-v0")
        common.django_setup(env)
        from django.db import connections

        from bench import data

        cinema = data.build(halls=8, seats=300, days=4)
        connections.close_all()
        common.analyze(url)
        shows = sorted(cinema.showtimes)
        seats = {show: cinema.seats[cinema.showtimes[show]] for show in shows}
        for round_ in range(rounds):
            for server in servers if round_ % 2 == 0 else list(reversed(servers)):
                ports = [common.free_port() for _ in range(2)]
                log = Path(folder) / f"{server}.log"
                with common.app_servers(
                    env, ports, workers=workers, threads=threads, log=log, server=server
                ) as masters:
                    row: dict = {"server": server}
                    for what, make in (
                        ("holds", lambda n, c, t, until: rush.blind_holder(n, c, shows, seats, t, until)),
                        ("seat maps", lambda n, c, t, until: seat_maps(c, shows, t, until, n)),
                    ):
                        asyncio.run(rush.phase(ports, clients, 1.0, make))  # warm: connections, imports
                        meter = rush.CpuMeter({"web": masters}, url, "")
                        tally, elapsed = asyncio.run(rush.phase(ports, clients, seconds, make))
                        cpu = meter.spent()
                        requests = sum(len(v) for v in tally.latency.values())
                        ok = sum(v for k, v in tally.statuses.items() if k.split()[-1] in {"200", "201", "409"})
                        row[what] = {
                            "per_s": ok / elapsed,
                            "web_ms_per_request": 1000 * cpu["web"] / requests if requests else float("nan"),
                            "database_ms_per_request": 1000 * cpu["database"] / requests if requests else float("nan"),
                            "p99_ms": common.latency_ms(next(v for v in tally.latency.values() if v))["p99"],
                            "errors": requests - ok,
                        }
                    row["memory"] = common.workers_memory_mb(masters)
                    results[server].append(row)
                    h, m = row["holds"], row["seat maps"]
                    print(
                        f"servers {server}: holds {h['per_s']:.0f}/s at {h['web_ms_per_request']:.1f} ms web CPU each;"
                        f" seat maps {m['per_s']:.0f}/s at {m['web_ms_per_request']:.1f} ms;"
                        f" worker RSS {row['memory']['rss_max_mb']:.0f} MB",
                        flush=True,
                    )
                with connections["default"].cursor() as cursor:
                    cursor.execute("TRUNCATE booking_bookingseat, booking_booking, booking_customer CASCADE")
                connections.close_all()
    return {"results": results, "workers": workers, "threads": threads, "clients": clients, "seconds": seconds,
            "load": common.load_average()}  # fmt: skip


NAMES = {"gthread": "gunicorn gthread", "sync": "gunicorn sync", "granian": "granian (WSGI)"}


def markdown(result: dict) -> str:
    lines = [
        "| app server | holds/s | web ms CPU / hold | seat maps/s | web ms CPU / seat map | worker RSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for server, rows in result["results"].items():
        for row in rows:
            h, m = row["holds"], row["seat maps"]
            lines.append(
                f"| {NAMES[server]} | {h['per_s']:.0f} | {h['web_ms_per_request']:.1f} | {m['per_s']:.0f} |"
                f" {m['web_ms_per_request']:.1f} | {row['memory']['rss_max_mb']:.0f} |"
            )
    lines += [
        "",
        f"`bench/servers.py`: 2 instances × {result['workers']} workers × {result['threads']} threads each (sync:"
        f" 1 thread), {result['clients']} clients, {result['seconds']:.0f} s per figure, one row per round (the"
        f" rounds run the servers in opposite orders); load average at the end {result['load']}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--servers", default="gthread,sync,granian")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--write", action="store_true", help="write the table into docs/PERFORMANCE.md")
    args = parser.parse_args()
    common.exit_cleanly_on_sigterm()
    servers = [s for s in args.servers.split(",") if s != "granian" or common.granian_importable()]
    result = run(args.quick, servers, args.workers, args.threads, args.clients)
    common.save_result("servers", result)
    text = "## The app server, by measurement\n\n" + markdown(result)
    print(text)
    if args.write:
        report.write_section("servers", text)


if __name__ == "__main__":
    main()

"""Writing results into docs/PERFORMANCE.md without touching anyone else's part of it.

Each benchmark owns a section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`;
writing replaces only what lies between its own markers (or appends the section at the
end the first time). Sections other engineers write by hand or by their own scripts
("## Ticket email", "## Reports on a year of data", ...) stay as they are.

    .venv/bin/python -m bench.report machine      # the machine's description and the date
    .venv/bin/python -m bench.report summary      # the targets, met or missed, from this run
    .venv/bin/python -m bench.report NAME < text  # any section from stdin
"""

import os
import platform
import re
import sys
import time
from pathlib import Path

from bench import common

DOC = common.ROOT / "docs" / "PERFORMANCE.md"
TITLE = "# Performance\n\nNumbers measured by `make bench` (`bench/run`) on the machine described below.\n"


def replace_section(document: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document, count=1)
    return document.rstrip("\n") + "\n\n" + block + "\n"


def write_section(name: str, body: str, path: Path = DOC) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = path.read_text() if path.exists() else TITLE
    path.write_text(replace_section(document, name, body).rstrip("\n") + "\n")


# Issue 15's targets (docs/PERFORMANCE.md's summary; the figures are this run's).
SHARE_HOLDS_ONLY, SHARE_WHOLE = 0.35, 0.20
PREMIERE_SOLD_OUT_S = 1.0
MEMORY_MB = 150
READ_P99_MS, READ_SERVICE_MS = 50.0, 3.0
ORDER_CPU_MS, ORDERS_PER_S, EMAIL_DELAY_S = 15.0, 100.0, 10.0
REQUEST_CPU_MS = 2.0
REQUEST_CPU_KEYS = (("hold_ms", "hold"), ("pay_ms", "pay"), ("seat_map_ms", "seat map (API)"),
                    ("seat_map_page_ms", "seat map (HTML page)"))  # fmt: skip


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _rush_rows(rush: dict) -> list[tuple[str, str, str, bool]]:
    """(target, goal, measured, met) of one rush (PostgreSQL or SQLite)."""
    phases = {p["phase"]: p for p in rush["phases"]}
    ratios, rows = rush.get("ratios") or {}, []
    best = ratios.get("ceiling", 0.0)
    for name, goal in (("holds only", SHARE_HOLDS_ONLY), ("whole customers", SHARE_WHOLE)):
        phase = phases.get(name)
        if phase is None:
            continue
        if best:
            share = phase["holds_per_s"] / best
            measured = f"{phase['holds_per_s']:.0f} / {best:.0f} = {share:.0%}"
            rows.append((f"{name}: holds/s, share of the ceiling", f"≥ {goal:.0%}", measured, share >= goal))
        else:
            rows.append(
                (f"{name}: holds/s, share of the ceiling", f"≥ {goal:.0%}", f"{phase['holds_per_s']:.0f}/s", False)
            )
    premiere, check = rush["phases"][0], rush["check"]
    rows.append(("premiere (300 seats) sold out", f"≤ {PREMIERE_SOLD_OUT_S:.1f} s", f"{premiere['last_hold_at']:.2f} s",
                 premiere["last_hold_at"] <= PREMIERE_SOLD_OUT_S))  # fmt: skip
    ok = check["sold_twice"] == 0 and check["adds_up"]
    pre = check["premiere"]
    sums = f"{pre['sold']} + {pre['held']} + {pre['free']} = {pre['capacity']}"
    rows.append(("seats sold twice; sold + held + free = capacity", "0; adds up", f"{check['sold_twice']}; {sums}", ok))
    mem = rush["memory"]["hwm_max_mb"]
    rows.append(("web worker resident memory, peak", f"< {MEMORY_MB} MB", f"{mem:.0f} MB", mem < MEMORY_MB))
    mails = premiere.get("emails")
    if mails:
        on_time = mails["missing"] == 0 and mails["max_s"] <= EMAIL_DELAY_S
        rows.append((f"premiere tickets emails at SMTP after payment ({rush.get('mail_workers', 1)} worker)",
                     f"all ≤ {EMAIL_DELAY_S:.0f} s", f"max {mails['max_s']:.1f} s, p99 {mails['p99_s']:.1f} s,"
                     f" {mails['missing']} missing", on_time))  # fmt: skip
    orders = phases.get("whole customers", {}).get("orders")
    if orders:
        rate = orders["paid_with_email_per_s"]
        rows.append(("paid orders with their emails", f"≥ {ORDERS_PER_S:.0f}/s", f"{rate:.0f}/s", rate >= ORDERS_PER_S))
        per = orders["cpu_ms_per_order"]
        cinema = orders["cinema_cpu_ms_per_order"]
        parts = ", ".join(f"{k} {per.get(k, 0):.1f}" for k in ("web", "worker", "database"))
        rows.append(("CPU per paid order with its email (web + worker + database)", f"≤ {ORDER_CPU_MS:.0f} ms",
                     f"{cinema:.1f} ms ({parts})", cinema <= ORDER_CPU_MS))  # fmt: skip
    return rows


def summary() -> str:
    """Issue 15's targets, met or not, from this run's results (bench/run writes it last)."""
    ceiling, rush, reads, sqlite, request_cpu = (
        common.load_result(n) for n in ("ceiling", "rush", "reads", "rush-sqlite", "request_cpu")
    )
    lines = ["## Summary: the targets", ""]
    if ceiling:
        lines += [
            f"**Ceiling of this run: {ceiling['best_holds_per_s']:.0f} bookings/s**, committed by PostgreSQL itself"
            " (`../shared/bench/ceiling/` with pgbench, the best of 8, 32 and 64 clients); every share below is of it."
            " PostgreSQL rush: 64 clients, 2 app instances. SQLite: the same rush on the embedded default, one"
            " instance, its figures beside PostgreSQL's (its shares are of the same PostgreSQL ceiling).",
            "",
        ]
    else:
        lines += ["No ceiling was measured in this run: the shares of the ceiling cannot be stated.", ""]
    lines += ["| target | goal | PostgreSQL | | SQLite | |", "|---|---|---|---|---|---|"]
    pg_rows = _rush_rows(rush) if rush else []
    lite = {row[0]: row for row in (_rush_rows(sqlite) if sqlite else [])}
    for target, goal, measured, ok in pg_rows:
        other = lite.pop(target, None)
        beside = f"{other[2]} | {mark(other[3])}" if other else "– | "
        lines.append(f"| {target} | {goal} | {measured} | {mark(ok)} | {beside} |")
    for target, goal, measured, ok in lite.values():
        lines.append(f"| {target} | {goal} | – | | {measured} | {mark(ok)} |")
    if reads:
        for row in reads["rows"]:
            p99, alone = row["c32"]["latency"]["p99"], row["c1"]["latency"]["p50"]
            lines.append(f"| {row['name']}: p99 at 32 clients | ≤ {READ_P99_MS:.0f} ms | {p99:.0f} ms |"
                         f" {mark(p99 <= READ_P99_MS)} | | |")  # fmt: skip
            lines.append(f"| {row['name']}: service time (p50 at 1 client) | ≤ {READ_SERVICE_MS:.0f} ms |"
                         f" {alone:.1f} ms | {mark(alone <= READ_SERVICE_MS)} | | |")  # fmt: skip
    if not reads:
        lines.append(f"| reads (seat map API and page, listing, home, schedule API and page): p99 at 32 clients;"
                     f" p50 at 1 client | ≤ {READ_P99_MS:.0f} ms; ≤ {READ_SERVICE_MS:.0f} ms | not measured in this run"
                     " | | | |")  # fmt: skip
    if request_cpu:
        for key, what in REQUEST_CPU_KEYS:
            if key in request_cpu:
                ms = float(request_cpu[key])
                lines.append(f"| web CPU per request: {what} (bench/request_cpu.py) | ≤ {REQUEST_CPU_MS:.0f} ms |"
                             f" {ms:.2f} ms | {mark(ms <= REQUEST_CPU_MS)} | | |")  # fmt: skip
    else:
        lines.append(f"| web CPU per request: hold, pay, seat map (bench/request_cpu.py) | ≤ {REQUEST_CPU_MS:.0f} ms |"
                     " not measured in this run | | | |")  # fmt: skip
    lines += [
        "",
        f"Load average when the run ended ({common.utc_now()}): {common.load_average()}; CPU yardstick then:"
        f" {reference_loop_ms():.0f} ms (see Machine).",
    ]
    return "\n".join(lines)


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def reference_loop_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop (the best of 3): a yardstick for the CPU
    figures of the same run. On a shared or overcommitted host a CPU millisecond buys less
    work, and /proc's CPU times grow with it."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.process_time() - started)
    return best * 1000


def machine(note: str = "") -> str:
    cores = len(os.sched_getaffinity(0))
    lines = [
        "## Machine",
        "",
        f"- measured: {common.utc_now()}",
        f"- CPU: {cores} cores (nproc), {_cpu_model()}",
        f"- memory: {_memory_gib():.1f} GiB",
        f"- PostgreSQL {common.pg_version()} on 127.0.0.1:5432 (max_connections {common.pg_setting('max_connections')},"
        f" shared_buffers {common.pg_setting('shared_buffers')}, synchronous_commit"
        f" {common.pg_setting('synchronous_commit')}); SQLite {__import__('sqlite3').sqlite_version}",
        f"- Python {platform.python_version()}, {platform.system()} {platform.release()}",
        f"- load average when the run began: {common.load_average()}",
        f"- CPU yardstick: a fixed pure-Python loop (2 million additions) took {reference_loop_ms():.0f} ms of CPU"
        " (compare runs by it: a busier host makes every CPU figure larger)",
    ]
    if note:
        lines += ["", note]
    return "\n".join(lines)


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "machine"
    if name == "machine":
        write_section("machine", machine(os.environ.get("BENCH_NOTE", "")))
    elif name == "summary":
        write_section("summary", summary())
    else:
        write_section(name, sys.stdin.read())


if __name__ == "__main__":
    main()

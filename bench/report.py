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


def summary() -> str:
    """The targets of issue 6, met or not, from this run's results (bench/run writes it last)."""
    ceiling, rush, reads, sqlite = (common.load_result(n) for n in ("ceiling", "rush", "reads", "rush-sqlite"))
    rows: list[tuple[str, str, str, str]] = []

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    if ceiling and rush:
        at64 = rush["ratios"].get("ceiling_64", 0)
        for phase in rush["phases"]:
            ratio = rush["ratios"].get(phase["phase"], 0)
            rows.append(
                (
                    f"HTTP rush ({phase['phase']}) vs the ceiling at 64 clients",
                    "≥ 25%",
                    f"{phase['holds_per_s']:.0f} / {at64:.0f} holds/s = {ratio:.0%}",
                    mark(ratio >= 0.25),
                )
            )
    for result, name in ((rush, "PostgreSQL"), (sqlite, "SQLite")):
        if result:
            check = result["check"]
            ok = check["sold_twice"] == 0 and check["adds_up"]
            rows.append(
                (
                    f"seats sold twice ({name} rush)",
                    "0",
                    f"{check['sold_twice']}; sold + held + free = capacity: {check['adds_up']}",
                    mark(ok),
                )
            )
            mem = result["memory"]["hwm_max_mb"]
            rows.append(
                (f"web worker resident memory, peak ({name} rush)", "< 150 MB", f"{mem:.0f} MB", mark(mem < 150))
            )
    if reads:
        for row in reads["rows"]:
            for key, limit in (("seat map", 50), ("listing", 100), ("home", 100)):
                if row["name"].startswith(key):
                    p99 = row["c32"]["latency"]["p99"]
                    rows.append(
                        (f"{row['name']}, p99 at 32 clients", f"< {limit} ms", f"{p99:.0f} ms", mark(p99 < limit))
                    )
    lines = ["## Summary: the targets", "", "| target | goal | measured | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    lines += ["", f"Load average when the run ended ({common.utc_now()}): {common.load_average()}."]
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

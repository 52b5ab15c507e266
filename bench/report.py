"""Writing results into docs/PERFORMANCE.md without touching anyone else's part of it.

Each benchmark owns a section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`;
writing replaces only what lies between its own markers (or appends the section at the
end the first time). Sections other engineers write by hand or by their own scripts
("## Ticket email", "## Reports on a year of data", ...) stay as they are.

    .venv/bin/python -m bench.report machine      # the machine's description and the date
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
    else:
        write_section(name, sys.stdin.read())


if __name__ == "__main__":
    main()

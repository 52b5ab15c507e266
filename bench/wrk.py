"""GET one path with wrk (a load generator written in C), one wrk per app instance.

On 2 shared cores the load generator's own CPU is part of what a benchmark measures: the
asyncio + httpx client costs 2-5 ms of CPU per request, wrk some microseconds, so the
read targets (hundreds of requests a second) are measured with wrk where it is installed
(`apt-get install wrk`; bench/run installs it when it can) and with httpx otherwise.

Each wrk prints, when done, its counts and 1,000 quantiles of its latencies (a Lua
`done` hook); the instances' quantiles are merged weighted by their request counts.
"""

import json
import shutil
import subprocess
from pathlib import Path

DONE_HOOK = """
done = function(summary, latency, requests)
  local q = {}
  for i = 1, 1000 do q[i] = latency:percentile(i / 10) end
  io.write("WRK-RESULT ", string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "quantiles_us": [%s]}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, table.concat(q, ",")))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def hammer(ports: list[int], path: str, clients: int, seconds: float, folder: Path) -> dict:
    """`clients` connections GET `path` back to back for `seconds`, split across the instances."""
    script = folder / "wrk-done.lua"
    script.write_text(DONE_HOOK)
    per_port = [clients // len(ports) + (1 if n < clients % len(ports) else 0) for n in range(len(ports))]
    duration = f"-d{max(1, round(seconds))}s"
    runs = [
        subprocess.Popen(
            ["wrk", "-t1", f"-c{c}", duration, "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for port, c in zip(ports, per_port, strict=True)
        if c > 0
    ]
    results = []
    for run in runs:
        out, _ = run.communicate(timeout=seconds + 60)
        line = next((x for x in out.splitlines() if x.startswith("WRK-RESULT ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no result:\n{out}")
        results.append(json.loads(line.removeprefix("WRK-RESULT ")))
    requests = sum(r["requests"] for r in results)
    elapsed = max(r["duration_us"] for r in results) / 1e6
    failed = sum(r["status"] for r in results)
    statuses = {"2xx": requests - failed} if requests - failed else {}
    if failed:
        statuses["non-2xx"] = failed
    for kind in ("connect", "read", "write", "timeout"):
        if count := sum(r[kind] for r in results):
            statuses[f"socket {kind}"] = count
    return {
        "requests_per_s": requests / elapsed if elapsed else 0.0,
        "latency": _merged_latency(results),
        "statuses": statuses,
        "bytes": int(sum(r["bytes"] for r in results) / requests) if requests else 0,
        "load_generator": "wrk",
    }


def _merged_latency(results: list[dict]) -> dict[str, float]:
    """p50/p95/p99 in ms of the instances' latencies together, from their quantiles."""
    weighted = sorted((q / 1000.0, r["requests"] / len(r["quantiles_us"])) for r in results for q in r["quantiles_us"])
    total = sum(w for _, w in weighted)
    out: dict[str, float] = {"n": sum(r["requests"] for r in results)}
    for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        seen = 0.0
        value = weighted[-1][0] if weighted else float("nan")
        for ms, w in weighted:
            seen += w
            if seen >= share * total:
                value = ms
                break
        out[name] = value
    return out

"""What every benchmark script needs: a throwaway PostgreSQL database, app servers that are
always stopped, the cinema's data, latency statistics and where results go.

Each script starts what it needs and cleans up even when it fails: databases are dropped
in `finally`, servers are killed by process group (and told to die with us if we are
killed outright, through PR_SET_PDEATHSIG).
"""

import contextlib
import ctypes
import datetime as dt
import importlib.util
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the .venv interpreter that runs the bench
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
# Where scripts leave their numbers as JSON, so that the rush can compare itself with the
# ceiling measured in the same run. bench/run points it at a fresh folder.
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS", ROOT / "data" / "bench"))


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that `finally` blocks stop servers and drop databases."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# --- PostgreSQL -------------------------------------------------------------------------


def _admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


@contextlib.contextmanager
def throwaway_database(tag: str) -> Iterator[str]:
    """A fresh, empty database on the local server; dropped afterwards, whatever happens."""
    name = f"marquee_bench_{tag}_{os.getpid()}"
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with _admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def analyze(database_url: str) -> None:
    """VACUUM ANALYZE after bulk seeding: autovacuum would get there in a minute or so in
    production; without statistics the planner guesses (one row per table) and picks plans
    no live cinema would run."""
    if database_url:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            # Write the seeding's dirty pages now, not in a checkpoint during the first measurement.
            conn.execute("CHECKPOINT")


def pg_version() -> str:
    with _admin() as admin:
        row = admin.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


def pg_setting(name: str) -> str:
    with _admin() as admin:
        row = admin.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
        return str(row[0]) if row else "?"


# --- the app's environment ----------------------------------------------------------------


def app_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like instance (DEBUG off) on loopback."""
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_PRELOAD="false",  # no HSTS on plain-HTTP loopback; preload would demand a year of it
        PAYMENT_PROVIDERS="demo",
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="marquee.settings",
    )
    env.update(extra)
    return env


def redis_url(db: int = 7) -> str:
    """A flushed Redis database for one benchmark's shared cache, or "" where Redis does not answer."""
    url = f"redis://127.0.0.1:6379/{db}"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
        client.close()
    except Exception:  # no Redis here: the benchmark runs with per-process caches
        return ""
    return url


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def django_setup(env: dict[str, str]) -> None:
    """Use the ORM in this process, against the database named in `env` (data setup, checks)."""
    os.environ.update(env)
    import django

    django.setup()


@contextlib.contextmanager
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as folder:
        yield Path(folder)


# --- app servers ------------------------------------------------------------------------


def _die_with_parent() -> None:  # runs in the child between fork and exec
    os.setsid()  # its own process group: we kill the master and its workers together
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port} after {timeout:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVERS = ("gthread", "sync", "granian")
# Where granian is importable from when the venv does not have it (a trial install:
# `uv pip install --target /tmp/granian-pkgs granian`).
GRANIAN_PATH = os.environ.get("BENCH_GRANIAN_PATH", "")


# Chosen by measurement (docs/SCALING.md, "The app server, by measurement").
CHOSEN_SERVER = "granian"


def granian_importable() -> bool:
    if GRANIAN_PATH:
        return (Path(GRANIAN_PATH) / "granian").is_dir()
    return importlib.util.find_spec("granian") is not None


def default_server() -> str:
    """granian where it is installed (requirements.in lists it); gunicorn gthread, said aloud,
    until the lock file has it."""
    if CHOSEN_SERVER == "granian" and not granian_importable():
        print("bench: granian is not installed here; the app server is gunicorn gthread", flush=True)
        return "gthread"
    return CHOSEN_SERVER


def server_command(server: str, port: int, *, workers: int, threads: int) -> list[str]:
    """The command line of one app server instance of `marquee.wsgi`.

    gthread: a thread waiting on the database does not block its worker; sync: one request
    per process at a time; granian: a Rust HTTP server calling the WSGI app from
    `threads` blocking threads per worker. Several processes use both cores despite the GIL.
    """
    if server == "granian":
        return [
            PYTHON, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads), "--runtime-threads", "1",
            "--backlog", "2048", "--log-level", "warning", "--no-ws", "marquee.wsgi:application",
        ]  # fmt: skip
    return [
        PYTHON, "-m", "gunicorn", "marquee.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads if server == "gthread" else 1),
        "--worker-class", server,
        "--backlog", "2048",
        "--keep-alive", "30",  # the load generator keeps connections open
        "--log-level", "warning",
    ]  # fmt: skip


@contextlib.contextmanager
def app_servers(
    env: dict[str, str], ports: list[int], *, workers: int, threads: int, log: Path, server: str = "gthread"
) -> Iterator[list[int]]:
    """One app server instance per port, each with `workers` processes (see server_command).

    Yields the masters' pids; their children are the workers.
    """
    if server not in SERVERS:
        raise ValueError(f"unknown app server {server!r} (one of {', '.join(SERVERS)})")
    if server == "granian" and GRANIAN_PATH:
        env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [GRANIAN_PATH, env.get("PYTHONPATH", "")]))}
    masters: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out:
        try:
            for port in ports:
                command = server_command(server, port, workers=workers, threads=threads)
                masters.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=_die_with_parent)
                )
            for port in ports:
                wait_for_port(port)
            time.sleep(1.0 if server == "granian" else 0.5)  # let every worker finish importing Django
            yield [m.pid for m in masters]
        finally:
            stop_group(masters)


def stop_group(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each process group we started, SIGKILL to those still alive after 15 s."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def background(commands: list[list[str]], env: dict[str, str], log: Path) -> Iterator[list[int]]:
    """Processes of our own (the mail worker, the SMTP sink) for the length of the block; pids."""
    started: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as out:
        try:
            for command in commands:
                started.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out, preexec_fn=_die_with_parent)
                )
            yield [p.pid for p in started]
        finally:
            stop_group(started)


def descendants(pid: int) -> list[int]:
    """A process's children, their children, and so on (granian's workers are grandchildren)."""
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


@contextlib.contextmanager
def py_spy(masters: list[int], folder: Path) -> Iterator[None]:
    """Sample the web workers' stacks (py-spy, if installed: `pip install py-spy`) while the
    block runs; collapsed stacks land in `folder`, one file per instance (bench/profile.py
    sums them up). Only CPU time is sampled: threads waiting on the database do not count."""
    folder.mkdir(parents=True, exist_ok=True)
    spy = Path(PYTHON).with_name("py-spy")
    recorders = [
        subprocess.Popen(
            [str(spy), "record", "--pid", str(master), "--subprocesses", "--format", "raw", "--rate", "200",
             "--nonblocking", "--output", str(folder / f"instance-{n}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for n, master in enumerate(masters)
    ]  # fmt: skip
    try:
        time.sleep(1)  # py-spy attaches
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        for recorder in recorders:
            try:
                recorder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                recorder.kill()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) from /proc: psutil is not installed."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                values[key] = int(rest.split()[0])
    return values


def workers_memory_mb(masters: list[int]) -> dict[str, float]:
    """The largest current and peak resident size among the masters' worker processes."""
    stats = [memory_kb(pid) for master in masters for pid in descendants(master)]
    return {
        "workers": len(stats),
        "rss_max_mb": max((s.get("VmRSS", 0) for s in stats), default=0) / 1024,
        "hwm_max_mb": max((s.get("VmHWM", 0) for s in stats), default=0) / 1024,
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes (utime + stime from /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def backend_pids(database_url: str) -> list[int]:
    """PostgreSQL backends serving one database (the server runs on this machine), to
    measure the database's own CPU time apart from other suites sharing the server."""
    if not database_url:
        return []
    name = database_url.rsplit("/", 1)[1]
    with _admin() as admin:
        rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [r[0] for r in rows]


# --- numbers ----------------------------------------------------------------------------


def latency_ms(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 of durations given in seconds, in milliseconds."""
    if len(samples) < 2:
        only = samples[0] * 1000 if samples else float("nan")
        return {"n": len(samples), "p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": len(samples), "p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def save_result(name: str, data: dict) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))


def load_result(name: str) -> dict | None:
    path = RESULTS_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

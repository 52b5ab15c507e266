"""`make run`: links in email follow its HOST and PORT; Ctrl-C stops both processes quietly."""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.notifications.conftest import free_port
from tests.notifications.test_delivery import _database_url

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(*args: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_sets_site_url_from_its_host_and_port_unless_it_is_set():
    started = [line for line in _dry_run("PORT=8101").splitlines() if "marquee.launcher" in line]
    assert len(started) == 1
    assert "SITE_URL='http://127.0.0.1:8101'" in started[0] and "--port 8101" in started[0]

    other = _dry_run("HOST=0.0.0.0", "PORT=9000")
    assert "SITE_URL='http://0.0.0.0:9000'" in other
    # Every manage.py step sees the same address (seed_demo writes none today, but may).
    steps = [line for line in _dry_run("PORT=8101").splitlines() if "manage.py" in line]
    assert steps and all("SITE_URL='http://127.0.0.1:8101'" in line for line in steps)

    kept = _dry_run("PORT=8101", SITE_URL="https://tickets.example.com")
    assert "SITE_URL='https://tickets.example.com'" in kept and "8101'" not in kept


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["make run", "launcher"])
def test_ctrl_c_stops_the_server_and_the_worker_and_exits_quietly(tmp_path, how):
    from tests import factories as f

    if how == "make run" and shutil.which("make") is None:
        pytest.skip("make is not installed")
    f.hall()  # a cinema already: `make run` does not seed the demo into the test's database
    port = free_port()
    command = {
        # -o: the shared .venv is what it is; a test never reinstalls it.
        "make run": ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
        "launcher": [sys.executable, "-m", "marquee.launcher", "--port", str(port)],
    }[how]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marquee.settings",
        "DEBUG": "true",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": _database_url(),  # migrated already: the test's own database
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "ADMIN_PASSWORD": "x" * 16,
    }
    env.pop("MAKEFLAGS", None)
    # A session of its own, like a terminal's foreground job: Ctrl-C signals the whole group.
    launcher = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and launcher.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    status = answer.status
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        assert status == 200, "the server never answered"
        children = _descendants(launcher.pid)
        assert len(children) >= 3  # the worker, runserver and its autoreloader's child

        os.killpg(launcher.pid, signal.SIGINT)
        out, _ = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.communicate()
    text = out.decode(errors="replace")
    # make itself is in the terminal's group and gets the Ctrl-C too: it waits for the launcher,
    # then ends by the same signal, as every make interrupted by Ctrl-C does (no message).
    assert launcher.returncode in ({0, -signal.SIGINT} if how == "make run" else {0}), text
    assert "make: ***" not in text, text
    assert "Segmentation fault" not in text and "Traceback" not in text and "Error" not in text, text
    assert "worker" in text and "stopped" in text  # the worker finished cleanly, not killed
    assert [pid for pid in children if _alive(pid)] == []

"""`python -m marquee.launcher [--host H] [--port P]`: the web server and the worker together,
for `make run`; Ctrl-C (or SIGTERM) stops both and exits 0.

It replaces a shell line with `trap 'kill 0' INT TERM EXIT`, which printed "make: ***
Segmentation fault" on Ctrl-C: `kill 0` signals the whole process group, the trapping shell
included, so the shell's TERM trap ran `kill 0` again, and again, until bash overflowed its
stack (make, in the same group, was killed with them).

Each child runs in a process group of its own, so that a terminal's Ctrl-C reaches this
launcher only, and the launcher signals each child's group exactly once (the worker reads a
second SIGINT as "stop now, mid-message"), reaching runserver's autoreloader child too.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
# How long the children have to finish what they are doing (the worker: the message in hand,
# bounded by the SMTP timeout) before they are killed.
GRACE_SECONDS = 40.0


class Launcher:
    def __init__(self, commands: list[list[str]]) -> None:
        self.commands = commands
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def start(self) -> None:
        for command in self.commands:
            if self.stopping:  # Ctrl-C while starting
                break
            # stdin from /dev/null: a child in a background process group that touched the
            # terminal would be stopped by it.
            # The commands are this file's own (manage.py with fixed arguments), not input.
            child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, process_group=0)  # noqa: S603
            self.children.append(child)

    def _signal_all(self, signum: int) -> None:
        for child in self.children:
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):  # exited in between
                    os.killpg(child.pid, signum)

    def request_stop(self, signum: int, frame: FrameType | None = None) -> None:
        if self.stopping:
            return  # one stop is enough: a second Ctrl-C waits for the same children
        self.stopping = True
        self._signal_all(signal.SIGINT)

    def wait(self) -> int:
        """Until every child has exited; 0 after a requested stop, else the first failure's code."""
        first_exit: int | None = None
        deadline: float | None = None
        while any(child.poll() is None for child in self.children):
            if not self.stopping:
                done = [child for child in self.children if child.poll() is not None]
                if done:
                    # One of them stopped by itself (the port was taken, the database is
                    # missing): the other is of no use alone.
                    first_exit = done[0].returncode
                    self.request_stop(signal.SIGINT)
            if self.stopping and deadline is None:
                deadline = time.monotonic() + GRACE_SECONDS
            if deadline is not None and time.monotonic() > deadline:
                self._signal_all(signal.SIGKILL)
            time.sleep(0.1)
        if first_exit is not None:
            return first_exit or 1
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Marquee's web server and worker until Ctrl-C.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    args = parser.parse_args(argv)
    manage = [sys.executable, str(ROOT / "manage.py")]
    launcher = Launcher([[*manage, "run_worker"], [*manage, "runserver", f"{args.host}:{args.port}"]])
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, launcher.request_stop)
    launcher.start()
    return launcher.wait()


if __name__ == "__main__":
    sys.exit(main())

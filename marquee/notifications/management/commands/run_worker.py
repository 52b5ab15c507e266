"""`manage.py run_worker [--until-idle]`: the one background process (mail, the apps' periodic jobs, tasks)."""

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from marquee.notifications.worker import WorkerLoop


class Command(BaseCommand):
    help = "Send queued email, expire lapsed holds and run background tasks."
    # The checks import every URL module and the whole API (seconds on a busy machine) for
    # a process that serves no URL; the web processes run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--until-idle", action="store_true", help="Exit once nothing is due.")
        parser.add_argument("--sleep", type=float, default=1.0, help="Seconds to wait when idle (default 1).")

    def handle(self, *args: Any, until_idle: bool, sleep: float, **options: Any) -> None:
        loop = WorkerLoop(idle_sleep=sleep)

        def stop(signum: int, frame: FrameType | None) -> None:
            # Finish the message in hand, give the rest of the batch back, then exit.
            if loop.stopping.is_set():
                raise SystemExit(1)  # a second signal: stop now
            loop.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        loop.run(until_idle=until_idle)

"""A real SMTP server for the rush (aiosmtpd on 127.0.0.1, as the mail tests use) that
accepts every message, keeps none, and writes one line per message: the time it arrived
(Unix seconds) and its Message-ID. The rush matches the Message-IDs with the outbox rows
and the bookings' payment times: how long after its payment each tickets email was handed
to SMTP. It runs in a process of its own so that its CPU time can be counted apart.

    .venv/bin/python -m bench.smtp_sink --port P --log FILE
"""

import argparse
import asyncio
import re
import signal
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Arrivals:
    def __init__(self, log: Path) -> None:
        self.out = log.open("a", buffering=1)  # a line at a time: the rush reads while we run

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        arrived = time.time()
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(head)
        ident = found.group(1).decode(errors="replace").strip("<>") if found else "-"
        self.out.write(f"{arrived:.6f} {ident}\n")
        return "250 2.0.0 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(Arrivals(args.log), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = asyncio.Event()

    async def wait() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()

    try:
        asyncio.run(wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

"""`manage.py seed_demo`: a believable cinema to click through, the same for the same seed."""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marquee.demo.builder import SeedOptions, seed_demo
from marquee.venues.models import Hall

# Runs with at least this many hall-days show a progress bar.
LONG_RUN_HALL_DAYS = 150
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Fill an empty database with a demo cinema: halls, movies, tariffs, showtimes, customers and bookings."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = SeedOptions()
        parser.add_argument("--halls", type=int, default=defaults.halls, help="number of halls (default 6)")
        parser.add_argument(
            "--days",
            type=int,
            default=defaults.days,
            help="days of showtimes from today on, after a week of history (default 14)",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed, help="the same seed gives the same cinema")
        parser.add_argument("--customers", type=int, default=defaults.customers, help="default 200")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when the database already has halls (make run)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Hall.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has a cinema; the demo was not seeded.")
                return
            raise CommandError("The database already has halls. Seed an empty database (or pass --if-empty).")
        seed_options = SeedOptions(
            halls=options["halls"], days=options["days"], seed=options["seed"], customers=options["customers"]
        )
        if min(seed_options.halls, seed_options.days, seed_options.customers) < 1:
            raise CommandError("--halls, --days and --customers must be at least 1.")
        long_run = seed_options.halls * seed_options.days >= LONG_RUN_HALL_DAYS
        started = time.monotonic()
        summary = seed_demo(seed_options, progress=self._progress if long_run else _silent)
        if long_run:
            self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Seeded the demo cinema in {time.monotonic() - started:.1f}s:"))
        for line in summary.lines():
            self.stdout.write(f"  {line}")

    def _progress(self, stage: str, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        end = "\r" if sys.stderr.isatty() else "\n"
        if end == "\n" and done not in (total, total // 2):
            return  # in a log, two lines per stage are enough
        self.stderr.write(f"{stage:>10} [{bar}] {done}/{total}", ending=end)


def _silent(stage: str, done: int, total: int) -> None:
    """Short runs need no progress bar."""

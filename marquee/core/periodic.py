"""The periodic jobs of the background worker, registered by the apps whose jobs they are.

An app registers its upkeep in its AppConfig.ready() (`register("booking.holds_expire", 30,
bookings_expire)`); the worker (marquee.notifications.worker) calls `Schedule.run_due()` on
every pass and each job runs when its interval has passed since it last ran. So the worker,
low in the layers, imports none of the apps above it: they come to it (dependency inversion).

The registry lives in core, the bottom layer, so that any app may register. The worker loop
itself stays in notifications: its real work is draining the outbox (claims, leases, the SMTP
session), and moving it here would take mail delivery and django-tasks-db into core with it.

Jobs run in the order they were registered (the order of INSTALLED_APPS), so a job may count
on one of an app below it having run first in the same pass (the hold expiry before the
vouchers' give-back of what the lapsed holds had taken). Every job must be safe with any
number of workers running it at once, on any number of machines: each takes its own locks.
A job that fails is logged and tried again at its next interval; the others run regardless.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("marquee.worker")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    fn: Callable[[], object]  # what it returns is logged when truthy (how much it did)


JOBS: dict[str, PeriodicJob] = {}


def register(name: str, every_seconds: float, fn: Callable[[], object]) -> None:
    """Run `fn` in the worker every `every_seconds` (and at the worker's start). Registering a
    name again replaces its job (AppConfig.ready may run more than once in tests)."""
    if every_seconds < 0:
        raise ValueError(f"a periodic job's interval cannot be negative: {name} every {every_seconds}")
    JOBS[name] = PeriodicJob(name=name, every_seconds=float(every_seconds), fn=fn)


def job(name: str) -> PeriodicJob:
    return JOBS[name]


@dataclass
class Schedule:
    """When each job last ran, for one worker. Nothing runs before its interval has passed
    since its last run; every job is due at the first pass."""

    jobs: dict[str, PeriodicJob] = field(default_factory=lambda: JOBS)
    clock: Callable[[], float] = time.monotonic
    last_run: dict[str, float] = field(default_factory=dict)

    def due(self, job: PeriodicJob) -> bool:
        last = self.last_run.get(job.name)
        return last is None or self.clock() - last >= job.every_seconds

    def run_due(self) -> list[str]:
        """Run every job that is due; returns the names of those that ran (failed or not)."""
        ran = []
        for job in list(self.jobs.values()):
            if not self.due(job):
                continue
            self.last_run[job.name] = self.clock()
            ran.append(job.name)
            run_job(job)
        return ran


def run_job(job: PeriodicJob) -> bool:
    """Run one job now; False when it failed (logged, never raised: the others still run)."""
    try:
        done = job.fn()
    except Exception:
        log.exception("periodic job %s failed; it runs again in %s s", job.name, job.every_seconds)
        return False
    if done:
        log.info("periodic job %s: %s", job.name, done)
    return True

"""The periodic jobs' registry (marquee.core.periodic) and the worker that runs them."""

import logging

import pytest

from marquee.core import periodic
from marquee.core.periodic import PeriodicJob, Schedule
from marquee.notifications.worker import WorkerLoop


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _schedule(*jobs: PeriodicJob) -> tuple[Schedule, FakeClock]:
    clock = FakeClock()
    return Schedule(jobs={j.name: j for j in jobs}, clock=clock), clock


def test_a_job_runs_at_the_first_pass_then_only_when_its_interval_has_passed():
    ran: list[str] = []
    schedule, clock = _schedule(PeriodicJob("sweep", 30, lambda: ran.append("sweep")))
    assert schedule.run_due() == ["sweep"]
    clock.now += 29.9
    assert schedule.run_due() == []  # not before
    clock.now += 0.1
    assert schedule.run_due() == ["sweep"]
    assert ran == ["sweep", "sweep"]


def test_jobs_keep_their_own_intervals_and_run_in_the_order_they_were_registered():
    ran: list[str] = []
    schedule, clock = _schedule(
        PeriodicJob("first", 30, lambda: ran.append("first")),
        PeriodicJob("second", 60, lambda: ran.append("second")),
    )
    schedule.run_due()
    clock.now += 30
    schedule.run_due()
    clock.now += 30
    schedule.run_due()
    assert ran == ["first", "second", "first", "first", "second"]


def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("the provider is down")

    schedule, clock = _schedule(
        PeriodicJob("broken", 60, broken), PeriodicJob("after", 60, lambda: ran.append("after"))
    )
    with caplog.at_level(logging.ERROR, logger="marquee.worker"):
        assert schedule.run_due() == ["broken", "after"]
    assert ran == ["after"]
    assert "periodic job broken failed" in caplog.text and "the provider is down" in caplog.text
    clock.now += 59
    assert schedule.run_due() == []  # a failure waits for its interval like a success
    clock.now += 1
    assert schedule.run_due() == ["broken", "after"]


def test_register_refuses_a_negative_interval_and_replaces_a_name_registered_again(monkeypatch):
    monkeypatch.setattr(periodic, "JOBS", {})
    periodic.register("x", 10, int)
    periodic.register("x", 20, str)
    assert periodic.job("x") == PeriodicJob("x", 20.0, str)
    with pytest.raises(ValueError):
        periodic.register("y", -1, int)


def test_the_apps_register_the_workers_jobs_with_their_intervals():
    # Registered by booking, payments and reports in their AppConfig.ready(), in this order.
    expected = {
        "booking.holds_expire": 30,
        "payments.voucher_money_give_back": 30,
        "payments.reconcile": 60,
        "payments.refunds_retry": 60,
        "reports.showtimes_tally": 15 * 60,
    }
    names = [name for name in periodic.JOBS if name in expected]
    assert names == list(expected)
    assert {name: periodic.job(name).every_seconds for name in names} == expected


@pytest.mark.django_db
def test_the_worker_runs_the_due_jobs_at_each_step(smtp_server):
    ran: list[str] = []
    schedule, clock = _schedule(PeriodicJob("upkeep", 30, lambda: ran.append("upkeep") or 3))
    loop = WorkerLoop(schedule=schedule)
    assert loop.step() == 0  # upkeep is not work that keeps the worker from idling
    loop.step()
    clock.now += 30
    loop.step()
    assert ran == ["upkeep", "upkeep"]

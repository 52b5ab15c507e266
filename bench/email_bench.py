"""Ticket email: how fast tickets emails are rendered (HTML, text, QR codes, tickets.pdf,
showtime.ics) and delivered over SMTP to a local server.

Makes a throwaway PostgreSQL database (or SQLite with --sqlite), N paid bookings of 1-4 seats
made through the real services (each queues its tickets email in the booking's
transaction), starts an aiosmtpd server (a separate process that accepts and discards),
and measures:

- PDF milliseconds per admission (tickets_pdf alone, for 1- to 4-seat bookings);
- render time per email (everything but SMTP);
- emails per second end to end with one worker (`mail_deliver_due` in this process), then
  again with two `manage.py run_worker --until-idle` processes (2 cores), counting only
  rows the database shows as sent.

    .venv/bin/python -m bench.email_bench [--quick] [--sqlite] [--bookings N] [--no-write]

Writes the "## Ticket email" section of docs/PERFORMANCE.md unless --quick or --no-write.
"""

import argparse
import contextlib
import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from bench import common, report

SECTION = "email"


@contextlib.contextmanager
def smtp_sink(port: int, log: Path) -> Iterator[None]:
    """aiosmtpd in its own process, accepting every message and discarding it."""
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
            stdout=out,
            stderr=out,
            preexec_fn=os.setsid,
        )
        try:
            common.wait_for_port(port)
            yield
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(10)


def make_bookings(n: int, rng: random.Random) -> tuple[int, int]:
    """N paid bookings of 1-4 seats; (bookings, admissions)."""
    from decimal import Decimal

    from marquee.booking.services import CustomerDetails, booking_hold
    from marquee.catalog.services import genre_create, movie_create
    from marquee.core.clock import now
    from marquee.payments.services import booking_pay
    from marquee.scheduling.services import showtime_schedule
    from marquee.venues.services import RowSpec, hall_create

    genre = genre_create(name="Drama")
    movie = movie_create(
        title="Тіні забутих предків", duration_min=97, release_year=1965, genre_ids=[genre.pk], description="Classic"
    )
    hall = hall_create(
        number=1,
        name="Grand",
        rows=[
            RowSpec(row=r, seats=20, type="vip" if r > 12 else "standard", base_price=Decimal("150.00"))
            for r in range(1, 15)
        ],
    )
    seat_ids = list(hall.seats.order_by("pk").values_list("pk", flat=True))
    start = (now() + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    showtimes, admissions, free = [], 0, []
    for i in range(n):
        if not free:
            showtimes.append(
                showtime_schedule(
                    movie_id=movie.pk, hall_id=hall.pk, starts_at=start + dt.timedelta(hours=3 * len(showtimes))
                )
            )
            free = list(seat_ids)
        k = min(rng.randint(1, 4), len(free))
        chosen, free = free[:k], free[k:]
        held = booking_hold(
            showtime_id=showtimes[-1].pk,
            seat_ids=chosen,
            customer=CustomerDetails(first_name="Olena", last_name=f"Koval{i}", email=f"guest{i}@example.com"),
            gap_rule="allow",  # bookings to email, not a customer's choice of seats
        )
        booking_pay(reference=held.booking.reference, method="demo")
        admissions += k
    return n, admissions


def pdf_ms_per_admission(rounds: int) -> dict[str, float]:
    from marquee.booking.mail.tickets_pdf import TicketPage, tickets_pdf
    from marquee.booking.models import Booking
    from marquee.notifications.models import OutgoingMail
    from marquee.notifications.rendering.email import render_mail
    from marquee.notifications.rendering.qr import qr_cache_clear

    mail = OutgoingMail.objects.filter(kind="tickets").first()
    assert mail is not None
    render_mail(mail)  # warm up: fonts, templates
    booking = Booking.objects.select_related("showtime__movie", "showtime__hall").get(pk=mail.booking_id)
    page = TicketPage(
        cinema="Marquee Cinema",
        movie=booking.showtime.movie.title,
        age_rating="12+",
        when="Saturday, 28 November 2026, 19:30",
        hall="Grand · hall 1",
        row=5,
        seat=7,
        seat_type="Standard",
        price="UAH\xa0150.00",
        tariff="Evening",
        reference=booking.reference,
        holder="Olena Koval",
        code="1Z.jd9Vh2oxq9G2sP5XwO7cCk0ZpN3xQ1mLhR8uTb4yWaE",
        position="Ticket 1 of 1",
    )
    out: dict[str, float] = {}
    for seats in (1, 4):
        # Distinct codes and a cold QR cache: the cost of a real page, QR encoding included.
        qr_cache_clear()
        books = [[replace(page, code=f"{r}-{i}.{page.code}") for i in range(seats)] for r in range(rounds)]
        per_admission = []
        for pages in books:
            # CPU time: on a machine shared with other benchmarks, wall time measures them too.
            started = time.process_time()
            tickets_pdf(pages, title="bench")
            per_admission.append((time.process_time() - started) * 1000 / seats)
        # The median: other processes on a shared machine add bursts the mean would absorb.
        out[f"{seats}"] = statistics.median(per_admission)
    out["bytes_per_page"] = len(tickets_pdf([page] * 4, title="bench")) / 4
    return out


def render_ms(sample: int) -> dict[str, float]:
    from marquee.notifications.models import OutgoingMail
    from marquee.notifications.rendering.email import message_bytes, render_mail

    times, sizes, seats = [], [], []
    for mail in OutgoingMail.objects.filter(kind="tickets").order_by("pk")[:sample]:
        started = time.process_time()
        data = message_bytes(render_mail(mail))
        times.append(time.process_time() - started)
        sizes.append(len(data))
        seats.append(mail.booking.seats.count() if mail.booking else 0)
    return {
        "p50": statistics.median(times) * 1000,
        "mean": statistics.fmean(times) * 1000,
        "kib": statistics.fmean(sizes) / 1024,
        "seats": statistics.fmean(seats),
    }


def reset_outbox() -> None:
    from marquee.core.clock import now
    from marquee.notifications.models import OutgoingMail

    OutgoingMail.objects.update(
        status="queued",
        attempts=0,
        sent_at=None,
        locked_until=None,
        claim_token="",
        last_error="",
        next_attempt_at=now(),
    )


def deliver_in_process(database_url: str) -> dict[str, float]:
    """One worker in this process until the outbox is empty: seconds, emails sent, seconds of
    them spent rendering, and CPU seconds of this process (every thread: the lease's
    heartbeat too) and of its PostgreSQL backends."""
    from django.db import connection

    from marquee.notifications import worker
    from marquee.notifications.models import OutgoingMail

    rendering = 0.0
    render = worker.render_mail

    def timed(mail: OutgoingMail) -> object:
        nonlocal rendering
        started = time.perf_counter()
        try:
            return render(mail)
        finally:
            rendering += time.perf_counter() - started

    connection.ensure_connection()
    # This process's own connection is the one backend (PostgreSQL); SQLite runs in-process.
    backends = [] if database_url.startswith("sqlite") else common.backend_pids(database_url)
    worker.render_mail = timed  # type: ignore[assignment]
    try:
        db_cpu = common.cpu_seconds(backends)
        cpu = time.process_time()
        started = time.perf_counter()
        while worker.mail_deliver_due():
            pass
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        db_cpu = common.cpu_seconds(backends) - db_cpu
    finally:
        worker.render_mail = render
    sent = OutgoingMail.objects.filter(status="sent").count()
    return {"seconds": elapsed, "sent": sent, "rendering": rendering, "cpu": cpu, "db_cpu": db_cpu}


def two_seat_orders_cpu(database_url: str) -> dict[str, float]:
    """CPU per tickets email of a paid order of 2 seats, rendered and handed to the SMTP
    server by one worker (claim, render, SMTP, recorded sent), after a warm-up run."""
    from django.db.models import Count

    from marquee.notifications.models import OutgoingMail

    pairs = list(
        OutgoingMail.objects.filter(kind="tickets")
        .annotate(seats=Count("booking__seats"))
        .filter(seats=2)
        .values_list("pk", flat=True)
    )
    reset_outbox()
    OutgoingMail.objects.exclude(pk__in=pairs).update(status="sent")
    run = deliver_in_process(database_url)
    return {"orders": len(pairs), **{k: v / max(len(pairs), 1) * 1000 for k, v in run.items() if k != "sent"}}


def deliver_with_workers(env: dict[str, str], workers: int, log: Path) -> tuple[float, int]:
    from marquee.notifications.models import OutgoingMail

    started = time.perf_counter()
    with log.open("ab") as out:
        procs = [
            subprocess.Popen(
                [common.PYTHON, "manage.py", "run_worker", "--until-idle"],
                cwd=common.ROOT,
                env=env,
                stdout=out,
                stderr=out,
            )
            for _ in range(workers)
        ]
        for p in procs:
            if p.wait(1800) != 0:
                raise RuntimeError(f"run_worker exited with {p.returncode}; see {log}")
    elapsed = time.perf_counter() - started
    return elapsed, OutgoingMail.objects.filter(status="sent").count()


def run(args: argparse.Namespace, database_url: str, folder: Path) -> str:
    port = common.free_port()
    # No HSTS preload: its check wants a year of HSTS, which a loopback bench turns off.
    env = common.app_env(database_url, folder, EMAIL_URL=f"smtp://127.0.0.1:{port}", SECURE_HSTS_PRELOAD="false")
    common.manage(env, "migrate", "--noinput", "-v", "0")
    common.django_setup(env)
    rng = random.Random(42)
    t0 = time.perf_counter()
    bookings, admissions = make_bookings(args.bookings, rng)
    setup_s = time.perf_counter() - t0
    print(f"{bookings} paid bookings, {admissions} admissions ({setup_s:.1f} s)")

    pdf = pdf_ms_per_admission(5 if args.quick else 100)
    print(f"PDF: {pdf['1']:.2f} ms per admission (1-seat), {pdf['4']:.2f} ms (4-seat)")
    rendered = render_ms(min(bookings, 50))
    print(f"render: p50 {rendered['p50']:.1f} ms per email, {rendered['kib']:.0f} KiB")

    with smtp_sink(port, folder / "smtp.log"):
        one = deliver_in_process(database_url)
        one_s, one_sent, one_render_s = one["seconds"], int(one["sent"]), one["rendering"]
        cpu_each = one["cpu"] * 1000 / one_sent
        print(f"1 worker: {one_sent} emails in {one_s:.1f} s = {one_sent / one_s:.1f}/s, {cpu_each:.1f} ms CPU each")
        pair = two_seat_orders_cpu(database_url)
        print(f"2-seat orders: {pair['cpu']:.2f} ms of worker CPU, {pair['db_cpu']:.2f} ms of PostgreSQL CPU per email")
        reset_outbox()
        from marquee.notifications.models import OutgoingMail

        assert not OutgoingMail.objects.filter(status="sent").exists()
        two_s, two_sent = deliver_with_workers(env, 2, folder / "workers.log")
        if args.quick:
            print((folder / "workers.log").read_text()[-3000:])
        print(f"2 workers: {two_sent} emails in {two_s:.1f} s = {two_sent / two_s:.1f}/s")
    assert one_sent == bookings and two_sent == bookings, "not every email was delivered"
    common.save_result(
        "email",
        {
            "worker_cpu_ms_per_order": pair["cpu"],
            "db_cpu_ms_per_order": pair["db_cpu"],
            "render_ms_per_order": pair["rendering"],
            "orders_measured": pair["orders"],
            "emails_per_s_one_worker": one_sent / one_s,
            "emails_per_s_two_workers": two_sent / two_s,
            "engine": "sqlite" if args.sqlite else "postgresql",
        },
    )

    per_email = 1000 * one_s / one_sent
    share = 100 * one_render_s / one_s
    engine = "SQLite" if args.sqlite else f"PostgreSQL {common.pg_version()}"
    return f"""## Ticket email

Measured by `bench/email_bench.py` on {common.utc_now()} ({engine}, load average before: {args.load}).
{bookings} paid bookings with 1-4 seats each ({admissions} admissions, {admissions / bookings:.1f} per email),
made through the booking services; each tickets email is HTML + text + one inline QR PNG per admission +
`tickets.pdf` + `showtime.ics`, delivered over SMTP to a local aiosmtpd server (its own process).

| measure | result |
|---|---|
| tickets.pdf, 1-admission booking (QR encoding included), median CPU | **{pdf["1"]:.1f} ms per admission** |
| tickets.pdf, 4-admission booking (QR encoding included), median CPU | {pdf["4"]:.1f} ms per admission |
| tickets.pdf size | {pdf["bytes_per_page"] / 1024:.1f} KiB per page |
| email rendered and written (no SMTP), p50 CPU | {rendered["p50"]:.1f} ms ({rendered["seats"]:.1f} admissions) |
| email size on the wire | {rendered["kib"]:.0f} KiB |
| worker CPU per 2-seat order ({pair["orders"]}: claim, render, SMTP, recorded) | **{pair["cpu"]:.1f} ms** |
| of which rendering (wall clock, same run) | {pair["rendering"]:.1f} ms |
| PostgreSQL CPU per paid order of 2 seats (the worker's statements) | {db_cpu_note(pair["db_cpu"], args.sqlite)} |
| worker CPU per email, the 1-4 seat mix | {one["cpu"] * 1000 / one_sent:.1f} ms |
| delivered, 1 worker in process (one SMTP session per batch) | **{one_sent / one_s:.1f} emails/s** |
| delivered, 2 `run_worker --until-idle` processes (process start included) | **{two_sent / two_s:.1f} emails/s** |

With one worker, rendering (templates, QR codes, the PDF, the calendar) took {share:.0f}% of the
delivery run ({per_email:.0f} ms per email in all); the rest is MIME encoding, the SMTP exchange,
and the claim and outcome writes. At these rates a premiere's 1,000 bookings drain in about
{1000 / max(two_sent / two_s, 0.001) / 60:.1f} minutes with two workers on this machine; more `run_worker` processes on
more machines add up (claims never overlap).{busy_note(args.load, one_sent / one_s, two_sent / two_s)}
"""


def db_cpu_note(ms: float, sqlite: bool) -> str:
    return "— (SQLite runs in the worker)" if sqlite else f"{ms:.2f} ms"


def busy_note(load: str, one_rate: float, two_rate: float) -> str:
    cores = os.cpu_count() or 1
    first = float(load.split()[0])
    if first < cores:
        return ""
    note = f"\n\nThe load average was {first:.1f} on {cores} cores when this began (what ran just before it, or"
    note += " beside it), so the figures may be slower than on an idle machine"
    if two_rate < 1.1 * one_rate:
        note += ", and a second worker process found no idle core"
    return note + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10 bookings; writes nothing")
    parser.add_argument("--sqlite", action="store_true", help="SQLite in a temporary folder instead of PostgreSQL")
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--write", action="store_true", help="(default unless --quick) write docs/PERFORMANCE.md")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.bookings = 10
    args.load = common.load_average()
    common.exit_cleanly_on_sigterm()
    with common.data_dir() as folder:
        if args.sqlite:
            text = run(args, f"sqlite:///{folder / 'bench.sqlite3'}", folder)
        else:
            with common.throwaway_database("email") as url:
                text = run(args, url, folder)
    print(text)
    if not args.quick and not args.no_write:
        report.write_section(SECTION, text)
        print(f"written to {report.DOC}")


if __name__ == "__main__":
    main()

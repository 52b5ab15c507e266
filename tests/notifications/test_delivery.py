"""Delivery against a real SMTP server: outages, 4xx, 5xx, crashed workers, many workers."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection

from marquee.booking.models import BookingStatus
from marquee.notifications.delivery import RETRY_FOR, retry_delay
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.worker import mail_claim, mail_deliver_due, mail_lease

ROOT = Path(__file__).resolve().parents[2]


def _mail(booking) -> OutgoingMail:
    return OutgoingMail.objects.get(booking=booking, kind=MailKind.TICKETS)


@pytest.mark.django_db
def test_booking_made_while_the_mail_server_is_down_gets_its_tickets_when_it_is_back(smtp_server, paid_booking):
    smtp_server.stop()
    booking = paid_booking()  # paying never talks SMTP: it only writes the outbox row
    assert booking.status == BookingStatus.PAID
    mail = _mail(booking)
    assert mail.status == MailStatus.QUEUED

    assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.RETRY and mail.attempts == 1
    assert "Connection refused" in mail.last_error or "ConnectionRefused" in mail.last_error
    first_retry = mail.next_attempt_at
    assert first_retry > mail.created_at

    smtp_server.start()
    assert mail_deliver_due() == 0  # not due yet: the backoff holds
    assert smtp_server.messages == []

    with time_machine.travel(first_retry + dt.timedelta(seconds=1), tick=True):
        assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2 and mail.sent_at
    [message] = smtp_server.messages
    assert message["Message-ID"] == mail.message_id
    assert booking.reference in message["Subject"] or booking.reference in message.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_a_4xx_answer_is_retried_with_growing_pauses(smtp_server, paid_booking):
    smtp_server.handler.reply = "451 4.3.0 Mailbox busy, try later"
    mail = _mail(paid_booking())
    pauses = []
    for _ in range(4):
        mail.refresh_from_db()
        with time_machine.travel(mail.next_attempt_at + dt.timedelta(seconds=1), tick=False):
            before = mail.next_attempt_at
            assert mail_deliver_due() == 1
            mail.refresh_from_db()
            assert mail.status == MailStatus.RETRY
            assert mail.last_error.startswith("451")
            pauses.append((mail.next_attempt_at - before).total_seconds())
    assert mail.attempts == 4
    assert pauses[-1] > pauses[0]  # exponential, jitter notwithstanding (2^3 x base, at least half of it)

    smtp_server.handler.reply = None
    with time_machine.travel(mail.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 5
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_temporary_failures_give_up_after_a_day(smtp_server, paid_booking):
    smtp_server.stop()
    mail = _mail(paid_booking())
    attempts = 0
    while True:
        mail.refresh_from_db()
        if mail.status == MailStatus.FAILED:
            break
        with time_machine.travel(mail.next_attempt_at + dt.timedelta(seconds=1), tick=False):
            assert mail_deliver_due() == 1
        attempts += 1
        assert attempts < 40
    assert mail.next_attempt_at <= mail.created_at + RETRY_FOR + dt.timedelta(seconds=1)
    assert mail.last_error


@pytest.mark.django_db
def test_a_5xx_answer_fails_at_once_and_shows_in_the_log(smtp_server, paid_booking, admin_client):
    smtp_server.handler.reply = "550 5.1.1 No such mailbox here"
    mail = _mail(paid_booking())
    assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and mail.attempts == 1
    assert mail.last_error.startswith("550")
    assert mail_deliver_due() == 0  # never tried again

    page = admin_client.get("/admin/notifications/outgoingmail/?status__exact=failed")
    assert page.status_code == 200
    assert "550 5.1.1 No such mailbox" in page.content.decode() and mail.to_email in page.content.decode()


@pytest.mark.django_db
def test_a_refused_recipient_fails_at_once(smtp_server, paid_booking):
    class RefuseRcpt:
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 5.1.1 User unknown"

    smtp_server.stop()
    smtp_server.handler.handle_RCPT = RefuseRcpt().handle_RCPT
    smtp_server.start()
    mail = _mail(paid_booking())
    mail_deliver_due()
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "User unknown" in mail.last_error


@pytest.mark.django_db
def test_a_claim_whose_worker_died_is_taken_over_after_the_lease(smtp_server, paid_booking):
    mail = _mail(paid_booking())
    token, claimed = mail_claim()  # this worker "dies" before sending anything
    assert [m.pk for m in claimed] == [mail.pk]
    assert mail_deliver_due() == 0  # leased: no other worker touches it

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENDING
    with time_machine.travel(mail.locked_until + dt.timedelta(seconds=1), tick=False):
        assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2
    assert [m["Message-ID"] for m in smtp_server.messages] == [mail.message_id]
    # The dead worker's claim can no longer record anything over the new outcome.
    assert not OutgoingMail.objects.filter(pk=mail.pk, claim_token=token).exists()


@pytest.mark.django_db
def test_tickets_of_a_booking_cancelled_before_sending_are_not_sent(smtp_server, paid_booking):
    from marquee.payments.services import booking_cancel

    booking = paid_booking()
    booking_cancel(reference=booking.reference, by_staff=True)
    mail_deliver_due()
    tickets = _mail(booking)
    tickets.refresh_from_db()
    assert tickets.status == MailStatus.FAILED and "cancelled" in tickets.last_error
    assert [m["Subject"].split(":")[0] for m in smtp_server.messages] == ["Booking cancelled"]


# --- real processes and threads ------------------------------------------------------------


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


# `manage.py …` with the process's clock moved to the timestamp that comes first (time-machine
# in the subprocess: the test's own time travel does not reach another process).
MANAGE_AT = (
    "import runpy, sys, time_machine; "
    "time_machine.travel(float(sys.argv.pop(1)), tick=True).start(); "
    "sys.argv[0] = 'manage.py'; "
    "runpy.run_path('manage.py', run_name='__main__')"
)


def _worker_env(smtp_server, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_delivers_after_restart(smtp_server, paid_booking):
    """A real `manage.py run_worker` process is killed (SIGKILL) while the SMTP server holds
    its DATA; the message is delivered once, with the same Message-ID, by a second real
    worker process started once the dead one's lease has lapsed."""
    mail = _mail(paid_booking())
    smtp_server.handler.stall = threading.Event()
    smtp_server.handler.drop_stalled = True
    env = _worker_env(smtp_server)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp_server.handler.data_started.wait(60), "the worker never reached DATA"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    smtp_server.handler.stall.set()  # the dead client's message is refused, as a real server would drop it
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENDING and mail.attempts == 1
    assert smtp_server.messages == []

    smtp_server.handler.stall = None
    assert mail_deliver_due() == 0  # the lease still holds: nobody else sends meanwhile

    after_lease = (mail.locked_until + dt.timedelta(seconds=1)).timestamp()
    restarted = subprocess.run(
        [sys.executable, "-c", MANAGE_AT, str(after_lease), "run_worker", "--until-idle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stdout.decode() + restarted.stderr.decode()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2
    assert [m["Message-ID"] for m in smtp_server.messages] == [mail.message_id]


@pytest.mark.django_db(transaction=True)
def test_a_kill_9d_workers_mail_is_sent_by_another_running_worker_within_a_lease(smtp_server, paid_booking):
    """Issue 10, point 13: four of eight emails of a kill -9'd worker waited out a ten-minute
    lease. With the lease short (here 3 s, MAIL_LEASE_SECONDS; a minute by default) and kept
    alive by a heartbeat, a second worker that is simply running, with the real clock, sends
    every message of the dead one's batch: each once, the one it died on included."""
    from tests import factories as f

    show = f.showtime(hall_obj=f.hall(rows=2, seats=10))
    seat_ids = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for i in range(4):
        paid_booking(show=show, seat_ids=seat_ids[i * 2 : i * 2 + 2], email=f"guest{i}@example.com")
    expected = sorted(OutgoingMail.objects.values_list("message_id", flat=True))
    smtp_server.handler.stall = threading.Event()
    smtp_server.handler.drop_stalled = True
    env = _worker_env(smtp_server, MAIL_LEASE_SECONDS="3")
    first = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    second = None
    try:
        assert smtp_server.handler.data_started.wait(60), "the worker never reached DATA"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        smtp_server.handler.stall.set()  # the dead client's message is refused
        assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENDING}
        smtp_server.handler.stall = None

        second = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--sleep", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90  # a bound for a loaded machine, not the measure
        while len(smtp_server.messages) < len(expected) and time.monotonic() < deadline and second.poll() is None:
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        out, _ = second.communicate(timeout=60)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.kill()
                worker.communicate()
    assert second.returncode == 0, out.decode()
    assert sorted(m["Message-ID"] for m in smtp_server.messages) == expected, out.decode()
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
    # Every message of the batch was claimed twice (by the dead worker, then by the second).
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {2}


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_slow_sends_lease_so_no_other_worker_takes_it(smtp_server, settings, paid_booking):
    settings.MAIL_LEASE_SECONDS = 2
    mail = _mail(paid_booking())
    smtp_server.handler.stall = threading.Event()  # the server takes longer than a lease over DATA
    errors: list[BaseException] = []

    def send() -> None:
        try:
            mail_deliver_due()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    try:
        assert smtp_server.handler.data_started.wait(30)
        claimed_until = OutgoingMail.objects.get(pk=mail.pk).locked_until
        # Wait for a renewal, then for the first lease to have lapsed: still leased.
        deadline = time.monotonic() + 60
        while OutgoingMail.objects.get(pk=mail.pk).locked_until == claimed_until and time.monotonic() < deadline:
            time.sleep(0.1)
        renewed = OutgoingMail.objects.get(pk=mail.pk)
        assert renewed.locked_until > claimed_until and renewed.status == MailStatus.SENDING
        with time_machine.travel(claimed_until + dt.timedelta(milliseconds=100), tick=False):
            assert mail_deliver_due() == 0  # the lease was renewed: nobody takes it over
    finally:
        smtp_server.handler.stall.set()
        sender.join(60)
    assert not errors
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 1
    assert [m["Message-ID"] for m in smtp_server.messages] == [mail.message_id]


@pytest.mark.django_db(transaction=True)
def test_many_workers_never_send_one_message_twice(smtp_server, paid_booking):
    from tests import factories as f

    show = f.showtime(hall_obj=f.hall(rows=4, seats=10))
    seat_ids = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for i in range(12):
        paid_booking(show=show, seat_ids=seat_ids[i * 2 : i * 2 + 2], email=f"guest{i}@example.com")
    expected = set(OutgoingMail.objects.values_list("message_id", flat=True))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while mail_deliver_due(limit=2):
                pass
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    received = [m["Message-ID"] for m in smtp_server.messages]
    assert sorted(received) == sorted(expected)  # each once, none missing
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


def test_backoff_grows_and_is_jittered():
    import random

    rng = random.Random(7)
    delays = [retry_delay(n, rng=rng).total_seconds() for n in range(1, 12)]
    assert 30 <= delays[0] <= 60
    assert all(d <= 2 * 3600 for d in delays)
    assert delays[5] > delays[0]
    assert len({round(retry_delay(3).total_seconds(), 3) for _ in range(20)}) > 1


def test_a_lease_lasts_a_minute_so_a_dead_workers_mail_waits_about_that_long():
    assert mail_lease() == dt.timedelta(seconds=60)


@pytest.mark.django_db
def test_a_worker_near_the_end_of_its_lease_or_stopping_gives_messages_back(smtp_server, paid_booking):
    from marquee.notifications.worker import mail_send_claimed

    mail = _mail(paid_booking())
    token, claimed = mail_claim()
    # Less than half the lease left (the heartbeat could not renew it): given back, not sent.
    with time_machine.travel(claimed[0].locked_until - mail_lease() / 3, tick=False):
        mail_send_claimed(token, claimed)
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED and mail.attempts == 0 and smtp_server.messages == []

    token, claimed = mail_claim()
    mail_send_claimed(token, claimed, should_stop=lambda: True)
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED and mail.attempts == 0
    assert mail_deliver_due() == 1 and len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_message_that_keeps_killing_its_worker_fails_after_a_day(smtp_server, paid_booking):
    mail = _mail(paid_booking())
    for _ in range(5):
        mail.refresh_from_db()
        with time_machine.travel((mail.locked_until or mail.next_attempt_at) + dt.timedelta(seconds=1), tick=False):
            _token, claimed = mail_claim()  # ...and the worker dies
            assert len(claimed) == 1
    mail.refresh_from_db()
    with time_machine.travel(mail.created_at + RETRY_FOR + dt.timedelta(minutes=11), tick=False):
        assert mail_deliver_due() == 0
    mail.refresh_from_db()
    assert mail.status == MailStatus.FAILED and "Gave up" in mail.last_error
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_email_url_with_user_and_password(settings, tmp_path, paid_booking):
    from marquee.env import mailer_config
    from tests.notifications.conftest import SMTPServer

    server = SMTPServer(login=("tickets", "s3cret:/@"))
    server.start()
    try:
        url = f"smtp://tickets:s3cret%3A%2F%40@127.0.0.1:{server.port}"  # the password has : / @ in it
        settings.MAILERS = {"default": mailer_config(url, tmp_path)}
        delivered = _mail(paid_booking())
        assert mail_deliver_due() == 1
        delivered.refresh_from_db()
        assert delivered.status == MailStatus.SENT and server.logins == ["tickets"]
        assert len(server.messages) == 1

        # A wrong password is the operator's to fix, not the message's fault: it waits.
        settings.MAILERS = {"default": mailer_config(f"smtp://tickets:wrong@127.0.0.1:{server.port}", tmp_path)}
        from tests import factories as f

        waiting = _mail(paid_booking(show=f.showtime(), email="other@example.com"))
        assert mail_deliver_due() == 1
        waiting.refresh_from_db()
        assert waiting.status == MailStatus.RETRY and waiting.last_error.startswith("535")
    finally:
        server.stop()


@pytest.mark.django_db
def test_a_server_that_stops_answering_times_out_and_is_retried(smtp_server, settings, paid_booking):
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 1
    smtp_server.handler.stall = threading.Event()  # DATA is never answered
    try:
        mail = _mail(paid_booking())
        assert mail_deliver_due() == 1
    finally:
        smtp_server.handler.stall.set()
    mail.refresh_from_db()
    assert mail.status == MailStatus.RETRY and "timed out" in mail.last_error.lower()


# --- the database goes away right after the server accepted a message (issue 10, point 12) --


class _AfterAccepting:
    """An SMTP handler that records the message, then does `trouble` before answering 250:
    the moment when the message is out but the worker has not yet recorded it."""

    def __init__(self, recorder, trouble) -> None:
        self.recorder = recorder
        self.trouble = trouble

    async def handle_DATA(self, server, session, envelope):
        answer = await self.recorder.handle_DATA(server, session, envelope)
        if self.trouble is not None:
            trouble, self.trouble = self.trouble, None  # once
            trouble()
        return answer


def _serve_with(smtp_server, trouble) -> None:
    smtp_server.stop()
    smtp_server.handler = _AfterAccepting(smtp_server.handler, trouble)
    smtp_server.start()


def _one_copy_after_the_lease(smtp_server, mail) -> None:
    """What a database outage must not cause: the row left unsent and a second copy later."""
    mail.refresh_from_db()
    with time_machine.travel((mail.locked_until or mail.next_attempt_at) + dt.timedelta(seconds=1), tick=False):
        mail_deliver_due()
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 1 and mail.sent_at
    assert [m["Message-ID"] for m in smtp_server.handler.recorder.messages] == [mail.message_id]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_a_locked_sqlite_database_after_smtp_accepted_leaves_one_copy(smtp_server, paid_booking, monkeypatch):
    import sqlite3

    mail = _mail(paid_booking())
    # The worker waits 1 s for a lock (20 s in production), and another writer holds it for 3 s.
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 1)
    connection.close()
    released = threading.Event()

    def hold_the_write_lock() -> None:
        locked = threading.Event()

        def hold() -> None:
            other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            time.sleep(3)
            other.execute("ROLLBACK")
            other.close()
            released.set()

        threading.Thread(target=hold, daemon=True).start()
        locked.wait(10)

    _serve_with(smtp_server, hold_the_write_lock)
    try:
        assert mail_deliver_due() == 1
    finally:
        released.wait(30)
        connection.close()  # the next test connects with the usual timeout
    _one_copy_after_the_lease(smtp_server, mail)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backends")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_restart_after_smtp_accepted_leaves_one_copy(smtp_server, paid_booking):
    """The worker's connection is terminated (as a restart does) the moment the server has the
    message, and for two seconds nobody can connect; the worker reconnects and records it."""
    import psycopg

    mail = _mail(paid_booking())
    connection.ensure_connection()
    worker_pid = connection.connection.info.backend_pid
    name = connection.settings_dict["NAME"]
    # From the server's maintenance database: a database cannot close its doors to itself.
    admin = psycopg.connect(_database_url().rsplit("/", 1)[0] + "/postgres", autocommit=True)
    reopened = threading.Event()

    def reopen() -> None:
        time.sleep(2)
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        reopened.set()

    def restart() -> None:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(%s)", [worker_pid])
        threading.Thread(target=reopen, daemon=True).start()

    _serve_with(smtp_server, restart)
    try:
        assert mail_deliver_due() == 1
    finally:
        if not reopened.wait(30):
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
    assert connection.connection.info.backend_pid != worker_pid  # it did reconnect
    _one_copy_after_the_lease(smtp_server, mail)

"""The worker process: the command, hold expiry, django.tasks, shutdown; the delivery log pages."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from marquee.booking.models import Booking, BookingStatus
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.worker import mail_deliver_due, tasks_run_due
from tests import factories as f
from tests.notifications.test_delivery import _database_url

ROOT = Path(__file__).resolve().parents[2]
RAN: list[str] = []


@task
def remember(word: str) -> str:
    RAN.append(word)
    return word.upper()


@pytest.mark.django_db(transaction=True)
def test_run_worker_until_idle_sends_sweeps_and_runs_tasks(smtp_server, paid_booking):
    paid = paid_booking()
    show = f.showtime()
    lapsing = f.hold(show, email="late@example.com").booking
    result = remember.enqueue("popcorn")
    RAN.clear()

    with time_machine.travel(lapsing.expires_at + dt.timedelta(seconds=5), tick=True):
        call_command("run_worker", "--until-idle")

    assert OutgoingMail.objects.get(booking=paid).status == MailStatus.SENT
    assert len(smtp_server.messages) == 1
    assert Booking.objects.get(pk=lapsing.pk).status == BookingStatus.CANCELLED
    assert RAN == ["popcorn"]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@task
def spill(word: str) -> str:
    raise ValueError(f"spilled the {word}")


@pytest.mark.django_db
def test_a_failing_task_is_recorded_failed_and_the_others_still_run(smtp_server):
    """The worker runs django.tasks itself (not through django-tasks-db's command): a task
    that raises is a result, FAILED with its error, and the worker goes on to the next."""
    RAN.clear()
    failing = spill.enqueue("popcorn")
    fine = remember.enqueue("nachos")
    assert tasks_run_due(worker_id="test") == 2
    failed = DBTaskResult.objects.get(pk=failing.id)
    assert failed.status == "FAILED" and "spilled the popcorn" in failed.traceback
    assert DBTaskResult.objects.get(pk=fine.id).status == "SUCCESSFUL" and RAN == ["nachos"]
    assert tasks_run_due(worker_id="test") == 0  # a failed task is not run again


@pytest.mark.django_db
def test_tasks_run_once(smtp_server):
    RAN.clear()
    remember.enqueue("a")
    remember.enqueue("b")
    assert tasks_run_due(worker_id="test") == 2
    assert tasks_run_due(worker_id="test") == 0
    assert sorted(RAN) == ["a", "b"]


@pytest.mark.django_db(transaction=True)
def test_until_idle_exits_when_what_waits_is_not_due(smtp_server, paid_booking):
    smtp_server.stop()
    mail = OutgoingMail.objects.get(booking=paid_booking())
    started = time.monotonic()
    call_command("run_worker", "--until-idle")
    assert time.monotonic() - started < 30
    mail.refresh_from_db()
    assert mail.status == MailStatus.RETRY and mail.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_sigterm_stops_the_worker_gracefully(smtp_server):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": _database_url()}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = worker.stdout.readline().decode()
            lines.append(line)
            if "started" in line:
                break
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, "".join(lines) + out.decode()
    assert "stopped" in out.decode()


# --- the delivery log ----------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_mail_page_lists_filters_and_resends(admin_client, smtp_server, paid_booking):
    smtp_server.handler.reply = "550 5.7.1 Rejected"
    booking = paid_booking()
    mail_deliver_due()
    failed = OutgoingMail.objects.get(booking=booking)

    page = admin_client.get("/staff/mail/", {"status": "failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert failed.to_email in html and "550 5.7.1 Rejected" in html and booking.reference in html
    assert admin_client.get("/staff/mail/", {"status": "sent"}).content.decode().count("550 5.7.1") == 0
    assert admin_client.get("/staff/mail/", {"q": booking.reference}).status_code == 200
    assert admin_client.get("/staff/mail/", {"status": "bogus"}).status_code == 200

    back = admin_client.post("/staff/mail/", {"mail_id": failed.pk, "query": "status=failed"})
    assert back.status_code == 302 and back["Location"].endswith("/staff/mail/?status=failed")
    copy = OutgoingMail.objects.exclude(pk=failed.pk).get(booking=booking)
    assert copy.status == MailStatus.QUEUED and copy.message_id != failed.message_id
    assert copy.kind == MailKind.RESEND

    # A waiting message offers no "resend", and one forced through is refused, not doubled.
    assert f'name="mail_id" value="{copy.pk}"' not in admin_client.get("/staff/mail/").content.decode()
    refused = admin_client.post("/staff/mail/", {"mail_id": copy.pk}, follow=True)
    assert "still queued" in refused.content.decode()
    assert OutgoingMail.objects.filter(booking=booking).count() == 2

    smtp_server.handler.reply = None
    assert mail_deliver_due() == 1
    [message] = smtp_server.messages
    assert "sent again" in message["Subject"]
    assert f'name="mail_id" value="{copy.pk}"' in admin_client.get("/staff/mail/").content.decode()
    assert admin_client.post("/staff/mail/", {"mail_id": "x"}).status_code == 302


@pytest.mark.django_db
def test_admin_resend_action_queues_copies(admin_client, smtp_server, paid_booking):
    booking = paid_booking()
    mail = OutgoingMail.objects.get(booking=booking)
    mail_deliver_due()
    waiting = OutgoingMail.objects.get(booking=paid_booking(show=f.showtime(), email="other@example.com"))
    answer = admin_client.post(
        "/admin/notifications/outgoingmail/",
        {"action": "resend", "_selected_action": [mail.pk, waiting.pk]},
        follow=True,
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Queued 1 new copy." in html and "still queued" in html
    assert OutgoingMail.objects.filter(booking=booking, kind=MailKind.RESEND).count() == 1
    assert OutgoingMail.objects.filter(booking=waiting.booking).count() == 1  # the waiting one, not doubled
    assert admin_client.get(f"/admin/notifications/outgoingmail/{mail.pk}/change/").status_code == 200


def test_staff_mail_page_is_for_staff(client, db):
    assert client.get("/staff/mail/").status_code == 302


@pytest.mark.django_db
def test_mail_page_queries_do_not_grow_with_rows(admin_client, paid_booking, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paid_booking()
    with CaptureQueriesContext(connection) as few:
        admin_client.get("/staff/mail/")
    show = f.showtime(hall_obj=f.hall(rows=2, seats=10))
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    for i in range(5):
        paid_booking(show=show, seat_ids=seats[i * 2 : i * 2 + 2], email=f"g{i}@example.com")
    with django_assert_num_queries(len(few.captured_queries)):
        admin_client.get("/staff/mail/")


@pytest.mark.django_db
def test_the_worker_tallies_showtimes_that_have_begun_for_the_reports(smtp_server):
    from marquee.notifications.worker import WorkerLoop
    from marquee.reports.models import ShowtimeTally

    show = f.showtime()
    f.hold(show)
    # Final once the box office's late-comers' window (30 minutes) and a margin have passed.
    with time_machine.travel(show.starts_at + dt.timedelta(hours=1, minutes=1), tick=False):
        WorkerLoop().step()
    assert ShowtimeTally.objects.filter(showtime=show).exists()

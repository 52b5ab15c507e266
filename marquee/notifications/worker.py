"""The background worker: sends the outbox, runs the apps' periodic jobs, runs django.tasks.

The periodic jobs (hold expiry, the vouchers' give-back, asking providers about stale payments,
retrying refunds, the reports' tally) belong to the apps above this one: each app registers
its own in its AppConfig.ready() with marquee.core.periodic, and the loop runs them when due.
The loop stays here, not in core: its real work is the outbox (claims, leases, one SMTP session
per batch), and in core it would need a second registry for that and take django-tasks-db down
with it. django.tasks run in this process between mail batches, through django-tasks-db's
public model rather than its `db_worker` command, which installs its own signal handlers (and
exits the process on SIGTERM when idle), so `run_worker` stays one process that stops cleanly.

Every step is safe with any number of workers on any number of machines:

- a mail row is claimed in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED, so
  workers take different rows; SQLite: the IMMEDIATE transaction serialises claims), with
  a lease (`locked_until`) and a claim token; rendering and SMTP happen after the commit,
  outside any transaction, and the outcome is recorded only for the worker's own claim;
- while it sends, a worker renews its lease every third of it (a heartbeat thread), so the
  lease is short (MAIL_LEASE_SECONDS, a minute): a worker that dies mid-send leaves its rows
  `sending`, and within a lease any worker claims them again and sends the same message
  (same Message-ID);
- once the server has accepted a message, recording it as sent is retried (reconnecting)
  until the database answers, before anything else: a database restart at that moment
  must not make the message look unsent, which would send it twice;
- django.tasks rows are claimed through django-tasks-db's model (`DBTaskResult`: a row lock,
  SKIP LOCKED on PostgreSQL; on SQLite the IMMEDIATE transaction serialises claims) and run
  through Django's public task API, as django-tasks-db's own `db_worker` does;
- each periodic job takes its own locks, so two workers running one at once are safe.
"""

import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connections, transaction
from django.db.models import F, Q, QuerySet
from django.tasks import TaskContext
from django.tasks.signals import task_finished, task_started
from django_tasks_db.models import DBTaskResult

from marquee.core.clock import now as clock_now
from marquee.core.periodic import Schedule
from marquee.notifications.delivery import RETRY_FOR, Failure, classify, next_attempt
from marquee.notifications.models import MailStatus, OutgoingMail
from marquee.notifications.rendering.email import NotSendable, render_mail

log = logging.getLogger("marquee.worker")

MAIL_BATCH = 10
# Recording "sent" is retried this long (with backoff up to RECORD_RETRY_MAX_PAUSE seconds
# between tries) before the worker gives up and the message may be sent again.
RECORD_RETRY_FOR = dt.timedelta(minutes=30)
RECORD_RETRY_MAX_PAUSE = 5.0
# A message whose sending killed its worker this many times, over more than RETRY_FOR, fails.
MAX_ABANDONED_ATTEMPTS = 5
TASKS_PER_STEP = 20


def mail_lease() -> dt.timedelta:
    """How long a claim lasts without renewal (MAIL_LEASE_SECONDS). The heartbeat renews it
    every third of it; a worker stops starting messages when less than half of it is left
    (its heartbeat cannot reach the database) and gives the rest back."""
    return dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)


class LeaseKeeper:
    """Renews a claim's lease from a thread of its own (with its own database connection)
    while the claim's messages are sent: one slow message cannot outlast the lease, and a
    worker that dies stops renewing, so that another takes its mail over within a lease."""

    def __init__(self, token: str, until: dt.datetime, lease: dt.timedelta) -> None:
        self.token = token
        self.until = until  # the lease as last renewed
        self.lease = lease
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-lease", daemon=True)

    def __enter__(self) -> "LeaseKeeper":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join()

    def renew(self) -> None:
        until = clock_now() + self.lease
        OutgoingMail.objects.filter(claim_token=self.token, status=MailStatus.SENDING).update(locked_until=until)
        self.until = until

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self.lease.total_seconds() / 3):
                try:
                    self.renew()
                except DatabaseError:
                    log.warning("could not renew the lease of claim %s; trying again", self.token, exc_info=True)
                    close_old_connections()
        finally:
            connections.close_all()  # this thread's own connections


def _due(at: dt.datetime) -> Q:
    waiting = Q(status__in=[MailStatus.QUEUED, MailStatus.RETRY], next_attempt_at__lte=at)
    abandoned = Q(status=MailStatus.SENDING, locked_until__lt=at)  # a crashed worker's claim
    return waiting | abandoned


def mail_claim(*, limit: int = MAIL_BATCH) -> tuple[str, list[OutgoingMail]]:
    """Claim up to `limit` due rows for this worker; (claim token, rows)."""
    token = secrets.token_hex(16)
    at = clock_now()
    # An idle worker polls every second: a plain read first, so that it takes no write
    # lock (on SQLite, the whole database's) when there is nothing to claim.
    if not OutgoingMail.objects.filter(_due(at)).exists():
        return token, []
    with transaction.atomic():
        # A message that takes its worker down with it (every time) must not be retried for ever.
        OutgoingMail.objects.filter(
            status=MailStatus.SENDING,
            locked_until__lt=at,
            attempts__gte=MAX_ABANDONED_ATTEMPTS,
            created_at__lt=at - RETRY_FOR,
        ).update(
            status=MailStatus.FAILED,
            locked_until=None,
            last_error="Gave up: the worker stopped while sending this message, again and again.",
            updated_at=at,
        )
        ids = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(_due(at))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return token, []
        # The condition is repeated: without row locks (SQLite) it is what makes the claim exclusive.
        OutgoingMail.objects.filter(pk__in=ids).filter(_due(at)).update(
            status=MailStatus.SENDING,
            locked_until=at + mail_lease(),
            claim_token=token,
            attempts=F("attempts") + 1,
            updated_at=at,
        )
    rows = list(
        OutgoingMail.objects.filter(claim_token=token, status=MailStatus.SENDING)
        .select_related("customer")
        .order_by("next_attempt_at", "pk")
    )
    return token, rows


def _mine(mail: OutgoingMail, token: str) -> QuerySet[OutgoingMail]:
    """The row, if this claim still holds it."""
    return OutgoingMail.objects.filter(pk=mail.pk, claim_token=token, status=MailStatus.SENDING)


def _record_sent(mail: OutgoingMail, token: str, *, subject: str = "") -> bool:
    """Record the server's acceptance, retrying until the database answers (RECORD_RETRY_FOR).

    The message is out: a row left `sending` would be sent again once the lease lapses. So a
    lost connection (a restarted PostgreSQL) or a busy database (SQLite locked by another
    writer) is waited out here, reconnecting between tries, before anything else is done.
    Returns whether it had to wait (the SMTP session may have timed out meanwhile).
    """
    give_up_at = time.monotonic() + RECORD_RETRY_FOR.total_seconds()
    pause = 0.2
    waited = False
    while True:
        at = clock_now()
        try:
            done = _mine(mail, token).update(
                status=MailStatus.SENT,
                sent_at=at,
                locked_until=None,
                last_error="",
                subject=subject[:300],
                updated_at=at,
            )
            break
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() + pause > give_up_at:
                log.error("mail %s was sent, but recording it failed for good; it may be sent again", mail.pk)
                raise
            log.warning("mail %s was sent; recording it failed (%s), trying again in %.1f s", mail.pk, exc, pause)
            close_old_connections()  # a broken connection is dropped; the next query reconnects
            time.sleep(pause)
            pause = min(pause * 2, RECORD_RETRY_MAX_PAUSE)
            waited = True
    if done:
        log.info("mail %s sent: %s to %s (attempt %s)", mail.pk, mail.kind, mail.to_email, mail.attempts)
    else:
        log.warning("mail %s was sent, but another worker had taken it over (lease lapsed)", mail.pk)
    return waited


def _record_failure(mail: OutgoingMail, token: str, failure: Failure) -> None:
    at = clock_now()
    retry_at = None if failure.permanent else next_attempt(attempts=mail.attempts, queued_at=mail.created_at, at=at)
    if retry_at is None:
        _mine(mail, token).update(
            status=MailStatus.FAILED, locked_until=None, last_error=failure.error[:2000], updated_at=at
        )
        log.error("mail %s failed for good after %s attempts: %s", mail.pk, mail.attempts, failure.error)
    else:
        _mine(mail, token).update(
            status=MailStatus.RETRY,
            next_attempt_at=retry_at,
            locked_until=None,
            last_error=failure.error[:2000],
            updated_at=at,
        )
        log.warning("mail %s attempt %s failed (%s); next try at %s", mail.pk, mail.attempts, failure.error, retry_at)


def _release(mails: list[OutgoingMail], token: str) -> None:
    """Give back claimed rows untouched (shutdown): no attempt is counted against them."""
    at = clock_now()
    for mail in mails:
        _mine(mail, token).update(
            status=MailStatus.RETRY if mail.attempts > 1 else MailStatus.QUEUED,
            attempts=F("attempts") - 1,
            locked_until=None,
            updated_at=at,  # next_attempt_at stays: the row was due, and still is
        )


def _open(mailer: object) -> None:
    # One SMTP session for the batch; other backends (files) keep one file per message.
    if isinstance(mailer, SMTPBackend):
        mailer.open()


def _close(mailer: object) -> None:
    if isinstance(mailer, SMTPBackend):
        try:
            mailer.close()
        except Exception:  # a dead session may fail to say goodbye; nothing is lost
            log.debug("closing the SMTP session failed", exc_info=True)


def mail_send_claimed(token: str, mails: list[OutgoingMail], *, should_stop: Callable[[], bool] = bool) -> int:
    """Render and send claimed rows, outside any transaction; returns how many were handled."""
    if not mails:
        return 0
    lease = mail_lease()
    until = min(mail.locked_until or clock_now() for mail in mails)
    with LeaseKeeper(token, until, lease) as keeper:
        return _send(token, mails, keeper, should_stop)


def _send(token: str, mails: list[OutgoingMail], keeper: LeaseKeeper, should_stop: Callable[[], bool]) -> int:
    mailer = mailers.default
    handled = 0
    try:
        for index, mail in enumerate(mails):
            # Less than half the lease left: the heartbeat cannot reach the database, and
            # another worker may take these over soon; better given back than sent twice.
            lease_ending = clock_now() > keeper.until - keeper.lease / 2
            if should_stop() or lease_ending:
                _release(mails[index:], token)
                break
            try:
                message = render_mail(mail)
            except NotSendable as reason:
                _record_failure(mail, token, Failure(permanent=True, connection_broken=False, error=str(reason)))
                handled += 1
                continue
            except Exception as exc:
                # A rendering bug: keep the row and retry, so a fix deployed within the day delivers it.
                log.exception("mail %s could not be rendered", mail.pk)
                _record_failure(mail, token, classify(exc))
                handled += 1
                continue
            try:
                _open(mailer)
                mailer.send_messages([message])
            except Exception as exc:
                failure = classify(exc)
                _record_failure(mail, token, failure)
                handled += 1
                if failure.connection_broken:
                    _close(mailer)
                    # The server is unreachable: the others wait their turn rather than
                    # each spending a timeout now.
                    for rest in mails[index + 1 :]:
                        _record_failure(rest, token, failure)
                        handled += 1
                    break
                continue
            if _record_sent(mail, token, subject=str(message.subject)):
                _close(mailer)  # the session may have timed out while the database was away
            handled += 1
    finally:
        _close(mailer)
    return handled


def mail_deliver_due(*, limit: int = MAIL_BATCH, should_stop: Callable[[], bool] = bool) -> int:
    """One worker step for mail: claim a batch and send it. Returns rows handled (0: idle)."""
    token, mails = mail_claim(limit=limit)
    if not mails:
        return 0
    return mail_send_claimed(token, mails, should_stop=should_stop)


# --- django.tasks ------------------------------------------------------------------------


def _database_locked(exc: OperationalError) -> bool:
    # SQLite says "database is locked", MySQL answers 1205: another writer holds the lock.
    return "locked" in str(exc).lower() or (bool(exc.args) and exc.args[0] == 1205)


def _claim_task(worker_id: str) -> DBTaskResult | None:
    """Claim one ready task for this worker, or None when none is ready (or the database is busy)."""
    tasks = DBTaskResult.objects.ready().filter(backend_name="default")
    if not tasks.exists():  # a read, before taking the (on SQLite, whole database's) write lock
        return None
    try:
        # PostgreSQL: FOR UPDATE SKIP LOCKED, so workers take different rows; SQLite: the
        # IMMEDIATE transaction (marquee.env) holds the write lock from its start.
        with transaction.atomic(using=tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(worker_id)
            return task_result
    except OperationalError as exc:
        if _database_locked(exc):
            return None  # another worker is claiming: the task is theirs or ours next time
        raise


def _run_task(db_task_result: DBTaskResult) -> None:
    """Run a claimed task and record its outcome, with the signals Django's task API sends."""
    try:
        task = db_task_result.task
        result = db_task_result.task_result
        backend = type(task.get_backend())
        task_started.send(sender=backend, task_result=result)
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = task.call(*result.args, **result.kwargs)
        # Recorded inside the try: a value that cannot be stored (not JSON) fails the task.
        db_task_result.set_successful(value)
        task_finished.send(sender=backend, task_result=db_task_result.task_result)
    except BaseException as exc:  # a task's failure is its result, whatever it raised
        db_task_result.set_failed(exc)
        try:
            backend = type(db_task_result.task.get_backend())
            finished = db_task_result.task_result
        except (ImportError, SuspiciousOperation):  # the task's code is gone (renamed, removed)
            log.exception("task %s failed unexpectedly", db_task_result.id)
        else:
            task_finished.send(sender=backend, task_result=finished)


def tasks_run_due(*, worker_id: str, limit: int = TASKS_PER_STEP) -> int:
    """Run up to `limit` ready django.tasks from django-tasks-db; returns how many ran."""
    ran = 0
    while ran < limit:
        task_result = _claim_task(worker_id)
        if task_result is None:
            return ran
        log.info("running task %s (%s)", task_result.id, task_result.task_path)
        _run_task(task_result)
        ran += 1
    return ran


# --- the loop ----------------------------------------------------------------------------


@dataclass
class WorkerLoop:
    worker_id: str = field(default_factory=lambda: f"marquee-{secrets.token_hex(6)}")
    idle_sleep: float = 1.0
    stopping: threading.Event = field(default_factory=threading.Event)
    # The apps' periodic jobs (marquee.core.periodic), each run when its interval has passed.
    schedule: Schedule = field(default_factory=Schedule)

    def stop(self) -> None:
        self.stopping.set()

    def step(self) -> int:
        """One pass over everything due; returns how much work it found (0: idle)."""
        # Background upkeep, not work that keeps the worker from idling: not counted.
        self.schedule.run_due()
        work = mail_deliver_due(should_stop=self.stopping.is_set)
        if not self.stopping.is_set():
            work += tasks_run_due(worker_id=self.worker_id)
        return work

    def run(self, *, until_idle: bool = False) -> None:
        log.info("worker %s started%s", self.worker_id, " (until idle)" if until_idle else "")
        while not self.stopping.is_set():
            close_old_connections()
            try:
                work = self.step()
            except OperationalError:
                # The database went away or stayed locked: try again shortly, never die.
                log.exception("worker step failed; retrying")
                work = 0
                if until_idle:
                    raise
            if work:
                continue
            if until_idle:
                break
            self.stopping.wait(self.idle_sleep)
        close_old_connections()
        log.info("worker %s stopped", self.worker_id)

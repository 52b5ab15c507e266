"""The background worker: sends the outbox, sweeps lapsed holds, runs django.tasks.

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
- django.tasks rows are claimed the way django-tasks-db's own worker does.
"""

import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connections, transaction
from django.db.models import F, Q, QuerySet
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from marquee.booking.services import bookings_expire
from marquee.core.clock import now as clock_now
from marquee.notifications.delivery import RETRY_FOR, Failure, classify, next_attempt
from marquee.notifications.models import MailStatus, OutgoingMail
from marquee.notifications.rendering.email import NotSendable, render_mail
from marquee.payments.refunds import refunds_retry_due
from marquee.payments.services import payments_reconcile
from marquee.payments.voucher_money import voucher_money_give_back
from marquee.reports.services import showtimes_tally

log = logging.getLogger("marquee.worker")

MAIL_BATCH = 10
# Recording "sent" is retried this long (with backoff up to RECORD_RETRY_MAX_PAUSE seconds
# between tries) before the worker gives up and the message may be sent again.
RECORD_RETRY_FOR = dt.timedelta(minutes=30)
RECORD_RETRY_MAX_PAUSE = 5.0
# A message whose sending killed its worker this many times, over more than RETRY_FOR, fails.
MAX_ABANDONED_ATTEMPTS = 5
SWEEP_EVERY = 30.0  # seconds between hold-expiry sweeps
TALLY_EVERY = 15 * 60.0  # seconds between report tallies of showtimes that have begun
MONEY_EVERY = 60.0  # seconds between asking providers about stale payments and retrying refunds
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


def tasks_run_due(*, worker_id: str, limit: int = TASKS_PER_STEP) -> int:
    """Run up to `limit` ready django.tasks from django-tasks-db; returns how many ran."""
    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        if not tasks.exists():  # a read, before taking the (exclusive, on SQLite) write lock
            return ran
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return ran
            raise
        if task_result is None:
            return ran
        log.info("running task %s (%s)", task_result.id, task_result.task_path)
        runner.run_task(task_result)
        ran += 1
    return ran


# --- the loop ----------------------------------------------------------------------------


@dataclass
class WorkerLoop:
    worker_id: str = field(default_factory=lambda: f"marquee-{secrets.token_hex(6)}")
    idle_sleep: float = 1.0
    sweep_every: float = SWEEP_EVERY
    tally_every: float = TALLY_EVERY
    money_every: float = MONEY_EVERY
    stopping: threading.Event = field(default_factory=threading.Event)
    _last_sweep: float = field(default=float("-inf"))
    _last_tally: float = field(default=float("-inf"))
    _last_money: float = field(default=float("-inf"))

    def stop(self) -> None:
        self.stopping.set()

    def sweep_if_due(self, *, force: bool = False) -> int:
        if not force and time.monotonic() - self._last_sweep < self.sweep_every:
            return 0
        self._last_sweep = time.monotonic()
        expired = bookings_expire()
        if expired:
            log.info("expired %s lapsed holds", expired)
        # Gift vouchers get back what the lapsed (or cancelled, unpaid) holds had taken.
        voucher_money_give_back()
        return expired

    def tally_if_due(self) -> int:
        """Freeze the report figures of showtimes that have begun (they cannot change), so
        that reports over long periods read stored figures instead of counting seats."""
        if time.monotonic() - self._last_tally < self.tally_every:
            return 0
        self._last_tally = time.monotonic()
        tallied = showtimes_tally()
        if tallied:
            log.info("tallied %s showtimes for the reports", tallied)
        return 0  # background upkeep, not work that keeps the worker from idling

    def money_if_due(self) -> int:
        """Ask providers about payments left pending past PAYMENT_RECONCILE_MINUTES and try
        again the refunds that are due. Provider calls happen outside any transaction."""
        if time.monotonic() - self._last_money < self.money_every:
            return 0
        self._last_money = time.monotonic()
        asked = payments_reconcile()
        retried = refunds_retry_due()
        if asked or retried:
            log.info("asked about %s stale payments, retried %s refunds", asked, retried)
        return 0  # background upkeep, like the tally

    def step(self) -> int:
        """One pass over everything due; returns how much work it found (0: idle)."""
        self.sweep_if_due()
        self.tally_if_due()
        self.money_if_due()
        work = mail_deliver_due(should_stop=self.stopping.is_set)
        if not self.stopping.is_set():
            work += tasks_run_due(worker_id=self.worker_id)
        return work

    def run(self, *, until_idle: bool = False) -> None:
        log.info("worker %s started%s", self.worker_id, " (until idle)" if until_idle else "")
        self.sweep_if_due(force=True)
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

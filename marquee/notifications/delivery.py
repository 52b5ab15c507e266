"""Talking to the mail server and judging its answers: what is worth retrying, and when.

Temporary trouble (no connection, a timeout, a 4xx answer, a broken session) is retried
with exponential backoff and jitter for up to MAIL_RETRY_FOR; a 5xx answer about the
message or its recipient is permanent. A 5xx while connecting or logging in says nothing
about the message (the server or our credentials are wrong), so it is retried too: an
operator who fixes EMAIL_URL within the day loses no mail.
"""

import datetime as dt
import random
import smtplib
from dataclasses import dataclass

BASE_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=2)
RETRY_FOR = dt.timedelta(days=1)


@dataclass(frozen=True)
class Failure:
    permanent: bool
    # True when the session with the server is unusable: the rest of a batch waits.
    connection_broken: bool
    error: str


def _code_text(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def classify(exc: BaseException) -> Failure:
    """What an exception raised while sending one message means for that message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        code, message = answers[0] if answers else (450, b"recipient refused")
        return Failure(permanent=code >= 500, connection_broken=False, error=_code_text(code, message))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Failure(permanent=False, connection_broken=True, error=f"server disconnected: {exc}")
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPHeloError | smtplib.SMTPAuthenticationError):
        return Failure(permanent=False, connection_broken=True, error=_code_text(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPResponseException):
        # MAIL FROM, RCPT TO or DATA answered: the server judged this message.
        code = exc.smtp_code
        return Failure(permanent=code >= 500, connection_broken=code == 421, error=_code_text(code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPException):
        return Failure(permanent=False, connection_broken=True, error=f"{type(exc).__name__}: {exc}")
    if isinstance(exc, OSError):  # refused, unreachable, timed out, TLS trouble
        return Failure(permanent=False, connection_broken=True, error=f"{type(exc).__name__}: {exc}")
    return Failure(permanent=False, connection_broken=False, error=f"{type(exc).__name__}: {exc}")


def retry_delay(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """Exponential backoff with "equal jitter": half fixed, half random, so that a server
    that comes back is not hit by every waiting message in the same second."""
    exponent = max(attempts - 1, 0)
    ceiling = min(BASE_DELAY * (2 ** min(exponent, 20)), MAX_DELAY)
    fraction = (rng or random).uniform(0.5, 1.0)  # spreading load, not security
    return ceiling * fraction


def next_attempt(*, attempts: int, queued_at: dt.datetime, at: dt.datetime) -> dt.datetime | None:
    """When to try again, or None when the message has waited long enough and fails."""
    if at >= queued_at + RETRY_FOR:
        return None
    return min(at + retry_delay(attempts), queued_at + RETRY_FOR)

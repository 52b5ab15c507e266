"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the mail tests, and helpers around it."""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests import factories as f


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The server's handler: records what arrives, or answers as a test tells it to."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.reply: str | None = None  # e.g. "550 5.1.1 No such user" or "451 4.3.0 Try later"
        self.stall: threading.Event | None = None  # when set, DATA waits for it
        # A stalled DATA whose client died is not a delivery: answer it with an error.
        self.drop_stalled = False
        self.data_started = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        if self.stall is not None:
            while not self.stall.is_set():
                await asyncio.sleep(0.05)
            if self.drop_stalled:
                return "451 4.3.0 Client went away"
        if self.reply:
            return self.reply
        self.raw.append(envelope.content)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 2.0.0 OK"


class SMTPServer:
    def __init__(self, *, login: tuple[str, str] | None = None) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.login = login  # (user, password) the server accepts with AUTH
        self.logins: list[str] = []  # users who logged in successfully
        self._controller: Controller | None = None

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        user, password = auth_data.login.decode(), auth_data.password.decode()
        if self.login and (user, password) == self.login:
            self.logins.append(user)
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        if self._controller is None:
            auth = {"authenticator": self._authenticate, "auth_require_tls": False} if self.login else {}
            self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **auth)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that MAILERS['default'] points at; `.stop()` takes it down."""
    server = SMTPServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    server.start()
    yield server
    server.stop()


@pytest.fixture
def paid_booking():
    """Pay a two-seat booking; returns the booking (its tickets mail is queued)."""
    from marquee.payments.services import booking_pay

    def make(**kw):
        show = kw.pop("show", None) or f.showtime(
            movie_obj=f.movie(title="The Night Projectionist", duration_min=118),
            hall_obj=f.hall(rows=4, seats=6, vip_rows=(4,)),
        )
        held = f.hold(show, **kw)
        return booking_pay(reference=held.booking.reference, method="demo")

    return make

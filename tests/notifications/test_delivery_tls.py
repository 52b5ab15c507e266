"""EMAIL_URL's smtp+tls:// (STARTTLS) and smtp+ssl:// (implicit TLS) against a real SMTP
server speaking TLS with a certificate made for the test, verified as in production."""

import email
import email.policy
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from marquee.env import mailer_config
from marquee.notifications.models import MailKind, MailStatus, OutgoingMail
from marquee.notifications.worker import mail_deliver_due
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

LOGIN = ("tickets", "s3cret")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (openssl, as on every Debian machine)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
    command += " -addext subjectAltName=IP:127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


def _encrypted(server, session) -> bool:
    # STARTTLS sets session.ssl; an implicit-TLS session shows only on the transport.
    return session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None


class TLSRecorder:
    """Records each message with whether its session was encrypted and who logged in."""

    def __init__(self) -> None:
        self.received: list[tuple[email.message.EmailMessage, bool]] = []
        self.logins: list[tuple[str, bool]] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((user, _encrypted(server, session)))
        return AuthResult(success=(user, password) == LOGIN, handled=False)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((message, _encrypted(server, session)))
        return "250 2.0.0 OK"


@pytest.fixture
def tls_server(certificate):
    """Start a server with STARTTLS required (`starttls`) or implicit TLS (`ssl`)."""
    started: list[Controller] = []

    def start(mode: str) -> tuple[int, TLSRecorder]:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        recorder, port = TLSRecorder(), free_port()
        if mode == "starttls":
            options = {"tls_context": context, "require_starttls": True}  # AUTH only after STARTTLS
        else:
            # aiosmtpd's AUTH-needs-TLS check knows STARTTLS only; this whole session is TLS.
            options = {"ssl_context": context, "auth_require_tls": False}
        controller = Controller(
            recorder, hostname="127.0.0.1", port=port, authenticator=recorder.authenticate, **options
        )
        controller.start()
        started.append(controller)
        return port, recorder

    yield start
    for controller in started:
        controller.stop()


def _tickets_mail(paid_booking) -> OutgoingMail:
    return OutgoingMail.objects.get(booking=paid_booking(), kind=MailKind.TICKETS)


@pytest.mark.parametrize(("scheme", "mode"), [("smtp+tls", "starttls"), ("smtp+ssl", "ssl")])
def test_tickets_go_out_encrypted_and_the_password_only_over_tls(
    scheme, mode, tls_server, certificate, settings, monkeypatch, tmp_path, paid_booking
):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])  # the machine trusts this certificate
    port, server = tls_server(mode)
    settings.MAILERS = {"default": mailer_config(f"{scheme}://{LOGIN[0]}:{LOGIN[1]}@127.0.0.1:{port}", tmp_path)}
    mail = _tickets_mail(paid_booking)

    assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT, mail.last_error
    assert server.logins == [("tickets", True)]
    [(message, encrypted)] = server.received
    assert encrypted
    assert message["Message-ID"] == mail.message_id
    assert "tickets.pdf" in [part.get_filename() for part in message.iter_attachments()]


def test_a_certificate_the_machine_does_not_trust_sends_nothing_and_says_why(
    tls_server, settings, tmp_path, paid_booking
):
    port, server = tls_server("ssl")
    settings.MAILERS = {"default": mailer_config(f"smtp+ssl://{LOGIN[0]}:{LOGIN[1]}@127.0.0.1:{port}", tmp_path)}
    mail = _tickets_mail(paid_booking)

    assert mail_deliver_due() == 1
    mail.refresh_from_db()
    assert mail.status != MailStatus.SENT
    assert "certificate" in mail.last_error.lower()
    assert server.received == [] and server.logins == []

"""One outbox row → one email: the envelope (subject on one line, the row's Message-ID,
headers), plain text and HTML, inline images (QR codes) and attachments.

What a message says belongs to the app whose message it is: each app registers a renderer
per mail kind (`register_renderer`, in its AppConfig.ready()) that reads its own rows and
returns a `Rendered` (subject, template context, template, images, attachments). Their
templates extend notifications/email/base.html, whose HTML has inline CSS (mail clients drop
<style> more often than style="") and a small prefers-color-scheme block for clients that
honour it.
"""

import binascii
import datetime as dt
import email.message
import email.policy
import email.utils
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import get_current_timezone

from marquee.notifications.models import OutgoingMail


class NotSendable(Exception):
    """The message no longer makes sense (tickets of a booking cancelled before sending, a
    recommendation to a customer who unsubscribed since): it fails at once, never retried."""


@dataclass(frozen=True)
class InlineImage:
    cid: str  # without angle brackets
    content: bytes
    filename: str


class WireMessage:
    """A message already written out: what Django's mail backends take from
    EmailMessage.message() (as_bytes for SMTP and files, as_string, get_charset for the
    console), without the email package's tree of header objects."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def as_bytes(self, unixfrom: bool = False, policy: object = None) -> bytes:
        return self.data

    def as_string(self, unixfrom: bool = False, maxheaderlen: int = 0, policy: object = None) -> str:
        return self.data.decode("ascii")

    def get_charset(self) -> None:
        return None  # ASCII throughout: every non-ASCII text is in base64 or encoded words


_CRLF = b"\r\n"


def _header(name: str, value: str) -> bytes:
    if value.isascii() and len(name) + len(value) < 76:
        return f"{name}: {value}\r\n".encode()
    # Encoded words and folding, by the email package: a subject or name in Cyrillic.
    return email.policy.SMTP.fold_binary(*email.policy.SMTP.header_store_parse(name, value))


def _param(name: str, value: str) -> str:
    if value.isascii() and '"' not in value and "\\" not in value:
        return f'{name}="{value}"'
    return f"{name}*={email.utils.encode_rfc2231(value, 'utf-8')}"  # RFC 2231: a name in Cyrillic


def _text_encoding(content: bytes) -> tuple[str, bytes]:
    """As the email package chooses, in C: ASCII as it is (readable in the files a
    development machine writes), mostly-ASCII text quoted-printable, the rest (Ukrainian)
    base64, the shorter of the two for it."""
    non_ascii = len(content) - len(content.decode("utf-8", "replace").encode("ascii", "ignore"))
    if not non_ascii and max(map(len, content.split(_CRLF))) <= 998:
        return "7bit", content
    if non_ascii * 8 <= len(content):
        return "quoted-printable", binascii.b2a_qp(content, istext=True)
    return "base64", _base64(content)


def _base64(content: bytes) -> bytes:
    encoded = binascii.b2a_base64(content, newline=False)
    return _CRLF.join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def _leaf(content_type: str, content: bytes, *headers: str) -> bytes:
    """One part in a 7-bit form."""
    if content_type.startswith("text/"):
        encoding, lines = _text_encoding(content)
    else:
        encoding, lines = "base64", _base64(content)
    head = "".join(
        f"{h}\r\n" for h in (f"Content-Type: {content_type}", f"Content-Transfer-Encoding: {encoding}", *headers)
    )
    # No CRLF after the content: the one before the next boundary belongs to the boundary.
    return head.encode() + _CRLF + lines


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    # "=_" occurs in no base64 or quoted-printable (where "=" only ends a line or comes
    # before two hex digits); in 7-bit text, 96 random bits are as good as never.
    boundary = f"=_{secrets.token_hex(12)}"
    body = b"".join(b"--" + boundary.encode() + _CRLF + part + _CRLF for part in parts)
    return (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
        + body
        + b"--"
        + boundary.encode()
        + b"--"
        + _CRLF
    )


def _text_type(mimetype: str) -> str:
    return f'{mimetype}; charset="utf-8"' if mimetype.startswith("text/") else mimetype


def _text(content: str) -> bytes:
    # Text is encoded in its canonical form, lines ending in CRLF (RFC 2045).
    return content.replace("\r\n", "\n").replace("\n", "\r\n").encode()


class RichEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose HTML part carries related inline images (cid:), written
    out here rather than through the email package's EmailMessage: that builds and folds
    some forty header objects per message in Python, 10 ms of a tickets email's CPU, where
    these few parts are written in a fraction of a millisecond. The structure is the one
    Django wrote: mixed(alternative(text, related(html, images)), attachments)."""

    def __init__(self, *args: Any, inline_images: list[InlineImage] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images or [])

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> WireMessage:  # type: ignore[override]
        addresses = [str(self.from_email), *self.to, *self.cc, *self.reply_to]
        if self.bcc or not all(email.utils.parseaddr(a)[1].isascii() for a in addresses):
            # An address in Unicode (IDNA domains) or a Bcc: Django's own writer knows them.
            # (A name in Cyrillic is no reason: it goes into encoded words below.)
            return WireMessage(self._email_message(policy).as_bytes(policy=email.policy.SMTP))
        text = _leaf('text/plain; charset="utf-8"', _text(str(self.body)))
        body = text
        for content, mimetype in self.alternatives:
            html = _leaf(_text_type(str(mimetype)), _text(str(content)))
            if self.inline_images and mimetype == "text/html":
                images = [
                    _leaf(
                        "image/png",
                        image.content,
                        f"Content-Disposition: inline; {_param('filename', image.filename)}",
                        f"Content-ID: <{image.cid}>",
                    )
                    for image in self.inline_images
                ]
                html = _multipart("related", [html, *images])
            body = _multipart("alternative", [text, html])
        if self.attachments:
            files = [
                _leaf(
                    _text_type(str(mimetype)),
                    _text(content) if isinstance(content, str) else bytes(content),
                    f"Content-Disposition: attachment; {_param('filename', str(filename))}",
                )
                for filename, content, mimetype in self.attachments
            ]
            body = _multipart("mixed", [body, *files])
        extra = {name.lower(): (name, str(value)) for name, value in self.extra_headers.items()}
        headers = [
            _header("Subject", str(self.subject)),
            _header("From", str(extra.pop("from", ("", self.from_email))[1])),
            _header("To", ", ".join(self.to)),
        ]
        extra.pop("to", None)
        if self.cc:
            headers.append(_header("Cc", ", ".join(self.cc)))
        if self.reply_to:
            headers.append(_header("Reply-To", ", ".join(self.reply_to)))
        if "date" not in extra:
            tz = get_current_timezone() if settings.EMAIL_USE_LOCALTIME else dt.UTC
            headers.append(_header("Date", email.utils.format_datetime(dt.datetime.now(tz))))
        if "message-id" not in extra:
            headers.append(_header("Message-ID", email.utils.make_msgid(domain=DNS_NAME)))
        headers += [_header(name, value) for name, value in extra.values()]
        return WireMessage(b"MIME-Version: 1.0\r\n" + b"".join(headers) + body)

    def _email_message(self, policy: email.policy.Policy) -> email.message.EmailMessage:
        return super().message(policy=policy)

    def _add_bodies(self, msg: email.message.EmailMessage) -> email.message.EmailMessage:
        msg = super()._add_bodies(msg)  # type: ignore[misc]  # stubs lack this private hook
        if self.inline_images:
            html = next(p for p in msg.walk() if p.get_content_type() == "text/html")
            for image in self.inline_images:
                # multipart/related: the images belong to the HTML, not listed as attachments.
                html.add_related(
                    image.content,
                    maintype="image",
                    subtype="png",
                    cid=f"<{image.cid}>",
                    disposition="inline",
                    filename=image.filename,
                )
        return msg


@dataclass
class Rendered:
    subject: str
    context: dict[str, Any]
    # The templates, without the extension: "booking/email/tickets" renders
    # booking/email/tickets.txt and booking/email/tickets.html.
    template: str
    inline_images: list[InlineImage] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


# Every kind's message belongs to an app above this one (the booking's tickets, a gift
# voucher, a recommendation, a distributor's settlement statement): the app registers its
# renderer in its AppConfig.ready(), so that the outbox never imports the apps it serves.
RENDERERS: dict[str, Callable[[OutgoingMail], Rendered]] = {}


def register_renderer(kind: str, renderer: Callable[[OutgoingMail], Rendered]) -> None:
    RENDERERS[str(kind)] = renderer


def _render(mail: OutgoingMail) -> Rendered:
    renderer = RENDERERS.get(mail.kind)
    if renderer is None:
        # A kind whose app did not register (a configuration bug): kept and retried, so that
        # a fix deployed within the day delivers it.
        raise ValueError(f"no renderer is registered for mail kind {mail.kind!r}")
    return renderer(mail)


def render_mail(mail: OutgoingMail) -> RichEmail:
    """The message for an outbox row, with the row's Message-ID (so a retry is the same message)."""
    # The customer's language (recorded when the mail was queued), for words and dates alike.
    with translation.override(mail.language or settings.LANGUAGE_CODE):
        rendered = _render(mail)
        ctx = {
            **rendered.context,
            "kind": mail.kind,
            "CINEMA_NAME": settings.CINEMA_NAME,
            "SITE_URL": settings.SITE_URL,
            "subject": rendered.subject,
            "LANGUAGE_CODE": translation.get_language(),
        }
        text = render_to_string(f"{rendered.template}.txt", ctx)
        html = render_to_string(f"{rendered.template}.html", ctx)
    message = RichEmail(
        # Names typed by customers end up here: one line, whatever they typed.
        subject=" ".join(rendered.subject.split()),
        body=text,
        to=[mail.to_email],
        headers={"Message-ID": mail.message_id, **rendered.headers},
        inline_images=rendered.inline_images,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in rendered.attachments:
        message.attach(filename, content, mimetype)
    return message


def message_bytes(message: RichEmail) -> bytes:
    return message.message().as_bytes()

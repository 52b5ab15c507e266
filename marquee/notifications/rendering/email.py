"""One outbox row → one email: the envelope (subject on one line, the row's Message-ID,
headers), plain text and HTML, inline images (QR codes) and attachments.

What a message says belongs to the app whose message it is: each app registers a renderer
per mail kind (`register_renderer`, in its AppConfig.ready()) that reads its own rows and
returns a `Rendered` (subject, template context, template, images, attachments). Their
templates extend notifications/email/base.html, whose HTML has inline CSS (mail clients drop
<style> more often than style="") and a small prefers-color-scheme block for clients that
honour it.
"""

import email.message
import email.policy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from marquee.notifications.models import OutgoingMail


class NotSendable(Exception):
    """The message no longer makes sense (tickets of a booking cancelled before sending, a
    recommendation to a customer who unsubscribed since): it fails at once, never retried."""


@dataclass(frozen=True)
class InlineImage:
    cid: str  # without angle brackets
    content: bytes
    filename: str


class RichEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose HTML part carries related inline images (cid:)."""

    def __init__(self, *args: Any, inline_images: list[InlineImage] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images or [])

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
    return message.message(policy=email.policy.SMTP).as_bytes()

"""The settlement email: a distributor's statement for a film week, with the PDF attached.

Registered with the notifications worker for `MailKind.SETTLEMENT` (SettlementConfig.ready);
rendered when the worker sends it, in the distributor's language.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from marquee.core.errors import DomainError
from marquee.core.money import money_text
from marquee.notifications.models import OutgoingMail
from marquee.notifications.rendering.email import NotSendable, Rendered
from marquee.settlement.selectors import settlement
from marquee.settlement.statement import mix_line, percent_text, statement_filename, statement_pdf, week_text


def render_settlement_mail(mail: OutgoingMail) -> Rendered:
    try:
        distributor_id = int(mail.context["distributor_id"])
        day = dt.date.fromisoformat(str(mail.context["week"]))
    except (KeyError, TypeError, ValueError):
        raise NotSendable("not sent: the message does not name a distributor and a week") from None
    try:
        result = settlement(day=day, distributor_id=distributor_id)
    except DomainError:  # deleted since it was queued (one without movies may be), or a week out of range
        raise NotSendable("not sent: the distributor is gone") from None
    block = result.distributors[0]
    subject = _("Settlement statement, film week %(week)s: %(cinema)s") % {
        "week": week_text(result),
        "cinema": settings.CINEMA_NAME,
    }
    movies = [
        {
            "title": m.title,
            "admissions": m.admissions,
            "mix": mix_line(m),
            "share": percent_text(m.percentage) if m.has_terms else _("no terms"),
            "due": money_text(m.due),
        }
        for m in block.movies
    ]
    return Rendered(
        subject=subject,
        template="settlement/email/settlement",
        context={
            "block": block,
            "week": week_text(result),
            "movies": movies,
            "gross": money_text(block.gross),
            "net": money_text(block.net),
            "due": money_text(block.due),
        },
        attachments=[(statement_filename(block, result), statement_pdf(block, result), "application/pdf")],
    )

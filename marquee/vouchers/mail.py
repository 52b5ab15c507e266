"""The gift voucher's emails: the voucher itself (code, QR inline, voucher.pdf attached) to
the person it is for or to the buyer, and the buyer's receipt when it went to someone else.

Registered with the outbox for `MailKind.VOUCHER` and `MailKind.VOUCHER_RECEIPT`
(VouchersConfig.ready); rendered when the worker sends them, in the language they were queued
in. Templates: vouchers/templates/vouchers/email/.
"""

from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from marquee.core.clock import local
from marquee.core.money import money_text
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.notifications.rendering.email import InlineImage, NotSendable, Rendered
from marquee.notifications.rendering.qr import qr_png
from marquee.vouchers.models import Voucher, VoucherStatus
from marquee.vouchers.pdf import VoucherPage, voucher_pdf


def render_voucher_mail(mail: OutgoingMail) -> Rendered:
    voucher = Voucher.objects.filter(pk=mail.context.get("voucher_id")).first()
    if voucher is None or voucher.status != VoucherStatus.ACTIVE:
        raise NotSendable("not sent: the voucher is not active")
    amount = money_text(voucher.amount)
    # The last moment it can be spent is the end of a local day: that day is what is printed.
    last_day = formats.date_format(local(voucher.expires_at - voucher.expires_at.resolution), "j E Y")
    from_name = voucher.buyer_name if voucher.send_to_recipient else ""
    ctx: dict[str, Any] = {
        "voucher": voucher,
        "amount": amount,
        "code": voucher.printed_code,
        "expires": last_day,
        "to_name": voucher.recipient_name if voucher.send_to_recipient else voucher.buyer_name,
        "from_name": from_name,
        "message": voucher.message,
    }
    if mail.kind == MailKind.VOUCHER_RECEIPT:
        subject = _("Your gift voucher for %(name)s is on its way") % {"name": voucher.recipient_name or "—"}
        return Rendered(subject=subject, context=ctx, template="vouchers/email/voucher_receipt")
    if from_name:
        subject = _("%(name)s sent you a gift voucher for %(amount)s") % {"name": from_name, "amount": amount}
    else:
        subject = _("Your gift voucher for %(amount)s") % {"amount": amount}
    page = VoucherPage(
        cinema=settings.CINEMA_NAME,
        amount=amount,
        code=voucher.printed_code,
        expires=last_day,
        to_name=ctx["to_name"],
        from_name=from_name,
        message=voucher.message,
    )
    return Rendered(
        subject=subject,
        context=ctx,
        inline_images=[InlineImage(cid="voucher-qr", content=qr_png(voucher.printed_code), filename="voucher.png")],
        attachments=[("voucher.pdf", voucher_pdf(page), "application/pdf")],
        template="vouchers/email/voucher",
    )

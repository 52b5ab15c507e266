from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "marquee.vouchers"
    label = "vouchers"
    verbose_name = _("Gift vouchers")

    def ready(self) -> None:
        # The voucher's emails are this app's messages: the outbox finds their renderer by kind.
        from marquee.notifications.models import MailKind
        from marquee.notifications.rendering.email import register_renderer
        from marquee.vouchers.mail import render_voucher_mail

        register_renderer(MailKind.VOUCHER, render_voucher_mail)
        register_renderer(MailKind.VOUCHER_RECEIPT, render_voucher_mail)

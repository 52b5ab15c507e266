from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "marquee.settlement"
    label = "settlement"
    verbose_name = _("Distributors and settlement")

    def ready(self) -> None:
        # The settlement email is this app's message: its renderer lives here, and the
        # notifications worker finds it by its kind.
        from marquee.notifications.models import MailKind
        from marquee.notifications.rendering.email import register_renderer
        from marquee.settlement.mail import render_settlement_mail

        register_renderer(MailKind.SETTLEMENT, render_settlement_mail)

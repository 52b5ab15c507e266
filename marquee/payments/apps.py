from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Registers the start-up checks (demo with DEBUG off; Stripe's keys). The Stripe check
        # lives apart from the provider so that no process imports `stripe` just to run it.
        from marquee.payments import checks  # noqa: F401

        self._register_periodic_jobs()

    def _register_periodic_jobs(self) -> None:
        from marquee.core.periodic import register
        from marquee.payments.refunds import refunds_retry_due
        from marquee.payments.services import payments_reconcile
        from marquee.payments.voucher_money import voucher_money_give_back

        # After booking's hold expiry in the same pass (apps register in INSTALLED_APPS
        # order): gift vouchers get back what lapsed (or cancelled, unpaid) holds had taken.
        register("payments.voucher_money_give_back", 30, voucher_money_give_back)
        # Ask providers about payments left pending past PAYMENT_RECONCILE_MINUTES, then try
        # again the refunds that are due; provider calls happen outside any transaction.
        register("payments.reconcile", 60, payments_reconcile)
        register("payments.refunds_retry", 60, refunds_retry_due)

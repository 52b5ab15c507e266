from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "marquee.vouchers"
    label = "vouchers"
    verbose_name = _("Gift vouchers")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.vouchers.models import VoucherStatus

        # The audit records these codes; it shows their names in the reader's language.
        register_values(["voucher_status"], VoucherStatus.choices)

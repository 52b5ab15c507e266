from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "marquee.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.notifications.models import MailKind

        # The audit records these codes; it shows their names in the reader's language.
        register_values(["kind", "mail"], MailKind.choices)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "marquee.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from marquee.audit.labels import register_values
        from marquee.scheduling.models import ShowtimeStatus

        # The audit records these codes; it shows their names in the reader's language.
        register_values(["status"], ShowtimeStatus.choices)

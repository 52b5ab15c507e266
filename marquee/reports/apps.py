from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "marquee.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from marquee.core.periodic import register
        from marquee.reports.services import showtimes_tally

        # Freeze the figures of showtimes that have begun (they cannot change), so that
        # reports over long periods read stored figures instead of counting seats.
        register("reports.showtimes_tally", 15 * 60, showtimes_tally)

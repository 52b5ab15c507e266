from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marquee.marketing"
    label = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        # The recommendation email is this app's message: the outbox finds its renderer by kind.
        from marquee.marketing.mail import render_recommendation_mail
        from marquee.notifications.models import MailKind
        from marquee.notifications.rendering.email import register_renderer

        register_renderer(MailKind.RECOMMENDATION, render_recommendation_mail)

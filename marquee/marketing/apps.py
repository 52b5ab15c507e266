from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "marquee.marketing"
    label = "marketing"
    verbose_name = "Marketing"

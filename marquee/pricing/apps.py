from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "marquee.pricing"
    label = "pricing"

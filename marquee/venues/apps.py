from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "marquee.venues"
    label = "venues"

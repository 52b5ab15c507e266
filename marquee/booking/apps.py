from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "marquee.booking"
    label = "booking"

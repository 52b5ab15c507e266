from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "marquee.backoffice"
    label = "backoffice"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "marquee.api"
    label = "api"

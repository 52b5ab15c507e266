from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "marquee.public"
    label = "public"

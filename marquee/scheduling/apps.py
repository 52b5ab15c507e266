from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "marquee.scheduling"
    label = "scheduling"

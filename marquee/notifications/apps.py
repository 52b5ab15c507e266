from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "marquee.notifications"
    label = "notifications"

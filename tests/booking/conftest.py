"""Booking tests: the real SMTP server of the mail tests, for the emails a move sends."""

from tests.notifications.conftest import smtp_server  # noqa: F401

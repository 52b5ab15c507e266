"""Turning a service's DomainError into words on the page."""

from django.contrib import messages
from django.http import HttpRequest

from marquee.core.errors import DomainError


def error_lines(error: DomainError) -> list[str]:
    """The error's sentence, then each field message that adds something to it."""
    lines = [error.detail]
    for field, problems in (error.fields or {}).items():
        for problem in problems:
            line = problem if field in {"rows", "__all__"} else f"{field.replace('_', ' ').capitalize()}: {problem}"
            if line not in lines:
                lines.append(line)
    return lines


def say_error(request: HttpRequest, error: DomainError) -> None:
    for line in error_lines(error):
        messages.error(request, line)

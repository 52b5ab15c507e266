"""Turning a service's DomainError into words on the page."""

from django.contrib import messages
from django.http import HttpRequest

from marquee.core.errors import DomainError, in_language

__all__ = ["error_lines", "in_language", "say_error"]


def error_lines(error: DomainError) -> list[str]:
    """The error's sentence, then each field message that adds something to it, in the staff
    member's language where the catalogue has them (services write English: the API's words)."""
    lines = [in_language(error.detail)]
    for field, problems in (error.fields or {}).items():
        for problem in (in_language(p) for p in problems):
            label = in_language(field.replace("_", " ").capitalize())
            line = problem if field in {"rows", "__all__"} else f"{label}: {problem}"
            if line not in lines:
                lines.append(line)
    return lines


def say_error(request: HttpRequest, error: DomainError) -> None:
    for line in error_lines(error):
        messages.error(request, line)

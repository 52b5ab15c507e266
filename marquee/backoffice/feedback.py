"""Turning a service's DomainError into words on the page."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext

from marquee.core.errors import DomainError


def in_language(text: str) -> str:
    """A service's English sentence in the active language, when the catalogue has it."""
    return gettext(text) if text else text


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

from django.conf import settings
from django.http import HttpRequest


def cinema(request: HttpRequest) -> dict[str, object]:
    return {
        "CINEMA_NAME": settings.CINEMA_NAME,
        "CURRENCY": settings.CURRENCY,
        "PUBLIC_CACHE_SECONDS": settings.PUBLIC_CACHE_SECONDS,
    }

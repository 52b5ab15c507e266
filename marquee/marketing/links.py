"""One-click unsubscribe links: signed, so they need no login and cannot be forged."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "marquee.marketing.unsubscribe"


def unsubscribe_token(customer_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(customer_id))


def customer_id_from_token(token: str) -> int | None:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(customer_id: int) -> str:
    """The absolute link for the email body and the List-Unsubscribe header."""
    return settings.SITE_URL + reverse("marketing:unsubscribe", args=[unsubscribe_token(customer_id)])


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 headers for a message whose context carries `unsubscribe_url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}

"""The signed link in the waiting list's emails that takes a customer off the list.

It signs the entry's id (salted for this use alone): whoever holds it received the entry's
email, which is all that leaving asks. It never expires; rotating SECRET_KEY revokes it.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from marquee.waitlist.models import WaitlistEntry

_SALT = "marquee.waitlist.leave"


def leave_token(entry: WaitlistEntry) -> str:
    return signing.Signer(salt=_SALT).sign(str(entry.pk))


def leave_url(entry: WaitlistEntry) -> str:
    return settings.SITE_URL + reverse("public:waitlist_leave", args=[leave_token(entry)])


def entry_id_for_leave_token(token: str) -> int | None:
    """The entry id the token signs, or None for a token this site did not sign."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token.strip())
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None

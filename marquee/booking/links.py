"""Links to a booking that travel by email.

The booking's secret token is stored only hashed, so the worker that renders an email a
minute later cannot put it in a link. Instead the link carries a server signature over
the reference: it proves the bearer received the booking's email, which is exactly what
the token proves. The public booking page accepts `?key=<signature>` as an alternative to
the token. The signature never expires (tickets are kept for months) and rotating
SECRET_KEY (with SECRET_KEY_FALLBACKS for a grace period) revokes every link at once.
"""

from django.conf import settings
from django.core import signing

from marquee.booking.models import Booking
from marquee.booking.tokens import normalise_reference
from marquee.core.errors import NotFound
from marquee.core.rows import row_or_not_found

_SALT = "marquee.booking.manage-link"
_SEP = ":"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=_SEP)


def manage_link_token(booking: Booking) -> str:
    """The `key` of the booking's manage link: the signature alone, the reference is in the path."""
    return _signer().sign(booking.reference).rsplit(_SEP, 1)[1]


def manage_link_url(booking: Booking) -> str:
    return f"{settings.SITE_URL}/bookings/{booking.reference}/?key={manage_link_token(booking)}"


def booking_for_manage_token(reference: str, signed: str) -> Booking:
    """The booking whose manage link carries `signed`; NotFound otherwise, as for a wrong token."""
    ref = normalise_reference(reference)
    try:
        _signer().unsign(f"{ref}{_SEP}{(signed or '').strip()}")
    except signing.BadSignature:
        raise NotFound("No such booking.") from None
    return row_or_not_found(
        Booking.objects.select_related("customer", "showtime__movie", "showtime__hall"),
        "No such booking.",
        reference=ref,
    )

"""The signed tokens of the waiting room: the visitor's place (a cookie) and the pass.

Both are `django.core.signing` values under their own salt, so neither can be made or changed
without SECRET_KEY, and a token of one kind is never read as the other. A pass names its
arrival and its sale and carries its expiry (QUEUE_PASS_MINUTES after the arrival was first let
through): checking it costs no query. What a pass may hold is counted in the database
(`Arrival.seats_used`), so copying a pass gives its copies nothing more.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing

PLACE_SALT = "marquee.waiting_room.place"
PASS_SALT = "marquee.waiting_room.pass"  # noqa: S105 (a salt's name, not a secret)
PASS_COOKIE_PREFIX = "mq_pass_"  # noqa: S105 (a cookie's name)


def place_cookie_name(sale_id: int) -> str:
    return f"mq_queue_{sale_id}"


@dataclass(frozen=True)
class Place:
    sale_id: int
    visitor: str
    arrival_id: int
    rank: int | None  # known once drawn: later polls need no query


def place_sign(place: Place) -> str:
    return signing.dumps([place.sale_id, place.visitor, place.arrival_id, place.rank], salt=PLACE_SALT, compress=False)


def place_read(token: str | None, sale_id: int) -> Place | None:
    if not token:
        return None
    try:
        sale, visitor, arrival, rank = signing.loads(token, salt=PLACE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if sale != sale_id or not isinstance(visitor, str) or not isinstance(arrival, int):
        return None
    return Place(sale, visitor, arrival, rank if isinstance(rank, int) else None)


@dataclass(frozen=True)
class Pass:
    sale_id: int
    arrival_id: int
    expires_at: dt.datetime


def pass_sign(*, sale_id: int, arrival_id: int, expires_at: dt.datetime) -> str:
    return signing.dumps([sale_id, arrival_id, int(expires_at.timestamp())], salt=PASS_SALT)


def pass_read(token: str | None, *, sale_id: int, at: dt.datetime) -> Pass | None:
    """The pass, if `token` is one this site signed for this sale and it has not expired."""
    if not token or len(token) > 200:
        return None
    try:
        sale, arrival, expires = signing.loads(token, salt=PASS_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if sale != sale_id or not isinstance(arrival, int) or not isinstance(expires, int):
        return None
    expires_at = dt.datetime.fromtimestamp(expires, tz=dt.UTC)
    if expires_at <= at:
        return None
    return Pass(sale, arrival, expires_at)

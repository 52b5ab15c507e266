"""Reading the outbox: the mail log staff search, and a booking's messages."""

from django.db.models import Q, QuerySet

from marquee.notifications.models import OutgoingMail


def mails_find(*, q: str = "", status: str = "", kind: str = "") -> QuerySet[OutgoingMail]:
    """Messages newest first, with their booking; `q` is part of the address or a booking's
    whole reference (any case)."""
    mails = OutgoingMail.objects.select_related("booking").order_by("-created_at", "-pk")
    if q:
        mails = mails.filter(Q(to_email__icontains=q) | Q(booking__reference=q.upper()))
    if status:
        mails = mails.filter(status=status)
    if kind:
        mails = mails.filter(kind=kind)
    return mails


def booking_mails(booking_id: int, *, limit: int = 20) -> list[OutgoingMail]:
    """A booking's latest messages, newest first: one query."""
    return list(OutgoingMail.objects.filter(booking_id=booking_id).order_by("-created_at")[:limit])

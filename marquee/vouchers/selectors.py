"""Reads of vouchers: staff's search and a voucher's history. Each a fixed number of queries."""

from django.db.models import Q

from marquee.core.pages import Page, page_of
from marquee.vouchers.codes import is_code, normalise_code
from marquee.vouchers.models import Voucher, VoucherEntry


def vouchers_find(*, q: str = "", status: str = "", limit: int = 50, offset: int = 0) -> Page[Voucher]:
    """Vouchers newest first; `q` is a code (whole, any case, with or without dashes), its
    last characters, or an email (the buyer's or the recipient's). Two queries."""
    qs = Voucher.objects.all()
    q = (q or "").strip()
    if q:
        canonical = normalise_code(q)
        if "@" in q:
            qs = qs.filter(Q(buyer_email__iexact=q) | Q(recipient_email__iexact=q))
        elif is_code(canonical):
            qs = qs.filter(code=canonical)
        elif len(canonical) >= 4:
            qs = qs.filter(code__endswith=canonical)
        else:
            qs = qs.none()
    if status:
        qs = qs.filter(status=status)
    qs = qs.select_related("issued_by").order_by("-created_at", "-pk")
    return page_of(qs, limit=limit, offset=offset)


def voucher_history(voucher_id: int) -> list[VoucherEntry]:
    """A voucher's entries, oldest first, with their bookings and staff. One query."""
    return list(
        VoucherEntry.objects.filter(voucher_id=voucher_id)
        .select_related("booking", "staff_user")
        .order_by("created_at", "pk")
    )


def voucher_get(voucher_id: int) -> Voucher | None:
    """One voucher with whoever issued it, or None (an id no row can have too). One query."""
    if not 0 < voucher_id < 2**63:
        return None
    return Voucher.objects.select_related("issued_by").filter(pk=voucher_id).first()

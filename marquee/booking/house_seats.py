"""House seats: staff keep seats of a showtime back (house seats, a broken seat, the press,
or another reason they write down) and release them.

A kept seat is not for sale: the hold refuses it as it refuses a sold one (`seats_unavailable`
naming it), customers see it as sold, and the figures count it out of the seats on sale.
Keeping seats takes the same locks as a hold, in the same order (the showtime's sales lock
shared, then the seats by id), so a hold and a block reaching for one seat queue and the
second sees the first: a seat is never both kept and sold. The unique (showtime, seat)
constraint on SeatBlock is the last word on two blocks of one seat.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from marquee.audit.labels import seat_fact
from marquee.audit.services import Actor, audit_record
from marquee.booking import services as booking_services
from marquee.booking.models import BlockReason, SeatBlock
from marquee.booking.seat_events import seats_freed
from marquee.core.clock import now as clock_now
from marquee.core.errors import InvalidState, NotFound, SeatsUnavailable, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.scheduling.locks import showtime_sales_lock_shared
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.seat_map_cache import seat_maps_changed
from marquee.venues.models import Seat

MAX_BLOCK_SEATS = 500  # a whole hall at once is the most a form sends
MAX_NOTE = 200


@dataclass(frozen=True)
class _Checked:
    seat_ids: list[int]
    reason: str
    note: str


def _seat_label(seat: Seat) -> str:
    return _("row %(row)s, seat %(seat)s") % {"row": seat.row_number, "seat": seat.seat_number}


def _check_input(seat_ids: Sequence[int], reason: str | None, note: str, *, releasing: bool) -> _Checked:
    errors: dict[str, list[str]] = {}
    if not seat_ids:
        errors["seat_ids"] = [_("Choose at least one seat.")]
    elif len(seat_ids) > MAX_BLOCK_SEATS:
        errors["seat_ids"] = [_("Choose at most %(count)s seats.") % {"count": MAX_BLOCK_SEATS}]
    elif any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i <= booking_services.MAX_ID for i in seat_ids):
        errors["seat_ids"] = [_("Seat ids are positive whole numbers.")]
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [_("At most %(count)s characters.") % {"count": MAX_NOTE}]
    elif any(ord(c) < 32 for c in note):
        errors["note"] = [_("Remove the control characters.")]
    if not releasing:
        if reason not in BlockReason.values:
            errors["reason"] = [_("Choose a reason.")]
        elif reason == BlockReason.OTHER and not note:
            errors["note"] = [_("Say why the seats are kept back.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return _Checked(seat_ids=sorted(set(seat_ids)), reason=reason or "", note=note)


def _showtime(showtime_id: int) -> Showtime:
    if isinstance(showtime_id, bool) or not 0 < showtime_id <= booking_services.MAX_ID:
        raise NotFound(_("No such showtime."))
    return row_or_not_found(Showtime.objects.select_related("movie", "hall"), _("No such showtime."), pk=showtime_id)


def _lock_seats(showtime: Showtime, seat_ids: list[int]) -> list[Seat]:
    """The seats, of the showtime's hall, locked in id order as a hold locks them."""
    seats = list(
        Seat.objects.select_for_update(no_key=True).filter(pk__in=seat_ids, hall_id=showtime.hall_id).order_by("pk")
    )
    if len(seats) != len(seat_ids):
        strangers = sorted(set(seat_ids) - {s.pk for s in seats})
        raise ValidationFailed(
            _("Some seats are not in this showtime's hall."),
            fields={"seat_ids": [_("Not seats of this hall: %(ids)s.") % {"ids": ", ".join(map(str, strangers))}]},
        )
    return seats


def _label(showtime: Showtime) -> str:
    return str(showtime)


def seats_block(
    *, showtime_id: int, seat_ids: Sequence[int], reason: str, note: str = "", staff_user: Actor
) -> list[SeatBlock]:
    """Keep these seats of the showtime back, all or none. A seat held, sold or kept already:
    SeatsUnavailable naming every such seat. A cancelled or ended showtime: InvalidState."""
    checked = _check_input(seat_ids, reason, note, releasing=False)
    with transaction.atomic():
        showtime = _showtime(showtime_id)
        showtime_sales_lock_shared(showtime_id=showtime.pk)
        seats = _lock_seats(showtime, checked.seat_ids)
        at = clock_now()
        if showtime.status == ShowtimeStatus.CANCELLED:
            raise InvalidState(_("This showtime has been cancelled."))
        if showtime.ends_at <= at:
            raise InvalidState(_("This showtime has ended."))
        taken = booking_services.seat_ids_taken_locked(showtime_id=showtime.pk, seat_ids=checked.seat_ids, at=at)
        if taken:
            named = "; ".join(_seat_label(s) for s in seats if s.pk in set(taken))
            raise SeatsUnavailable(_("Held, sold or kept back already: %(seats)s.") % {"seats": named}, seat_ids=taken)
        user = staff_user if isinstance(staff_user, User) else None
        try:
            with transaction.atomic():
                blocks = SeatBlock.objects.bulk_create(
                    SeatBlock(showtime=showtime, seat=s, reason=checked.reason, note=checked.note, staff_user=user)
                    for s in seats
                )
        except IntegrityError:
            raise SeatsUnavailable(_("Some of these seats were just kept back."), seat_ids=checked.seat_ids) from None
        seat_maps_changed([showtime.pk])
        audit_record(
            actor=staff_user,
            action="showtime.block_seats",
            target_type="showtime",
            target_id=showtime.pk,
            target_label=_label(showtime),
            changes={"seats": [seat_fact(s.row_number, s.seat_number) for s in seats], "reason": checked.reason},
            showtime_id=showtime.pk,
            note=checked.note,
        )
        return blocks


def seats_release(*, showtime_id: int, seat_ids: Sequence[int], note: str = "", staff_user: Actor) -> list[int]:
    """Put kept seats back on sale; answers the seat ids released (seats that were not kept
    are left alone). Nothing kept among them: InvalidState."""
    checked = _check_input(seat_ids, None, note, releasing=True)
    with transaction.atomic():
        showtime = _showtime(showtime_id)
        blocks = list(
            SeatBlock.objects.select_for_update()
            .select_related("seat")
            .filter(showtime=showtime, seat_id__in=checked.seat_ids)
            .order_by("seat_id")
        )
        if not blocks:
            raise InvalidState(_("None of these seats is kept back."))
        SeatBlock.objects.filter(pk__in=[b.pk for b in blocks]).delete()
        seat_maps_changed([showtime.pk])
        seats_freed([showtime.pk])
        audit_record(
            actor=staff_user,
            action="showtime.release_seats",
            target_type="showtime",
            target_id=showtime.pk,
            target_label=_label(showtime),
            changes={
                "seats": [seat_fact(b.seat.row_number, b.seat.seat_number) for b in blocks],
                "reasons": sorted({b.reason for b in blocks}),
            },
            showtime_id=showtime.pk,
            note=checked.note,
        )
        return [b.seat_id for b in blocks]


def showtime_blocks(showtime_id: int) -> list[SeatBlock]:
    """The seats kept back for a showtime, with who kept them. One query."""
    return list(
        SeatBlock.objects.filter(showtime_id=showtime_id)
        .select_related("seat", "staff_user")
        .order_by("seat__row_number", "seat__seat_number")
    )

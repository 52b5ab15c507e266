"""Every staff service leaves its audit record: the staff user, the action, before → after.

Two lists keep this complete. AUDITED names each service with a call that runs it as a
staff member and what its record must say; NOT_STAFF_CHANGES names every other public
function of the services' modules with the reason it records nothing. A new public function
in one of STAFF_SERVICE_MODULES that is in neither list fails `test_every_service_is_listed`.
Adding a service is one line in AUDITED (a module, one line in STAFF_SERVICE_MODULES).
"""

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from marquee.audit.models import AuditEntry
from marquee.booking import checkin, house_seats
from marquee.booking import moves as booking_moves
from marquee.booking import services as booking_services
from marquee.booking.models import Booking
from marquee.catalog import services as catalog
from marquee.core.clock import now
from marquee.notifications import services as notifications
from marquee.notifications.models import OutgoingMail
from marquee.payments import counter
from marquee.payments import moves as payment_moves
from marquee.payments import services as payments
from marquee.pricing import services as pricing
from marquee.pricing import ticket_types
from marquee.privacy import services as privacy
from marquee.promotions import services as promotions
from marquee.scheduling import formats
from marquee.scheduling import services as scheduling
from marquee.settlement import services as settlement
from marquee.staff.roles import ADMIN
from marquee.venues import services as venues
from marquee.venues.models import Seat
from marquee.venues.services import RowSpec
from marquee.vouchers import services as voucher_services
from marquee.waiting_room import services as queues
from tests import factories as f

STAFF_SERVICE_MODULES = (
    "marquee.scheduling.services",
    "marquee.scheduling.formats",
    "marquee.venues.services",
    "marquee.pricing.services",
    "marquee.booking.services",
    "marquee.payments.services",
    "marquee.payments.refunds",
    "marquee.catalog.services",
    "marquee.notifications.services",
    "marquee.privacy.services",
    "marquee.marketing.services",
    "marquee.staff.services",
    "marquee.reports.services",
    "marquee.booking.house_seats",
    "marquee.booking.moves",
    "marquee.payments.moves",
    "marquee.booking.checkin",
    "marquee.booking.counter",
    "marquee.payments.counter",
    "marquee.settlement.services",
    "marquee.promotions.services",
    "marquee.booking.promo",
    "marquee.pricing.ticket_types",
    "marquee.vouchers.services",
    "marquee.payments.voucher_money",
    "marquee.payments.voucher_sales",
    "marquee.waitlist.services",
    "marquee.waiting_room.services",
)

ANY = object()  # the field is recorded, whatever its value


@dataclass
class World:
    """What the services act on: a hall, a tariff, a showtime tomorrow with a paid and a pending booking."""

    user: User
    hall: Any
    tariff: Any
    showtime: Any
    paid: Booking
    pending: Booking
    empty_showtime: Any


def _world() -> World:
    user = User.objects.create_user(username="auditor", is_staff=True)
    user.groups.add(Group.objects.get(name=ADMIN))
    hall = f.hall(rows=2, seats=4)
    show = f.showtime(hall_obj=hall)
    seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))
    paid = f.hold(show, seats[:2], email="paid@example.com").booking
    payments.payment_record_box_office(reference=paid.reference)
    pending = f.hold(show, seats[2:3], email="pending@example.com").booking
    later = show.ends_at + dt.timedelta(hours=2)
    empty = f.showtime(movie_obj=show.movie, hall_obj=hall, starts_at=later)
    return World(
        user=user,
        hall=hall,
        tariff=f.tariff(),
        showtime=show,
        paid=Booking.objects.get(pk=paid.pk),
        pending=pending,
        empty_showtime=empty,
    )


def _free_seat(w: World) -> Seat:
    return w.hall.seats.order_by("-pk").first()


@dataclass(frozen=True)
class Audited:
    service: str  # "module.function", as STAFF_SERVICE_MODULES name the module
    action: str
    run: Callable[[World], Any]  # runs the service with staff_user=w.user
    changes: dict[str, Any]  # what the record's changes must hold ({"field": [before, after]} or a fact)


def _adult(w: World) -> int:
    return ticket_types.TicketType.objects.get(is_default=True).pk


def _later(w: World, hours: int) -> dt.datetime:
    return (w.empty_showtime.ends_at + dt.timedelta(hours=hours)).replace(microsecond=0)


def _queued(w: World) -> int:
    return queues.queued_sale_create(
        showtime_id=w.empty_showtime.pk, opens_at=now(), admit_per_minute=60, staff_user=None
    ).pk


AUDITED: list[Audited] = [
    Audited(
        "marquee.waiting_room.services.queued_sale_create",
        "queuedsale.create",
        lambda w: queues.queued_sale_create(
            movie_id=w.showtime.movie_id, opens_at=now(), admit_per_minute=60, staff_user=w.user
        ),
        {"movie": ANY, "opens_at": ANY, "admit_per_minute": 60},
    ),
    Audited(
        "marquee.waiting_room.services.queued_sale_set_rate",
        "queuedsale.rate",
        lambda w: queues.queued_sale_set_rate(sale_id=_queued(w), admit_per_minute=90, staff_user=w.user),
        {"admit_per_minute": [60, 90]},
    ),
    Audited(
        "marquee.waiting_room.services.queued_sale_end",
        "queuedsale.end",
        lambda w: queues.queued_sale_end(sale_id=_queued(w), staff_user=w.user),
        {"ended_at": [None, ANY]},
    ),
    Audited(
        "marquee.vouchers.services.voucher_issue",
        "voucher.issue",
        lambda w: voucher_services.voucher_issue(amount="250.00", reason="Broken projector", staff_user=w.user),
        {"amount": "250.00", "reason": "Broken projector", "expires_at": ANY},
    ),
    Audited(
        "marquee.vouchers.services.voucher_extend",
        "voucher.extend",
        lambda w: voucher_services.voucher_extend(
            voucher_id=voucher_services.voucher_issue(amount="10.00", reason="Prize", staff_user=None).pk,
            expires_on=dt.date(2099, 1, 1),
            reason="Asked nicely",
            staff_user=w.user,
        ),
        {"expires_at": [ANY, ANY], "reason": "Asked nicely"},
    ),
    Audited(
        "marquee.scheduling.services.showtime_schedule",
        "showtime.schedule",
        lambda w: scheduling.showtime_schedule(
            movie_id=w.showtime.movie_id, hall_id=w.hall.pk, starts_at=_later(w, 3), staff_user=w.user
        ),
        {"movie": ANY, "hall": ANY, "starts_at": ANY},
    ),
    Audited(
        "marquee.scheduling.services.showtime_schedule_many",
        "showtime.schedule",
        lambda w: scheduling.showtime_schedule_many(
            movie_id=w.showtime.movie_id,
            hall_id=w.hall.pk,
            starts=[_later(w, 3), _later(w, 27)],
            staff_user=w.user,
        ),
        {"series": 2, "starts_at": ANY},
    ),
    Audited(
        "marquee.scheduling.services.showtime_update",
        "showtime.move",
        lambda w: scheduling.showtime_update(
            showtime_id=w.empty_showtime.pk, starts_at=_later(w, 3), staff_user=w.user
        ),
        {"starts_at": ANY, "ends_at": ANY},
    ),
    Audited(
        "marquee.scheduling.formats.format_create",
        "format.create",
        lambda w: formats.format_create(code="3d", name="3D", surcharge=Decimal("40"), staff_user=w.user),
        {"code": "3d", "name": "3D", "surcharge": "40.00"},
    ),
    Audited(
        "marquee.scheduling.formats.format_update",
        "format.update",
        lambda w: formats.format_update(
            format_id=formats.format_create(code="3d", name="3D").pk, surcharge=Decimal("45"), staff_user=w.user
        ),
        {"surcharge": ["0.00", "45.00"]},
    ),
    Audited(
        "marquee.scheduling.formats.format_delete",
        "format.delete",
        lambda w: formats.format_delete(format_id=formats.format_create(code="3d", name="3D").pk, staff_user=w.user),
        {"code": ["3d", None], "name": ["3D", None]},
    ),
    Audited(
        "marquee.scheduling.formats.language_version_create",
        "languageversion.create",
        lambda w: formats.language_version_create(
            code="ov-uk-subs", name_en="Original, Ukrainian subtitles", name_uk="Мовою оригіналу", staff_user=w.user
        ),
        {"code": "ov-uk-subs", "name_en": "Original, Ukrainian subtitles"},
    ),
    Audited(
        "marquee.scheduling.formats.language_version_update",
        "languageversion.update",
        lambda w: formats.language_version_update(
            version_id=formats.language_version_create(code="uk", name_en="Ukrainian").pk,
            name_uk="Українською",
            staff_user=w.user,
        ),
        {"name_uk": ["", "Українською"]},
    ),
    Audited(
        "marquee.scheduling.formats.language_version_delete",
        "languageversion.delete",
        lambda w: formats.language_version_delete(
            version_id=formats.language_version_create(code="uk", name_en="Ukrainian").pk, staff_user=w.user
        ),
        {"code": ["uk", None]},
    ),
    Audited(
        "marquee.scheduling.services.showtime_update",
        "showtime.update",
        lambda w: scheduling.showtime_update(
            showtime_id=w.showtime.pk,
            format_code=formats.format_create(code="3d", name="3D").code,
            staff_user=w.user,
        ),
        {"format": [None, "3d"]},
    ),
    Audited(
        "marquee.payments.services.showtime_cancel",
        "showtime.cancel",
        lambda w: payments.showtime_cancel(showtime_id=w.showtime.pk, staff_user=w.user),
        {"status": ["scheduled", "cancelled"], "bookings_cancelled": ANY},
    ),
    Audited(
        "marquee.payments.services.showtime_delete",
        "showtime.delete",
        lambda w: payments.showtime_delete(showtime_id=w.empty_showtime.pk, staff_user=w.user),
        {"starts_at": ANY, "hall": ANY},
    ),
    Audited(
        "marquee.venues.services.hall_create",
        "hall.create",
        lambda w: venues.hall_create(number=77, name="Blue", rows=[RowSpec(row=1, seats=3)], staff_user=w.user),
        {"number": 77, "name": "Blue", "capacity": 3},
    ),
    Audited(
        "marquee.venues.services.hall_update",
        "hall.update",
        lambda w: venues.hall_update(hall_id=w.hall.pk, name="Renamed", staff_user=w.user),
        {"name": [ANY, "Renamed"]},
    ),
    Audited(
        "marquee.venues.services.hall_set_layout",
        "hall.layout",
        lambda w: venues.hall_set_layout(
            hall_id=w.hall.pk,
            rows=[RowSpec(row=1, seats=4, base_price=Decimal("100.00")), RowSpec(row=2, seats=6)],
            staff_user=w.user,
        ),
        {"capacity": [8, 10], "seats_added": 2},
    ),
    Audited(
        "marquee.venues.services.seat_update",
        "seat.update",
        lambda w: venues.seat_update(seat_id=_free_seat(w).pk, seat_type="vip", staff_user=w.user),
        {"seat_type": ["standard", "vip"]},
    ),
    Audited(
        "marquee.venues.services.seat_add",
        "seat.add",
        lambda w: venues.seat_add(
            hall_id=w.hall.pk,
            row_number=3,
            seat_number=1,
            seat_type="standard",
            base_price=Decimal("90.00"),
            staff_user=w.user,
        ),
        {"base_price": "90.00", "capacity": 9},
    ),
    Audited(
        "marquee.venues.services.seat_remove",
        "seat.remove",
        lambda w: venues.seat_remove(seat_id=_free_seat(w).pk, staff_user=w.user),
        {"seat_type": ["standard", None]},
    ),
    Audited(
        "marquee.venues.services.hall_delete",
        "hall.delete",
        lambda w: venues.hall_delete(
            hall_id=venues.hall_create(number=78, name="Spare", rows=[RowSpec(row=1, seats=2)]).pk,
            staff_user=w.user,
        ),
        {"name": ["Spare", None], "capacity": [2, None]},
    ),
    Audited(
        "marquee.pricing.services.tariff_create",
        "tariff.create",
        lambda w: pricing.tariff_create(
            name="Morning",
            start_time=dt.time(9),
            end_time=dt.time(12),
            price_multiplier=Decimal("0.8"),
            staff_user=w.user,
        ),
        {"name_en": "Morning", "price_multiplier": "0.80"},
    ),
    Audited(
        "marquee.pricing.services.tariff_update",
        "tariff.update",
        lambda w: pricing.tariff_update(tariff_id=w.tariff.pk, price_multiplier=Decimal("1.5"), staff_user=w.user),
        {"price_multiplier": ["1.25", "1.50"]},
    ),
    Audited(
        "marquee.pricing.services.tariff_delete",
        "tariff.delete",
        lambda w: pricing.tariff_delete(tariff_id=w.tariff.pk, staff_user=w.user),
        {"name_en": ["Evening", None]},
    ),
    Audited(
        "marquee.pricing.ticket_types.ticket_type_create",
        "tickettype.create",
        lambda w: ticket_types.ticket_type_create(
            code="child", name_en="Child", multiplier=Decimal("0.6"), max_age_rating=12, staff_user=w.user
        ),
        {"code": "child", "multiplier": "0.60", "max_age_rating": 12},
    ),
    Audited(
        "marquee.pricing.ticket_types.ticket_type_update",
        "tickettype.update",
        lambda w: ticket_types.ticket_type_update(ticket_type_id=_adult(w), door_note_en="Over 14", staff_user=w.user),
        {"door_note_en": ["", "Over 14"]},
    ),
    Audited(
        "marquee.pricing.ticket_types.ticket_type_delete",
        "tickettype.delete",
        lambda w: ticket_types.ticket_type_delete(
            ticket_type_id=ticket_types.ticket_type_create(code="senior", name_en="Senior").pk, staff_user=w.user
        ),
        {"code": ["senior", None], "name_en": ["Senior", None]},
    ),
    Audited(
        "marquee.payments.services.payment_record_box_office",
        "booking.mark_paid",
        lambda w: payments.payment_record_box_office(
            reference=w.pending.reference, method="card_terminal", staff_user=w.user
        ),
        {"status": ["pending", "paid"], "method": "card_terminal", "amount": "100.00"},
    ),
    Audited(
        "marquee.payments.services.booking_cancel",
        "booking.cancel",
        lambda w: payments.booking_cancel(
            reference=w.paid.reference, by_staff=True, refund="50.00", reason="Came late", staff_user=w.user
        ),
        {"status": ["paid", "cancelled"], "refund": "50.00", "refunded": "50.00", "reason": "Came late"},
    ),
    Audited(
        "marquee.payments.services.refund_create",
        "booking.refund",
        lambda w: payments.refund_create(
            reference=w.paid.reference, amount="30.00", reason="Broken seat", staff_user=w.user
        ),
        {"amount": "30.00", "reason": "Broken seat", "refunded": ["0.00", "30.00"], "provider": "cash"},
    ),
    Audited(
        "marquee.booking.services.booking_resend",
        "booking.resend",
        lambda w: booking_services.booking_resend(reference=w.paid.reference, staff_user=w.user),
        {"mail": "resend"},
    ),
    Audited(
        "marquee.notifications.services.mail_requeue",
        "mail.resend",
        lambda w: notifications.mail_requeue(mail_id=_sent_tickets(w), staff_user=w.user),
        {"kind": "resend"},
    ),
    Audited(
        "marquee.privacy.services.customer_erase",
        "customer.erase",
        lambda w: privacy.customer_erase(
            customer_id=w.pending.customer_id, reason="customer_request", erased_by=w.user
        ),
        {"reason": ANY, "bookings": 1},
    ),
    Audited(
        "marquee.booking.house_seats.seats_block",
        "showtime.block_seats",
        lambda w: house_seats.seats_block(
            showtime_id=w.showtime.pk, seat_ids=[_free_seat(w).pk], reason="broken", staff_user=w.user
        ),
        {"seats": ANY, "reason": "broken"},
    ),
    Audited(
        "marquee.booking.house_seats.seats_release",
        "showtime.release_seats",
        lambda w: (
            house_seats.seats_block(
                showtime_id=w.showtime.pk, seat_ids=[_free_seat(w).pk], reason="press", staff_user=w.user
            ),
            house_seats.seats_release(showtime_id=w.showtime.pk, seat_ids=[_free_seat(w).pk], staff_user=w.user),
        ),
        {"seats": ANY},
    ),
    Audited(
        "marquee.payments.moves.booking_move",
        "booking.move",
        lambda w: payment_moves.booking_move(
            reference=w.paid.reference,
            showtime_id=w.empty_showtime.pk,
            seat_ids=list(w.paid.seats.values_list("seat_id", flat=True)),
            method="cash",
            staff_user=w.user,
        ),
        {"showtime": [ANY, ANY]},
    ),
    Audited(
        "marquee.booking.moves.showtime_move",
        "showtime.move",
        lambda w: booking_moves.showtime_move(
            showtime_id=w.showtime.pk, starts_at=w.showtime.starts_at + dt.timedelta(minutes=30), staff_user=w.user
        ),
        {"starts_at": [ANY, ANY]},
    ),
    Audited(
        "marquee.booking.checkin.ticket_check_in",
        "booking.checkin_override",
        lambda w: checkin.ticket_check_in(
            code=checkin.ticket_code_of(w.paid.seats.first()),
            showtime_id=w.empty_showtime.pk,
            override=True,
            staff_user=w.user,
        ),
        {},
    ),
    Audited(
        "marquee.payments.counter.counter_sell",
        "booking.sell",
        lambda w: counter.counter_sell(
            showtime_id=w.showtime.pk, seat_ids=[_free_seat(w).pk], method="cash", staff_user=w.user
        ),
        {"method": "cash", "channel": "box_office", "total": ANY, "seats": ANY, "showtime": ANY},
    ),
    Audited(
        "marquee.catalog.services.genre_create",
        "genre.create",
        lambda w: catalog.genre_create(name_en="Western", name_uk="Вестерн", staff_user=w.user),
        {"name_en": [None, "Western"], "name_uk": [None, "Вестерн"]},
    ),
    Audited(
        "marquee.catalog.services.genre_update",
        "genre.update",
        lambda w: catalog.genre_update(genre_id=w.showtime.movie.genres.first().pk, name_uk="Драма", staff_user=w.user),
        {"name_uk": [ANY, "Драма"]},
    ),
    Audited(
        "marquee.catalog.services.genre_delete",
        "genre.delete",
        lambda w: catalog.genre_delete(genre_id=catalog.genre_create(name_en="Spare").pk, staff_user=w.user),
        {"name_en": ["Spare", None]},
    ),
    Audited(
        "marquee.catalog.services.movie_create",
        "movie.create",
        lambda w: catalog.movie_create(
            title_en="Dovzhenko",
            duration_min=90,
            release_year=2024,
            genre_ids=[w.showtime.movie.genres.first().pk],
            staff_user=w.user,
        ),
        {"title_en": [None, "Dovzhenko"]},
    ),
    Audited(
        "marquee.catalog.services.movie_update",
        "movie.update",
        lambda w: catalog.movie_update(movie_id=w.showtime.movie_id, title_uk="Довженко", staff_user=w.user),
        {"title_uk": [ANY, "Довженко"]},
    ),
    Audited(
        "marquee.catalog.services.movie_delete",
        "movie.delete",
        lambda w: catalog.movie_delete(
            movie_id=catalog.movie_create(
                title_en="Spare", duration_min=90, release_year=2024, genre_ids=[w.showtime.movie.genres.first().pk]
            ).pk,
            staff_user=w.user,
        ),
        {"title_en": ["Spare", None]},
    ),
    Audited(
        "marquee.settlement.services.movie_create",
        "movie.create",
        lambda w: settlement.movie_create(
            title_en="Zemlia",
            duration_min=75,
            release_year=1930,
            genre_ids=[w.showtime.movie.genres.first().pk],
            distributor_id=settlement.distributor_create(name="Dovzhenko Centre").pk,
            staff_user=w.user,
        ),
        {"title_en": [None, "Zemlia"], "distributor": [None, "Dovzhenko Centre"]},
    ),
    Audited(
        "marquee.settlement.services.movie_update",
        "movie.update",
        lambda w: settlement.movie_update(
            movie_id=w.showtime.movie_id,
            distributor_id=settlement.distributor_create(name="Arthouse Traffic").pk,
            staff_user=w.user,
        ),
        {"distributor": [None, "Arthouse Traffic"]},
    ),
    Audited(
        "marquee.settlement.services.distributor_create",
        "distributor.create",
        lambda w: settlement.distributor_create(name="Bohdan Films", vat_rate=Decimal("20.00"), staff_user=w.user),
        {"name": [None, "Bohdan Films"], "vat_rate": [None, "20.00"]},
    ),
    Audited(
        "marquee.settlement.services.distributor_update",
        "distributor.update",
        lambda w: settlement.distributor_update(
            distributor_id=settlement.distributor_create(name="Kinomania").pk, vat_rate=Decimal("7"), staff_user=w.user
        ),
        {"vat_rate": ["20.00", "7.00"]},
    ),
    Audited(
        "marquee.settlement.services.distributor_delete",
        "distributor.delete",
        lambda w: settlement.distributor_delete(
            distributor_id=settlement.distributor_create(name="Gone Films").pk, staff_user=w.user
        ),
        {"name": ["Gone Films", None]},
    ),
    Audited(
        "marquee.settlement.services.rental_terms_set",
        "rentalterm.set",
        lambda w: settlement.rental_terms_set(
            movie_id=w.showtime.movie_id,
            terms=[settlement.TermSpec(1, Decimal("55")), settlement.TermSpec(2, Decimal("50"), Decimal("300"))],
            staff_user=w.user,
        ),
        {"terms": [None, "1+: 55.00%; 2+: 50.00% ≥ 300.00"]},
    ),
    Audited(
        "marquee.settlement.services.settlement_email",
        "settlement.emailed",
        lambda w: settlement.settlement_email(
            distributor_id=settlement.distributor_create(name="Mail Films", email="films@example.com").pk,
            day=w.showtime.starts_at.date(),
            staff_user=w.user,
        ),
        {"week": ANY, "mail": ANY},
    ),
    Audited(
        "marquee.promotions.services.promo_code_create",
        "promocode.create",
        lambda w: promotions.promo_code_create(
            code="kino20", terms=promotions.CodeTerms(kind="percent", value=Decimal("20")), staff_user=w.user
        ),
        {"code": "KINO20", "kind": "percent", "value": "20.00"},
    ),
    Audited(
        "marquee.promotions.services.promo_code_update",
        "promocode.update",
        lambda w: promotions.promo_code_update(
            promo_code_id=_promo(w).pk, changes={"value": Decimal("25"), "max_uses": 10}, staff_user=w.user
        ),
        {"value": ["20.00", "25.00"], "max_uses": [None, 10]},
    ),
    Audited(
        "marquee.promotions.services.promo_code_deactivate",
        "promocode.deactivate",
        lambda w: promotions.promo_code_deactivate(promo_code_id=_promo(w).pk, staff_user=w.user),
        {"is_active": [True, False]},
    ),
    Audited(
        "marquee.promotions.services.promo_batch_create",
        "promobatch.created",
        lambda w: promotions.promo_batch_create(
            quantity=3, prefix="gift", terms=promotions.CodeTerms(kind="amount", value=Decimal("50")), staff_user=w.user
        ),
        {"prefix": "GIFT", "quantity": 3, "kind": "amount", "value": "50.00"},
    ),
]


def _promo(w: World):
    return promotions.promo_code_create(code="SPARE", terms=promotions.CodeTerms(kind="percent", value=Decimal("20")))


def _sent_tickets(w: World) -> int:
    mail = OutgoingMail.objects.filter(booking=w.paid).order_by("pk").first()
    OutgoingMail.objects.filter(pk=mail.pk).update(status="sent", sent_at=now())
    return mail.pk


PAYMENTS_WRAPS = "called by staff through marquee.payments.services.{0}, whose record AUDITED checks"
NOT_STAFF_CHANGES: dict[str, str] = {
    "marquee.waiting_room.services.arrival_join": "a visitor joining a queue",
    "marquee.waiting_room.services.sale_draw": "the clock's doing: places drawn at the opening",
    "marquee.waiting_room.services.arrival_place_late": "a visitor placed at the end after the draw",
    "marquee.waiting_room.services.arrival_admit": "the queue letting a visitor through at its rate",
    "marquee.waiting_room.services.pass_seats_take": "a customer's hold counted against their pass",
    "marquee.waiting_room.services.pass_seats_give_back": "a customer's failed hold given back to their pass",
    "marquee.scheduling.services.showtime_conflicts": "a read",
    "marquee.scheduling.formats.format_by_code": "a read",
    "marquee.scheduling.formats.language_version_by_code": "a read",
    "marquee.scheduling.formats.presentation_lock": "a lock inside the caller's transaction",
    "marquee.scheduling.formats.showtime_presentation_facts": "formats a showtime's format and version",
    "marquee.booking.services.booking_cancel": PAYMENTS_WRAPS.format("booking_cancel"),
    "marquee.booking.services.showtime_cancel": PAYMENTS_WRAPS.format("showtime_cancel"),
    "marquee.booking.services.showtime_delete": PAYMENTS_WRAPS.format("showtime_delete"),
    "marquee.booking.services.booking_check_tickets_requeue": "a check inside mail_requeue (audited)",
    "marquee.booking.services.booking_expire_if_lapsed": "the clock's doing (a hold lapsed), not a person's",
    "marquee.booking.services.bookings_expire": "the worker's sweep of lapsed holds: no one decided it",
    "marquee.booking.services.booking_for_customer": "a read",
    "marquee.booking.services.booking_for_token": "a read",
    "marquee.booking.services.booking_hold": "a customer's hold (a counter sale is audited by its own service)",
    "marquee.booking.services.booking_hold_best": "a customer's hold of the best seats (booking_hold's)",
    "marquee.booking.services.best_seats_held": "chooses seats for a caller's hold (booking_hold's)",
    "marquee.booking.services.booking_hold_extend": "a waiting list's offer lasting longer, in the worker's offer",
    "marquee.waitlist.services.waitlist_join": "a customer joining a waiting list",
    "marquee.waitlist.services.waitlist_leave": "a customer leaving a waiting list (the link in their email)",
    "marquee.waitlist.services.waitlist_offer": "the worker offering freed seats: no one decided it",
    "marquee.waitlist.services.waitlist_settle": "the worker closing offers that were paid or lapsed",
    "marquee.waitlist.services.waitlist_sweep": "the worker's periodic pass over the waiting lists",
    "marquee.booking.services.booking_lock": "a lock inside the caller's transaction",
    "marquee.booking.services.booking_settle_paid": "inside a payment's settling; the box office's is audited",
    "marquee.booking.services.customer_upsert": "a customer's own details, at their hold",
    "marquee.booking.services.customer_withdraw_consent": "the customer's choice (staff pass it on), dated on the row",
    "marquee.payments.services.booking_pay": "a customer paying online",
    "marquee.payments.services.booking_pay_answered": "a customer paying online (the API's answer)",
    "marquee.payments.services.notification_handle": "a provider's word, kept in ProviderNotification",
    "marquee.payments.services.parse_refund_choice": "parses input",
    "marquee.payments.services.payment_check": "asks a provider about a customer's payment",
    "marquee.payments.services.payment_check_one": "asks a provider about a customer's payment",
    "marquee.vouchers.services.voucher_by_code": "reads",
    "marquee.vouchers.services.voucher_check_usable": "checks",
    "marquee.vouchers.services.voucher_spend_locked": "a customer's checkout, in the ledger as a payment",
    "marquee.vouchers.services.entry_link_payment": "part of a spend",
    "marquee.vouchers.services.voucher_give_back_locked": "part of a refund (audited by the refund's caller)",
    "marquee.vouchers.services.valid_until": "computes",
    "marquee.vouchers.services.voucher_order_check": "checks input",
    "marquee.vouchers.services.voucher_create_for_sale": "a customer buying a voucher",
    "marquee.vouchers.services.voucher_activate_locked": "a provider's word reaching the ledger",
    "marquee.vouchers.services.new_payment_key": "draws a key",
    "marquee.payments.voucher_money.voucher_pay_locked": "a customer's checkout",
    "marquee.payments.voucher_money.voucher_amount": "reads",
    "marquee.payments.voucher_money.voucher_amount_of": "computes",
    "marquee.payments.voucher_money.amount_due": "computes",
    "marquee.payments.voucher_money.voucher_money_give_back": "the system giving back unpaid holds' voucher money",
    "marquee.payments.voucher_money.voucher_release_lapsed": "the same, for one voucher",
    "marquee.payments.voucher_money.voucher_sale_settle_succeeded": "a provider's word reaching the ledger",
    "marquee.payments.voucher_sales.voucher_handle": "signs a handle",
    "marquee.payments.voucher_sales.voucher_for_handle": "reads",
    "marquee.payments.voucher_sales.voucher_buy": "a customer buying a voucher",
    "marquee.payments.voucher_sales.voucher_sale_check": "asks a provider about a customer's payment",
    "marquee.payments.voucher_sales.voucher_sale_confirm": "a customer's browser finishing a payment",
    "marquee.payments.services.payment_ask_provider": "starts a customer's payment at its provider",
    "marquee.payments.services.payment_confirm": "a customer's browser finishing a payment",
    "marquee.payments.services.payment_settle": "a provider's word reaching the ledger",
    "marquee.payments.services.payment_start": "a customer starting a payment",
    "marquee.payments.services.payments_reconcile": "the worker asking providers",
    "marquee.payments.refunds.refund_create_locked": "inside refund_create and booking_cancel, which record it",
    "marquee.payments.refunds.refund_execute": "carries out a refund already recorded, at the provider",
    "marquee.payments.refunds.refund_mail_context": "builds an email's context",
    "marquee.payments.refunds.refund_settle": "a provider's word about a refund",
    "marquee.payments.refunds.refunds_retry_due": "the worker retrying refunds",
    "marquee.notifications.services.mail_check_resend_allowed": "a check",
    "marquee.notifications.services.register_requeue_check": "the registry of apps' checks, filled at start-up",
    "marquee.notifications.services.mail_queue": "the outbox, written inside the change that causes the mail",
    "marquee.notifications.services.mail_domain": "a read of the site's mail domain",
    "marquee.booking.services.booking_cancel_hold_locked": "inside payments' booking_cancel, which records it",
    "marquee.privacy.services.email_hmac": "a pure function",
    "marquee.privacy.services.erased_email": "a pure function",
    "marquee.privacy.services.erasure_request_create": "a customer's own request, kept as an ErasureRequest",
    "marquee.marketing.services.campaign_audience_size": "a read",
    "marquee.marketing.services.campaign_send_recommendations": "kept in its own record, Campaign.started_by",
    "marquee.marketing.services.campaign_start": "kept in its own record, Campaign.started_by",
    "marquee.staff.services.api_key_authenticate": "a sign-in, recorded as the key's last use",
    "marquee.staff.services.api_key_create": "an operator's command (manage.py create_api_key), not a staff page",
    "marquee.staff.services.api_key_revoke": "kept on the key itself (revoked_at), from the admin",
    "marquee.staff.services.hash_key": "a pure function",
    "marquee.reports.services.showtimes_tally": "the worker's tally",
    "marquee.reports.services.tally_cutoff": "a pure function",
    "marquee.booking.house_seats.showtime_blocks": "a read",
    "marquee.booking.checkin.door_is_open": "a pure function",
    "marquee.booking.counter.booking_sell": "inside marquee.payments.counter.counter_sell, which records it",
    "marquee.booking.counter.counter_sales_close_at": "a pure function",
    "marquee.booking.counter.counter_sales_open": "a pure function",
    "marquee.booking.counter.counter_showtimes": "a read",
    "marquee.booking.checkin.showtime_named": "formats a showtime",
    "marquee.booking.checkin.ticket_code": "a pure function (signs a code)",
    "marquee.booking.checkin.ticket_code_of": "a pure function (signs a code)",
    "marquee.booking.checkin.ticket_from_code": "a pure function (reads a code)",
    "marquee.booking.moves.booking_move_locked": "inside marquee.payments.moves.booking_move, which records it",
    "marquee.booking.moves.move_quote": "a read (the price a move would have)",
    "marquee.booking.moves.move_targets": "a read",
    "marquee.booking.moves.showtime_fact": "a showtime as the audit records it",
    "marquee.booking.services.seat_ids_taken_locked": "a read inside the caller's transaction",
    "marquee.booking.promo.promo_apply_locked": "a customer's promo code, inside their hold",
    "marquee.booking.promo.promo_code_uses": "a read",
    "marquee.booking.promo.active_bookings": "a query filter",
    "marquee.pricing.ticket_types.ticket_type_allowed": "a pure function",
    "marquee.pricing.ticket_types.ticket_type_offers": "a pure function (prices)",
    "marquee.pricing.ticket_types.ticket_type_refusal": "a pure function (a sentence)",
    "marquee.pricing.ticket_types.ticket_types_for_seats": "a read inside a hold or a sale",
    "marquee.pricing.ticket_types.ticket_types_choose": "the same read, from types already read (no database)",
    "marquee.pricing.ticket_types.ticket_types_for_showtime": "a read",
    "marquee.pricing.ticket_types.ticket_types_on_sale": "a read",
    "marquee.pricing.ticket_types.uniform_base_prices": "a pure function",
    "marquee.payments.services.refunds_create_locked": (
        "inside refund_create, booking_cancel and booking_move, which record it"
    ),
}


def _public_functions() -> set[str]:
    names = set()
    for module_name in STAFF_SERVICE_MODULES:
        module = importlib.import_module(module_name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module_name and not name.startswith("_"):
                names.add(f"{module_name}.{name}")
    return names


def _function(path: str) -> Callable[..., Any]:
    module_name, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), name)


def test_every_service_is_listed():
    audited = {case.service for case in AUDITED}
    public = _public_functions()
    unlisted = public - audited - set(NOT_STAFF_CHANGES)
    assert not unlisted, f"Add these to AUDITED (or to NOT_STAFF_CHANGES, with a reason): {sorted(unlisted)}"
    gone = (audited | set(NOT_STAFF_CHANGES)) - public
    assert not gone, f"Listed but no longer public functions of STAFF_SERVICE_MODULES: {sorted(gone)}"
    assert not audited & set(NOT_STAFF_CHANGES), "A service is in both lists"
    assert all(reason.strip() for reason in NOT_STAFF_CHANGES.values())


@pytest.mark.parametrize("case", AUDITED, ids=lambda c: c.service.rsplit(".", 1)[1])
def test_the_service_takes_the_staff_user(case):
    params = inspect.signature(_function(case.service)).parameters
    actor = "erased_by" if case.service.endswith("customer_erase") else "staff_user"
    assert actor in params and params[actor].kind is inspect.Parameter.KEYWORD_ONLY


def _matches(expected: Any, recorded: Any) -> bool:
    if expected is ANY:
        return True
    if isinstance(expected, list):
        return isinstance(recorded, list) and len(expected) == len(recorded) and all(map(_matches, expected, recorded))
    return expected == recorded


@pytest.mark.django_db
@pytest.mark.parametrize("case", AUDITED, ids=lambda c: c.service.rsplit(".", 1)[1])
def test_the_service_leaves_its_record(case, django_capture_on_commit_callbacks):
    from marquee.audit.labels import FIELD_LABELS

    w = _world()
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    case.run(w)
    new = list(AuditEntry.objects.exclude(pk__in=before).filter(action=case.action))
    assert new, f"{case.service} left no {case.action} record"
    for entry in new:
        assert entry.actor == w.user
        assert entry.actor_name == "auditor"
        assert entry.target_type and entry.target_id
        # Every field it records has a name the page shows (in English and Ukrainian, below).
        assert set(entry.changes) <= set(FIELD_LABELS), (
            f"name these in audit/labels.py: {set(entry.changes) - set(FIELD_LABELS)}"
        )
        for field, expected in case.changes.items():
            assert field in entry.changes, f"{case.action} does not record {field}: {entry.changes}"
            assert _matches(expected, entry.changes[field]), f"{field}: {entry.changes[field]!r}"


def test_every_action_has_a_name_in_english_and_ukrainian():
    from django.utils import translation

    from marquee.audit.labels import ACTION_LABELS, FIELD_LABELS

    assert {case.action for case in AUDITED} <= set(ACTION_LABELS)
    with translation.override("uk"):
        untranslated = [
            str(label)
            for label in [*ACTION_LABELS.values(), *FIELD_LABELS.values()]
            if str(label) != "email" and str(label).isascii()
        ]
    assert not untranslated, f"Translate these in marquee/locale/uk/LC_MESSAGES/django.po: {untranslated}"

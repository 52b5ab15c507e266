"""Reports: occupancy, sales and customers. Pure reads.

Every figure is an aggregate computed by the database; each function runs a fixed number
of queries whatever the data's size. Dates are the cinema's local dates and ranges
include both ends. The staff pages, the staff API and the CSV downloads all read these.

Basis of the figures:
- a showtime's *capacity* is the seats on sale: the hall's seats less those staff kept back
  (house seats, broken seats, the press: marquee.booking.house_seats), so occupancy is the
  share of the seats on sale that were sold;
- a showtime's *sold* seats belong to paid bookings, *held* seats to pending bookings
  whose hold has not lapsed; cancelled showtimes are left out of occupancy;
- sales count the seats of paid bookings at their frozen price (`final_price`), by the
  local date of the showtime (the day the seat is used), in the period asked; comps (seats
  given free at the counter, payment method "comp") are counted apart, not as tickets sold;
  each booking's channel (online, box office) can group or filter them;
- revenue is net of refunds: the succeeded refunds of a paid booking (staff gave part of it
  back without cancelling) are taken off its seats pro rata by seat price, each share
  rounded to the cent and the remainder on the booking's last seat (highest id), so that
  the shares add up exactly to the refund whatever the grouping (movie, day, hall, seat
  type, tariff). A cancelled booking is out of the figures whole, its refunds with it;
  money kept from one (staff cancelled without a full refund) is on the payments page,
  not in ticket revenue. A move's difference is in its seats' new prices, so a refund of it
  (moved to cheaper seats) is not taken off again. Tallies keep the gross figures; refunds, which may come after a
  showtime has begun, are taken off when a report is read;
- the customers report counts the same seats per buyer (so its revenue adds up to the
  sales total of the period and hall, less walk-in sales at the box office without an
  email, which have no buyer).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Rank, TruncDate

from marquee.booking.models import COMP, Booking, BookingSeat, BookingStatus, Channel, Customer, SeatBlock
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import cinema_tz, day_bounds, local
from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.core.languages import localized_expression
from marquee.core.money import to_money
from marquee.core.pages import Page, page_of
from marquee.core.rows import row_or_not_found
from marquee.payments.models import Refund, RefundStatus
from marquee.reports.models import ShowtimeTallyCell
from marquee.scheduling.models import ShowtimeStatus
from marquee.scheduling.selectors import showtimes_scheduled_between
from marquee.venues.models import SeatType

NEARLY_FULL = 0.8  # a showtime at least this share sold counts as "nearly full"
MAX_RANGE_DAYS = 800  # a longer range is refused: no report is asked for more than two years


def check_range(start: dt.date, end: dt.date) -> None:
    """Refuse an inverted, unreasonably long or far-fetched period with a validation error."""
    for name, day in (("from", start), ("to", end)):
        if not 1971 <= day.year <= 2199:
            raise ValidationFailed("The period is out of range.", fields={name: ["Give a year from 1971 to 2199."]})
    if start > end:
        raise ValidationFailed("The period ends before it starts.", fields={"to": ["Must be on or after `from`."]})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed(
            "The period is too long.", fields={"to": [f"A report covers at most {MAX_RANGE_DAYS} days."]}
        )


def _period(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    check_range(start, end)
    return day_bounds(start)[0], day_bounds(end)[1]


# --- occupancy -------------------------------------------------------------------------


@dataclass(frozen=True)
class OccupancyRow:
    showtime_id: int
    starts_at: dt.datetime
    movie_id: int
    movie_title: str
    hall_id: int
    hall_number: int
    hall_name: str
    capacity: int
    sold: int
    held: int

    @property
    def occupancy(self) -> float:
        """The share of seats sold, 0.0 to 1.0."""
        return round(self.sold / self.capacity, 4) if self.capacity else 0.0

    @property
    def free(self) -> int:
        return max(self.capacity - self.sold - self.held, 0)

    @cached_property
    def local_start(self) -> dt.datetime:
        return local(self.starts_at)

    @cached_property
    def day(self) -> dt.date:
        return self.local_start.date()

    @property
    def nearly_full(self) -> bool:
        return self.capacity > 0 and self.sold >= NEARLY_FULL * self.capacity

    @property
    def sold_out(self) -> bool:
        return self.capacity > 0 and self.sold >= self.capacity


def occupancy(
    *, start: dt.date, end: dt.date, hall_id: int | None = None, at: dt.datetime | None = None
) -> list[OccupancyRow]:
    """Each scheduled showtime starting in the period, by start: capacity, sold, held.

    Three queries: the showtimes with their tallies (marquee.reports.models); paid seats
    counted per showtime for those not tallied yet; live holds (only for showtimes still
    to begin: holds end at the start).
    """
    lo, hi = _period(start, end)
    at = at or clock_now()
    shows = showtimes_scheduled_between(lo, hi)
    seats = BookingSeat.objects.filter(
        showtime__starts_at__gte=lo, showtime__starts_at__lt=hi, showtime__status=ShowtimeStatus.SCHEDULED
    )
    if hall_id is not None:
        shows = shows.filter(hall_id=hall_id)
        seats = seats.filter(showtime__hall_id=hall_id)
    # Seats kept back by staff are not for sale: capacity is the hall's seats less those.
    kept = SeatBlock.objects.filter(showtime=OuterRef("pk")).order_by().values("showtime").annotate(n=Count("pk"))
    shows = shows.annotate(kept=Coalesce(Subquery(kept.values("n"), output_field=IntegerField()), Value(0)))
    rows = shows.order_by("starts_at", "hall__number", "pk").values_list(
        "pk",
        "starts_at",
        "movie_id",
        localized_expression("movie__title"),
        "hall_id",
        "hall__number",
        "hall__name",
        "hall__capacity",
        "tally__capacity",
        "tally__sold",
        "kept",
    )
    sold = _count_by_showtime(seats.filter(status=BookingStatus.PAID, showtime__tally__isnull=True))
    held = _count_by_showtime(
        seats.filter(showtime__starts_at__gt=at, status=BookingStatus.PENDING, booking__expires_at__gt=at)
    )
    return [
        OccupancyRow(
            showtime_id=pk,
            starts_at=starts_at,
            movie_id=movie_id,
            movie_title=title,
            hall_id=hall,
            hall_number=number,
            hall_name=name,
            capacity=max(capacity - kept_back, 0) if tallied_capacity is None else tallied_capacity,
            sold=sold.get(pk, 0) if tallied_sold is None else tallied_sold,
            held=held.get(pk, 0),
        )
        for (
            pk,
            starts_at,
            movie_id,
            title,
            hall,
            number,
            name,
            capacity,
            tallied_capacity,
            tallied_sold,
            kept_back,
        ) in rows
    ]


def _count_by_showtime(seats: QuerySet[BookingSeat]) -> dict[int, int]:
    return dict(seats.order_by().values("showtime_id").annotate(n=Count("pk")).values_list("showtime_id", "n"))


@dataclass(frozen=True)
class HallRef:
    id: int
    number: int
    name: str


@dataclass(frozen=True)
class HeatMap:
    """Average share sold per hall and local day; None where the hall had no showtime."""

    days: list[dt.date]
    halls: list[HallRef]
    values: dict[tuple[int, dt.date], float]

    def value(self, hall_id: int, day: dt.date) -> float | None:
        return self.values.get((hall_id, day))

    @property
    def rows(self) -> list[tuple[HallRef, list[float | None]]]:
        return [(h, [self.values.get((h.id, d)) for d in self.days]) for h in self.halls]


def occupancy_heat_map(
    *,
    start: dt.date,
    end: dt.date,
    hall_id: int | None = None,
    rows: Sequence[OccupancyRow] | None = None,
) -> HeatMap:
    """Halls × days of the period. Pass `rows` from `occupancy()` to reuse them (no query)."""
    if rows is None:
        rows = occupancy(start=start, end=end, hall_id=hall_id)
    else:
        check_range(start, end)
    sums: dict[tuple[int, dt.date], list[float]] = defaultdict(list)
    halls: dict[int, HallRef] = {}
    for row in rows:
        sums[(row.hall_id, row.day)].append(row.sold / row.capacity if row.capacity else 0.0)
        halls.setdefault(row.hall_id, HallRef(row.hall_id, row.hall_number, row.hall_name))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return HeatMap(
        days=days,
        halls=sorted(halls.values(), key=lambda h: h.number),
        values={key: round(sum(v) / len(v), 4) for key, v in sums.items()},
    )


@dataclass(frozen=True)
class WeekSignal:
    """One ISO week: how many showtimes were nearly full (≥ 80% sold) or sold out."""

    year: int
    week: int
    monday: dt.date
    showtimes: int
    nearly_full: int
    sold_out: int

    @property
    def nearly_full_share(self) -> float:
        return round(self.nearly_full / self.showtimes, 4) if self.showtimes else 0.0

    @property
    def sold_out_share(self) -> float:
        return round(self.sold_out / self.showtimes, 4) if self.showtimes else 0.0

    @property
    def level(self) -> Literal["expand", "watch", "fine"]:
        if self.nearly_full_share >= 0.4 or self.sold_out_share >= 0.15:
            return "expand"
        if self.nearly_full_share >= 0.2 or self.sold_out_share >= 0.05:
            return "watch"
        return "fine"

    @property
    def advice(self) -> str:
        return {
            "expand": "demand exceeds capacity; consider adding a screen or more evening showtimes.",
            "watch": "halls are often nearly full at peak times; schedule more showtimes at the busiest hours "
            "and watch the trend before adding a screen.",
            "fine": "there is spare capacity; no need for another screen.",
        }[self.level]

    def sentence(self, *, label: str | None = None) -> str:
        when = label or f"In the week of {self.monday:%d %b %Y}"
        return (
            f"{when} {self.nearly_full_share:.0%} of showtimes were at least {NEARLY_FULL:.0%} full "
            f"and {self.sold_out_share:.0%} sold out: {self.advice}"
        )


@dataclass(frozen=True)
class ExpansionSignal:
    weeks: list[WeekSignal]
    sentence: str  # about the latest week of the period that has showtimes

    @property
    def latest(self) -> WeekSignal | None:
        return self.weeks[-1] if self.weeks else None


def expansion_signal(
    *,
    start: dt.date,
    end: dt.date,
    hall_id: int | None = None,
    rows: Sequence[OccupancyRow] | None = None,
    at: dt.datetime | None = None,
) -> ExpansionSignal:
    """Per ISO week of the period, the share of showtimes nearly full and sold out, with
    a sentence the admin can act on. Only showtimes that have begun count (the others are
    still selling). Pass `rows` from `occupancy()` to reuse them."""
    at = at or clock_now()
    if rows is None:
        rows = occupancy(start=start, end=end, hall_id=hall_id, at=at)
    else:
        check_range(start, end)
    counts: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        if row.starts_at > at:
            continue
        year, week, _ = row.day.isocalendar()
        c = counts.setdefault((year, week), [0, 0, 0])
        c[0] += 1
        c[1] += row.nearly_full
        c[2] += row.sold_out
    weeks = [
        WeekSignal(
            year=y, week=w, monday=dt.date.fromisocalendar(y, w, 1), showtimes=c[0], nearly_full=c[1], sold_out=c[2]
        )
        for (y, w), c in sorted(counts.items())
    ]
    if not weeks:
        return ExpansionSignal(weeks=[], sentence="No showtimes have played in this period, so nothing to judge yet.")
    latest = weeks[-1]
    today = local(at).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    label = {
        this_monday: "This week so far",
        this_monday - dt.timedelta(days=7): "Last week",
    }.get(latest.monday)
    return ExpansionSignal(weeks=weeks, sentence=latest.sentence(label=label))


# --- sales -----------------------------------------------------------------------------

GroupBy = Literal["movie", "day", "hall", "seat_type", "tariff", "ticket_type", "channel"]
GROUP_BYS: tuple[str, ...] = ("movie", "day", "hall", "seat_type", "tariff", "ticket_type", "channel")
CHANNELS: tuple[str, ...] = tuple(Channel.values)
_CHANNEL_ORDER = {v: i for i, v in enumerate(Channel.values)}
# A seat of a comp (free at the counter, with a reason): counted apart from sold tickets.
_COMP_SEAT = Q(booking__payment_method=COMP)
NO_TARIFF = "No tariff"
NO_TICKET_TYPE = "No ticket type"  # seats sold before ticket types, had any escaped the migration
_SEAT_TYPE_ORDER = {v: i for i, v in enumerate(SeatType.values)}


@dataclass(frozen=True)
class SalesRow:
    key: str
    tickets: int  # sold: comps are not among them
    revenue: Decimal
    id: int | None = None  # the movie's or hall's id, where the key is one
    comps: int = 0  # tickets given free at the counter


@dataclass(frozen=True)
class SalesReport:
    group_by: str
    start: dt.date
    end: dt.date
    rows: list[SalesRow]
    currency: str
    tickets: int = 0
    revenue: Decimal = field(default_factory=lambda: Decimal("0.00"))
    comps: int = 0
    channel: str = ""  # the channel asked for, or "" for both


def _grouping(group_by: str, *, tallied: bool) -> dict[str, Any]:
    """The key, id and sort expressions of a grouping, for tally cells or booked seats."""
    if group_by == "movie":
        return {"key": localized_expression("showtime__movie__title"), "kid": F("showtime__movie_id"), "sort": Value(0)}
    if group_by == "hall":
        return {"key": F("showtime__hall__name"), "kid": F("showtime__hall_id"), "sort": F("showtime__hall__number")}
    if group_by == "day":
        day = TruncDate("showtime__starts_at", tzinfo=cinema_tz())
        return {"key": day, "kid": Value(None, output_field=IntegerField()), "sort": Value(0)}
    field_name = {
        "seat_type": "seat_type" if tallied else "seat__seat_type",
        "tariff": "tariff_name",
        "ticket_type": "ticket_type_name",
        "channel": "channel" if tallied else "booking__channel",
    }[group_by]
    return {"key": F(field_name), "kid": Value(None, output_field=IntegerField()), "sort": Value(0)}


def _sales_key(group_by: str, value: Any) -> str:
    if group_by == "day":
        return str(value.isoformat())
    if group_by == "tariff":
        return str(value) or NO_TARIFF
    if group_by == "ticket_type":
        return str(value) or NO_TICKET_TYPE
    return str(value)


def sales(
    *, start: dt.date, end: dt.date, group_by: GroupBy | str, hall_id: int | None = None, channel: str = ""
) -> SalesReport:
    """Tickets and revenue of paid seats for showtimes in the period, grouped; comps (free
    tickets given at the counter) counted apart. `channel` ("online", "box_office") keeps
    one channel's sales; "" both.

    Three queries: tallied showtimes from their tally cells, the others from their seats,
    and the refunds of paid bookings (taken off the revenue).
    """
    if group_by not in GROUP_BYS:
        raise ValidationFailed("Unknown grouping.", fields={"group_by": [f"One of {', '.join(GROUP_BYS)}."]})
    if channel and channel not in CHANNELS:
        raise ValidationFailed("Unknown channel.", fields={"channel": [f"One of {', '.join(CHANNELS)}."]})
    lo, hi = _period(start, end)
    cells = ShowtimeTallyCell.objects.filter(
        showtime__starts_at__gte=lo, showtime__starts_at__lt=hi, showtime__status=ShowtimeStatus.SCHEDULED
    )
    seats = BookingSeat.objects.filter(
        status=BookingStatus.PAID,
        showtime__starts_at__gte=lo,
        showtime__starts_at__lt=hi,
        showtime__tally__isnull=True,
    )
    if hall_id is not None:
        cells = cells.filter(showtime__hall_id=hall_id)
        seats = seats.filter(showtime__hall_id=hall_id)
    if channel:
        cells = cells.filter(channel=channel)
        seats = seats.filter(booking__channel=channel)
    tallied: Any = (
        cells.order_by()
        .values(**_grouping(group_by, tallied=True))
        .annotate(
            sold=Sum("tickets", filter=Q(comp=False)),
            comps=Sum("tickets", filter=Q(comp=True)),
            revenue=Sum("revenue"),
        )
    )
    live: Any = (
        seats.order_by()
        .values(**_grouping(group_by, tallied=False))
        .annotate(
            sold=Count("pk", filter=~_COMP_SEAT), comps=Count("pk", filter=_COMP_SEAT), revenue=Sum("final_price")
        )
    )
    found: list[dict[str, Any]] = [*tallied, *live]
    merged: dict[tuple[Any, Any], list[Any]] = {}
    for r in found:
        entry = merged.setdefault((r["key"], r["kid"]), [0, Decimal("0.00"), r["sort"], 0])
        entry[0] += r["sold"] or 0
        entry[1] += r["revenue"] or Decimal("0.00")
        entry[3] += r["comps"] or 0
    for group, refunded in _refunds_by_group(group_by, lo=lo, hi=hi, hall_id=hall_id, channel=channel).items():
        if group in merged:
            merged[group][1] -= refunded
    rows = [
        SalesRow(key=_sales_key(group_by, key), tickets=int(t), revenue=to_money(rev), id=kid, comps=int(comps))
        for (key, kid), (t, rev, _sort, comps) in sorted(merged.items(), key=lambda kv: _sales_order(group_by, kv))
    ]
    return SalesReport(
        group_by=group_by,
        start=start,
        end=end,
        rows=rows,
        currency=settings.CURRENCY,
        tickets=sum(r.tickets for r in rows),
        revenue=to_money(sum((r.revenue for r in rows), Decimal("0.00"))),
        comps=sum(r.comps for r in rows),
        channel=channel,
    )


def _succeeded_refunds_of_booking(booking: Any) -> QuerySet[Refund]:
    # A move's refund is already in its seats' prices (marquee.payments.moves).
    return Refund.objects.filter(payment__booking_id=booking, status=RefundStatus.SUCCEEDED, purpose="booking")


def _refunds_by_group(
    group_by: str, *, lo: dt.datetime, hi: dt.datetime, hall_id: int | None, channel: str = ""
) -> dict[Any, Decimal]:
    """The succeeded refunds of paid bookings for showtimes in the period, spread over each
    booking's seats pro rata by seat price (the remainder of the cents on its last seat)
    and summed per group. One query: the seats of refunded paid bookings, each with its
    booking's refunded sum."""
    refunded = (
        _succeeded_refunds_of_booking(OuterRef("booking_id"))
        .order_by()
        .values("payment__booking_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    seats = BookingSeat.objects.filter(
        Exists(_succeeded_refunds_of_booking(OuterRef("booking_id"))),
        status=BookingStatus.PAID,
        showtime__starts_at__gte=lo,
        showtime__starts_at__lt=hi,
    )
    if hall_id is not None:
        seats = seats.filter(showtime__hall_id=hall_id)
    if channel:
        seats = seats.filter(booking__channel=channel)
    rows: Any = (
        seats.annotate(refunded=Subquery(refunded, output_field=DecimalField(max_digits=12, decimal_places=2)))
        .order_by("booking_id", "pk")
        .values("booking_id", "final_price", "refunded", **_grouping(group_by, tallied=False))
    )
    by_booking: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_booking[row["booking_id"]].append(row)
    deductions: dict[Any, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for booking_seats in by_booking.values():
        prices = [Decimal(r["final_price"]) for r in booking_seats]
        for row, share in zip(booking_seats, refund_shares(Decimal(booking_seats[0]["refunded"]), prices), strict=True):
            deductions[(row["key"], row["kid"])] += share
    return dict(deductions)


def refund_shares(refunded: Decimal, prices: Sequence[Decimal]) -> list[Decimal]:
    """`refunded` spread over seats of these prices, pro rata, to the cent: every share but
    the last rounded half up, the last what is left, so that they add up exactly. Never
    more than the seats cost (a refund past the booking's total is capped at it)."""
    total = sum(prices, Decimal("0.00"))
    refunded = min(to_money(refunded), total)
    if not prices:
        return []
    if total == 0:
        return [Decimal("0.00")] * (len(prices) - 1) + [refunded]
    shares = [to_money(refunded * price / total) for price in prices[:-1]]
    return [*shares, refunded - sum(shares, Decimal("0.00"))]


def _sales_order(group_by: str, item: tuple[tuple[Any, Any], list[Any]]) -> tuple[Any, ...]:
    """Days and halls in order, seat types as listed, movies, tariffs and ticket types by revenue."""
    (key, _kid), (_tickets, revenue, sort, _comps) = item
    if group_by in ("movie", "tariff", "ticket_type"):
        return (-revenue, str(key))
    if group_by == "seat_type":
        return (_SEAT_TYPE_ORDER.get(key, 99), str(key))
    if group_by == "channel":
        return (_CHANNEL_ORDER.get(key, 99), str(key))
    if group_by == "hall":
        return (sort, str(key))
    return (key,)


# --- customers -------------------------------------------------------------------------


def customer_search(*, query: str = "", limit: int = 50, offset: int = 0) -> Page[Customer]:
    """Customers whose name, email or phone contain every word of `query`. Two queries.
    Erased customers are left out: nothing of them is left to find."""
    qs = Customer.objects.filter(erased_at__isnull=True)
    for word in query.split()[:8]:
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
        )
    qs = qs.order_by("last_name", "first_name", "pk")
    return page_of(qs, limit=limit, offset=offset)


@dataclass(frozen=True)
class WatchedItem:
    showtime_id: int
    starts_at: dt.datetime
    movie_id: int
    movie_title: str
    movie_duration_min: int
    movie_age_rating: int
    hall_name: str


@dataclass(frozen=True)
class GenreCount:
    id: int
    name: str
    count: int  # showtimes of this genre the customer watched


@dataclass(frozen=True)
class CustomerProfile:
    customer: Customer
    bookings: list[Booking]
    watched: list[WatchedItem]
    favourite_genres: list[GenreCount]


def _watched_bookings(at: dt.datetime) -> Q:
    return Q(status=BookingStatus.PAID, showtime__starts_at__lte=at)


def customer_bookings(*, customer_id: int, limit: int = 200) -> list[Booking]:
    """The customer's latest bookings with showtime, movie, hall and seats. Two queries."""
    return list(
        Booking.objects.filter(customer_id=customer_id)
        .select_related("customer", "showtime__movie", "showtime__hall")
        .prefetch_related(Prefetch("seats", BookingSeat.objects.select_related("seat")))
        .order_by("-booked_at", "-pk")[:limit]
    )


def customer_watch_history(*, customer_id: int, at: dt.datetime | None = None) -> list[WatchedItem]:
    """Showtimes of the customer's paid bookings that have begun, latest first. One query."""
    at = at or clock_now()
    rows = (
        Booking.objects.filter(_watched_bookings(at), customer_id=customer_id)
        .order_by("-showtime__starts_at", "showtime_id")
        .values(
            "showtime_id",
            "showtime__starts_at",
            "showtime__movie_id",
            "showtime__movie__duration_min",
            "showtime__movie__age_rating",
            "showtime__hall__name",
            movie_title=localized_expression("showtime__movie__title"),
        )
        .distinct()
    )
    return [
        WatchedItem(
            showtime_id=r["showtime_id"],
            starts_at=r["showtime__starts_at"],
            movie_id=r["showtime__movie_id"],
            movie_title=r["movie_title"],
            movie_duration_min=r["showtime__movie__duration_min"],
            movie_age_rating=r["showtime__movie__age_rating"],
            hall_name=r["showtime__hall__name"],
        )
        for r in rows
    ]


def customer_favourite_genres(*, customer_id: int, at: dt.datetime | None = None) -> list[GenreCount]:
    """Genres of what the customer watched, most watched first. One query."""
    at = at or clock_now()
    genres = (
        Genre.objects.filter(
            movies__showtimes__bookings__customer_id=customer_id,
            movies__showtimes__bookings__status=BookingStatus.PAID,
            movies__showtimes__starts_at__lte=at,
        )
        .annotate(watches=Count("movies__showtimes", distinct=True))
        .order_by("-watches", localized_expression("name"))
        .values("pk", "watches", localized_name=localized_expression("name"))
    )
    return [GenreCount(id=g["pk"], name=g["localized_name"], count=g["watches"]) for g in genres]


def customer_profile(*, customer_id: int, at: dt.datetime | None = None, bookings_limit: int = 200) -> CustomerProfile:
    """One customer: bookings, watch history and favourite genres. Five queries."""
    at = at or clock_now()
    customer = row_or_not_found(Customer, "No such customer.", pk=customer_id)
    return CustomerProfile(
        customer=customer,
        bookings=customer_bookings(customer_id=customer_id, limit=bookings_limit),
        watched=customer_watch_history(customer_id=customer_id, at=at),
        favourite_genres=customer_favourite_genres(customer_id=customer_id, at=at),
    )


@dataclass(frozen=True)
class CustomerReportRow:
    """One buyer's paid tickets for the showtimes of a period (and hall)."""

    customer_id: int
    first_name: str
    last_name: str
    email: str
    marketing_consent: bool  # as it stands now, not as it was in the period
    bookings: int
    tickets: int
    revenue: Decimal
    first_visit: dt.datetime  # the earliest and latest showtime start among those tickets
    last_visit: dt.datetime
    favourite_genres: tuple[str, ...]  # most showtimes in the period; ties all kept, by name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def favourite_genre(self) -> str:
        return ", ".join(self.favourite_genres)


def customers_report(
    *, start: dt.date, end: dt.date, hall_id: int | None = None, limit: int | None = None, offset: int = 0
) -> Page[CustomerReportRow]:
    """Every customer with paid tickets for showtimes in the period (and hall), highest
    revenue first: bookings, tickets, revenue, first and last visit, favourite genre.

    Three queries whatever the number of customers: their figures, grouped in the database
    with how many there are; their paid bookings; their favourite genres, ranked there too
    (a page past the last customer counts them instead). Read from booked seats and
    bookings, since tallies keep no buyer.
    """
    lo, hi = _period(start, end)
    showtimes: dict[str, Any] = {"showtime__starts_at__gte": lo, "showtime__starts_at__lt": hi}
    if hall_id is not None:
        showtimes["showtime__hall_id"] = hall_id
    seats = BookingSeat.objects.filter(status=BookingStatus.PAID, **showtimes).order_by()
    # Revenue net of the succeeded refunds of the same paid bookings (see the module's docstring).
    refunded = (
        Refund.objects.filter(
            status=RefundStatus.SUCCEEDED,
            purpose="booking",  # a move's refund is already in its seats' prices
            payment__booking__customer_id=OuterRef("pk"),
            payment__booking__status=BookingStatus.PAID,
            **{f"payment__booking__{k}": v for k, v in showtimes.items()},
        )
        .order_by()
        .values("payment__booking__customer_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    # Grouped by the customer, which PostgreSQL groups by its key alone, and filtered in
    # one filter() call, so that every figure counts the same joined seats. Bookings are
    # counted apart: counting them here would need DISTINCT, which sorts a year's million
    # seats where grouping hashes them.
    figures = (
        Customer.objects.filter(
            bookings__seats__status=BookingStatus.PAID,
            erased_at__isnull=True,
            **{f"bookings__seats__{k}": v for k, v in showtimes.items()},
        )
        .values("pk", "first_name", "last_name", "email", "marketing_consent")
        .annotate(
            tickets=Count("bookings__seats"),
            revenue=Sum("bookings__seats__final_price") - Coalesce(Subquery(refunded), Value(Decimal("0.00"))),
            first=Min("bookings__seats__showtime__starts_at"),
            last=Max("bookings__seats__showtime__starts_at"),
            customers=Window(Count("*")),
        )
        .order_by("-revenue", "last_name", "first_name", "pk")
    )
    rows = list(figures if limit is None else figures[offset : offset + limit])
    if rows:
        count = rows[0]["customers"]
    elif offset:  # a page past the last one has no row to carry the count
        counted = seats.filter(booking__customer__isnull=False, booking__customer__erased_at__isnull=True)
        count = counted.values("booking__customer_id").distinct().count()
    else:
        count = 0
    # A page asks about its own customers only; the whole report (a CSV) about everyone
    # in the period, without a list of ids that would outgrow a query's parameters.
    paid = Booking.objects.filter(status=BookingStatus.PAID, **showtimes).order_by()
    if limit is not None:
        paid = paid.filter(customer_id__in=[r["pk"] for r in rows])
    bookings = dict(paid.values("customer_id").annotate(n=Count("pk")).values_list("customer_id", "n"))
    genres = _favourite_genres(paid)
    return Page(
        count=count,
        results=[
            CustomerReportRow(
                customer_id=r["pk"],
                first_name=r["first_name"],
                last_name=r["last_name"],
                email=r["email"],
                marketing_consent=r["marketing_consent"],
                bookings=bookings.get(r["pk"], 0),
                tickets=r["tickets"],
                revenue=to_money(r["revenue"]),
                first_visit=r["first"],
                last_visit=r["last"],
                favourite_genres=tuple(genres.get(r["pk"], ())),
            )
            for r in rows
        ],
    )


def _favourite_genres(bookings: QuerySet[Booking]) -> dict[int, list[str]]:
    """customer → the genres of the most showtimes among `bookings` (ties kept). One
    query: the database ranks each customer's genres and returns only the first. (From
    bookings, not their seats: the same showtimes, a third of the rows to count.)"""
    ranked = (
        bookings.filter(showtime__movie__genres__isnull=False)
        .values("customer_id", genre=localized_expression("showtime__movie__genres__name"))
        .annotate(n=Count("showtime_id", distinct=True))
        .annotate(rank=Window(Rank(), partition_by=F("customer_id"), order_by=F("n").desc()))
        .filter(rank=1)
        .values_list("customer_id", "genre")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for customer_id, genre in ranked:
        found[customer_id].append(genre)
    return {customer_id: sorted(names) for customer_id, names in found.items()}


@dataclass(frozen=True)
class AudienceRow:
    customer_id: int
    first_name: str
    last_name: str
    email: str
    times: int  # showtimes of the movie they watched
    last_watched_at: dt.datetime


def movie_audience(
    *, movie_id: int, at: dt.datetime | None = None, limit: int = 50, offset: int = 0
) -> Page[AudienceRow]:
    """Customers who watched the movie (a paid booking for a showtime of it that has begun),
    most recent first. Two queries."""
    at = at or clock_now()
    watched = Q(
        bookings__status=BookingStatus.PAID,
        bookings__showtime__movie_id=movie_id,
        bookings__showtime__starts_at__lte=at,
    )
    qs = Customer.objects.filter(watched, erased_at__isnull=True).order_by()
    count = qs.values("pk").distinct().count()
    rows = (
        qs.values("pk", "first_name", "last_name", "email")
        .annotate(times=Count("bookings__showtime", distinct=True), last=Max("bookings__showtime__starts_at"))
        .order_by("-last", "pk")[offset : offset + limit]
    )
    return Page(
        count=count,
        results=[
            AudienceRow(
                customer_id=r["pk"],
                first_name=r["first_name"],
                last_name=r["last_name"],
                email=r["email"],
                times=r["times"],
                last_watched_at=r["last"],
            )
            for r in rows
        ],
    )


def movie_for_report(*, movie_id: int) -> Movie:
    return row_or_not_found(Movie, "No such movie.", pk=movie_id)

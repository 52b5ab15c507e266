"""The distributor's settlement: per film week and movie, what was sold and what is owed. Reads only.

The film week runs from `FILM_WEEK_START` (0 = Monday … 6 = Sunday; Thursday by default) for
seven days, in the cinema's time zone. Week 1 of a movie's run is the film week that holds its
first showtime that was not cancelled; the rental term in force for week N is the one with the
largest `from_week` ≤ N.

The figures of a film week and a movie count the showtimes that START in the week and were
not cancelled, and their paid seats only (a hold is not a sale), as the sales report does:

- admissions: every paid seat, by ticket type (`BookingSeat.ticket_type_name`, frozen with the
  price; "" for seats sold before ticket types) and by format (`Showtime.format`, none = 2D);
  comps (payment method "comp") are admissions at price 0, counted apart as well;
- gross: the seats' frozen prices less the succeeded refunds given on those bookings (purpose
  `booking`: a move's refund is already in the new prices), each booking's refunds capped at
  its seats' total, exactly as `marquee.reports.selectors.sales` takes them off, so that the
  gross of a movie's week equals the sales report's revenue for the same days and movie;
- per showtime (the unit the terms are written for): VAT = gross × rate / (100 + rate), rounded
  half up to the cent (the rate is the distributor's, the VAT included in ticket prices); net =
  gross − VAT; due = max(net × percentage / 100 rounded half up, the minimum per showtime if
  any). The movie's VAT, net and due are the sums of its showtimes', so the statement's lines
  add up to its totals to the cent.

Six queries whatever the size of the week: the showtimes, the movies, their first showtimes, the
terms, the seats grouped, the refunds per booking.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Min, Q, QuerySet, Sum

from marquee.booking.models import COMP, BookingSeat, BookingStatus
from marquee.catalog.models import Movie
from marquee.core.clock import MAX_YEAR, MIN_YEAR, day_bounds, local
from marquee.core.errors import NotFound, ValidationFailed
from marquee.core.money import to_money
from marquee.core.rows import row_or_not_found
from marquee.payments.models import PaymentPurpose, Refund, RefundStatus
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.scheduling.selectors import showtimes_scheduled_between
from marquee.settlement.models import Distributor, RentalTerm

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
NO_FORMAT = "2D"  # a showtime without a format is shown flat


# --- the film week ----------------------------------------------------------------------


def film_week_start_day() -> int:
    start = settings.FILM_WEEK_START
    if not 0 <= start <= 6:
        raise ImproperlyConfigured(f"FILM_WEEK_START must be 0 (Monday) to 6 (Sunday), not {start}")
    return int(start)


def film_week(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last local day of the film week that holds `day`."""
    start = day - dt.timedelta(days=(day.weekday() - film_week_start_day()) % 7)
    return start, start + dt.timedelta(days=6)


def film_week_bounds(start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The moments the film week starting on `start` begins and ends (local midnights, DST-safe)."""
    return day_bounds(start)[0], day_bounds(start + dt.timedelta(days=6))[1]


def check_week_day(day: dt.date) -> None:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationFailed(
            "The week is out of range.", fields={"week": [f"Give a year from {MIN_YEAR} to {MAX_YEAR}."]}
        )


def week_of_run(first_showtime_day: dt.date, week_start: dt.date) -> int:
    """1 for the film week holding the movie's first showtime, 2 for the next…"""
    first_start, _ = film_week(first_showtime_day)
    return (week_start - first_start).days // 7 + 1


# --- the rule, pure ---------------------------------------------------------------------


def vat_included(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a gross amount at `rate` percent, to the cent (half up)."""
    if rate <= 0:
        return ZERO
    return to_money(gross * rate / (HUNDRED + rate))


def amount_due(net: Decimal, percentage: Decimal, minimum: Decimal | None) -> Decimal:
    """The distributor's share of one showtime's net: the percentage, never below the minimum."""
    share = to_money(net * percentage / HUNDRED)
    return max(share, to_money(minimum)) if minimum is not None else share


@dataclass(frozen=True)
class Term:
    from_week: int
    percentage: Decimal
    minimum_per_showtime: Decimal | None


def term_for_week(terms: list[Term], week: int) -> Term | None:
    """The term with the largest `from_week` ≤ `week` (terms in any order), or None."""
    in_force = [t for t in terms if t.from_week <= week]
    return max(in_force, key=lambda t: t.from_week) if in_force else None


# --- the figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    label: str
    admissions: int


@dataclass
class MovieSettlement:
    movie_id: int
    title: str
    week_of_run: int
    percentage: Decimal
    minimum_per_showtime: Decimal | None
    has_terms: bool
    vat_rate: Decimal
    showtimes: int = 0
    admissions: int = 0
    comps: int = 0
    by_type: list[Tally] = field(default_factory=list)
    by_format: list[Tally] = field(default_factory=list)
    gross: Decimal = ZERO
    vat: Decimal = ZERO
    net: Decimal = ZERO
    due: Decimal = ZERO
    minimum_applied: int = 0  # showtimes where the minimum was more than the percentage


@dataclass
class DistributorSettlement:
    distributor_id: int | None
    name: str
    email: str
    vat_rate: Decimal
    language: str
    movies: list[MovieSettlement] = field(default_factory=list)

    @property
    def admissions(self) -> int:
        return sum(m.admissions for m in self.movies)

    @property
    def comps(self) -> int:
        return sum(m.comps for m in self.movies)

    @property
    def gross(self) -> Decimal:
        return sum((m.gross for m in self.movies), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((m.vat for m in self.movies), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((m.net for m in self.movies), ZERO)

    @property
    def due(self) -> Decimal:
        return sum((m.due for m in self.movies), ZERO)


@dataclass
class Settlement:
    week_start: dt.date
    week_end: dt.date
    currency: str
    distributors: list[DistributorSettlement]

    @property
    def previous_week(self) -> dt.date:
        return self.week_start - dt.timedelta(days=7)

    @property
    def next_week(self) -> dt.date:
        return self.week_start + dt.timedelta(days=7)

    @property
    def admissions(self) -> int:
        return sum(d.admissions for d in self.distributors)

    @property
    def gross(self) -> Decimal:
        return sum((d.gross for d in self.distributors), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((d.vat for d in self.distributors), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((d.net for d in self.distributors), ZERO)

    @property
    def due(self) -> Decimal:
        return sum((d.due for d in self.distributors), ZERO)


@dataclass
class _Show:
    pk: int
    movie_id: int
    format: str
    gross: Decimal = ZERO


def _first_showtime_days(movie_ids: list[int]) -> dict[int, dt.date]:
    firsts = (
        Showtime.objects.filter(movie_id__in=movie_ids, status=ShowtimeStatus.SCHEDULED)
        .order_by()
        .values("movie_id")
        .annotate(first=Min("starts_at"))
        .values_list("movie_id", "first")
    )
    return {movie_id: local(first).date() for movie_id, first in firsts}


def _refunds_by_showtime(lo: dt.datetime, hi: dt.datetime, showtime_ids: set[int]) -> dict[int, Decimal]:
    """Succeeded refunds (purpose booking) of paid bookings for the week's showtimes, per
    showtime, each booking's capped at its seats' total as the sales report caps them."""
    refunds = (
        Refund.objects.filter(
            status=RefundStatus.SUCCEEDED,
            purpose=PaymentPurpose.BOOKING,
            payment__booking__status=BookingStatus.PAID,
            payment__booking__showtime__starts_at__gte=lo,
            payment__booking__showtime__starts_at__lt=hi,
        )
        .order_by()
        .values("payment__booking_id", "payment__booking__showtime_id", "payment__booking__total_price")
        .annotate(total=Sum("amount"))
    )
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in refunds:
        showtime_id = r["payment__booking__showtime_id"]
        if showtime_id in showtime_ids:
            out[showtime_id] += min(to_money(r["total"]), r["payment__booking__total_price"])
    return out


def settlement(*, day: dt.date, distributor_id: int | None = None) -> Settlement:
    """The film week holding `day`: a settlement per distributor and movie (movies without a
    distributor under one heading with no distributor, owed nothing until one is set).
    With `distributor_id`, that distributor's movies only (NotFound if there is none)."""
    check_week_day(day)
    start, end = film_week(day)
    lo, hi = film_week_bounds(start)
    distributor: Distributor | None = None
    if distributor_id is not None:
        distributor = row_or_not_found(Distributor, "No such distributor.", pk=distributor_id)
    shows_qs = showtimes_scheduled_between(lo, hi)
    if distributor_id is not None:
        shows_qs = shows_qs.filter(movie__distributor_id=distributor_id)
    shows = {
        pk: _Show(pk=pk, movie_id=movie_id, format=fmt or NO_FORMAT)
        for pk, movie_id, fmt in shows_qs.order_by("starts_at", "pk").values_list("pk", "movie_id", "format__name")
    }
    if not shows:
        empty = [_distributor_block(distributor)] if distributor is not None else []
        return Settlement(week_start=start, week_end=end, currency=settings.CURRENCY, distributors=empty)
    movie_ids = sorted({s.movie_id for s in shows.values()})
    movies = {m.pk: m for m in Movie.objects.filter(pk__in=movie_ids).select_related("distributor")}
    firsts = _first_showtime_days(movie_ids)
    terms: dict[int, list[Term]] = defaultdict(list)
    for t in RentalTerm.objects.filter(movie_id__in=movie_ids).order_by("movie_id", "from_week"):
        terms[t.movie_id].append(Term(t.from_week, t.percentage, t.minimum_per_showtime))

    seats = (
        BookingSeat.objects.filter(status=BookingStatus.PAID, showtime_id__in=list(shows))
        .order_by()
        .values("showtime_id", "ticket_type_name")
        .annotate(
            n=Count("pk"),
            comps=Count("pk", filter=Q(booking__payment_method=COMP)),
            gross=Sum("final_price"),
        )
    )
    by_type: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_format: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in seats:
        show = shows[row["showtime_id"]]
        show.gross += row["gross"] or ZERO
        by_type[show.movie_id][row["ticket_type_name"]] += row["n"]
        by_format[show.movie_id][show.format] += row["n"]
        counts[show.movie_id][0] += row["n"]
        counts[show.movie_id][1] += row["comps"]
    for showtime_id, refunded in _refunds_by_showtime(lo, hi, set(shows)).items():
        shows[showtime_id].gross -= refunded

    settled: dict[int, MovieSettlement] = {}
    for movie_id in movie_ids:
        movie = movies[movie_id]
        week = week_of_run(firsts.get(movie_id, start), start)
        term = term_for_week(terms[movie_id], week)
        rate = movie.distributor.vat_rate if movie.distributor is not None else ZERO
        settled[movie_id] = MovieSettlement(
            movie_id=movie_id,
            title=movie.title,
            week_of_run=week,
            percentage=term.percentage if term else ZERO,
            minimum_per_showtime=term.minimum_per_showtime if term else None,
            has_terms=term is not None,
            vat_rate=rate,
            admissions=counts[movie_id][0],
            comps=counts[movie_id][1],
            by_type=[Tally(label, n) for label, n in sorted(by_type[movie_id].items(), key=lambda kv: -kv[1])],
            by_format=[Tally(label, n) for label, n in sorted(by_format[movie_id].items(), key=lambda kv: -kv[1])],
        )
    for show in shows.values():
        m = settled[show.movie_id]
        gross = to_money(show.gross)
        vat = vat_included(gross, m.vat_rate)
        net = gross - vat
        due = amount_due(net, m.percentage, m.minimum_per_showtime) if m.has_terms else ZERO
        if m.has_terms and m.minimum_per_showtime is not None and due > to_money(net * m.percentage / HUNDRED):
            m.minimum_applied += 1
        m.showtimes += 1
        m.gross += gross
        m.vat += vat
        m.net += net
        m.due += due

    blocks: dict[int | None, DistributorSettlement] = {}
    for movie_id in movie_ids:
        owner = movies[movie_id].distributor
        key = owner.pk if owner is not None else None
        if key not in blocks:
            blocks[key] = _distributor_block(owner)
        blocks[key].movies.append(settled[movie_id])
    ordered = sorted(blocks.values(), key=lambda b: (b.distributor_id is None, b.name.casefold()))
    for block in ordered:
        block.movies.sort(key=lambda m: (-m.gross, m.title.casefold()))
    return Settlement(week_start=start, week_end=end, currency=settings.CURRENCY, distributors=ordered)


def _distributor_block(distributor: Distributor | None) -> DistributorSettlement:
    if distributor is None:
        return DistributorSettlement(distributor_id=None, name="", email="", vat_rate=ZERO, language="")
    return DistributorSettlement(
        distributor_id=distributor.pk,
        name=distributor.name,
        email=distributor.email,
        vat_rate=distributor.vat_rate,
        language=distributor.language,
    )


# --- distributors and terms ------------------------------------------------------------


def distributors_all() -> list[Distributor]:
    return list(Distributor.objects.annotate(movie_count=Count("movies")).order_by("name", "pk"))


def distributor_get(*, distributor_id: int) -> Distributor:
    return row_or_not_found(Distributor, "No such distributor.", pk=distributor_id)


def movie_rental_terms(*, movie_id: int) -> list[RentalTerm]:
    if not Movie.objects.filter(pk=movie_id).exists():
        raise NotFound("No such movie.")
    return list(RentalTerm.objects.filter(movie_id=movie_id).order_by("from_week"))


def distributor_movies(*, distributor_id: int) -> list[Movie]:
    """The distributor's movies with their terms (two queries)."""
    return list(
        Movie.objects.filter(distributor_id=distributor_id)
        .prefetch_related("rental_terms")
        .order_by("title_en", "title_uk", "pk")
    )


def distributors_to_choose(*, keep_id: int | None = None) -> QuerySet[Distributor]:
    """The active distributors by name, and the one `keep_id` names even if no longer active
    (a movie's own distributor stays its choice)."""
    kept = Q(pk=keep_id) if keep_id else Q(pk__in=[])
    return Distributor.objects.filter(Q(is_active=True) | kept).order_by("name")


def distributor_has_movie(*, distributor_id: int, movie_id: int) -> bool:
    return Movie.objects.filter(pk=movie_id, distributor_id=distributor_id).exists()

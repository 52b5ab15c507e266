"""The settlement's figures: VAT exact, the minimum per showtime, comps at zero, refunds netted,
holds and cancelled showtimes left out, admissions by ticket type and format, and agreement
with the sales report for the same showtimes."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marquee.booking.models import BookingSeat
from marquee.payments.services import booking_cancel, refund_create, showtime_cancel
from marquee.reports.selectors import sales
from marquee.scheduling.models import Format, Showtime
from marquee.settlement.selectors import amount_due, settlement, vat_included
from tests import factories as f
from tests.settlement.conftest import THURSDAY, comp, distributor, sell, show_at, terms

CENT = Decimal("0.01")


def half_up(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


money = st.integers(min_value=0, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100)
rates = st.integers(min_value=0, max_value=10_000).map(lambda hundredths: Decimal(hundredths) / 100)


@given(gross=money, rate=rates, percentage=rates, minimum=st.none() | money)
def test_vat_net_and_due_are_exact_to_the_cent(gross, rate, percentage, minimum):
    """Against exact fractions: VAT = gross × rate / (100 + rate) half up; the share half up."""
    vat = vat_included(gross, rate)
    assert vat == half_up(Fraction(gross) * Fraction(rate) / (100 + Fraction(rate)))
    net = gross - vat
    assert 0 <= vat <= gross and net + vat == gross
    due = amount_due(net, percentage, minimum)
    share = half_up(Fraction(net) * Fraction(percentage) / 100)
    assert due == (max(share, minimum) if minimum is not None else share)


def test_one_awkward_price():
    # 123.45 at 20 %: VAT 20.575 → 20.58; net 102.87; 55 % of it 56.5785 → 56.58.
    assert vat_included(Decimal("123.45"), Decimal("20")) == Decimal("20.58")
    assert amount_due(Decimal("102.87"), Decimal("55"), None) == Decimal("56.58")
    assert vat_included(Decimal("100.00"), Decimal("0")) == Decimal("0.00")


@pytest.fixture
def week(db, staff, django_capture_on_commit_callbacks):
    """Two distributors' movies in the film week from THURSDAY, with every kind of seat."""
    kino = distributor()
    exempt = distributor("Northlight Pictures", vat="0.00", email="")
    film = f.movie(title="The Tribe", distributor_id=kino.pk)
    other = f.movie(title="Paper Moons", distributor_id=exempt.pk)
    lonely = f.movie(title="Orphan Reel")  # no distributor
    terms(film, (1, "55.00", None), (2, "50.00", "300.00"))
    terms(other, (1, "50.00", None))
    three_d = Format.objects.create(code="3d", name="3D", surcharge=Decimal("0.00"))

    # The movie's run starts the week before: this film week is week 2 (50 %, at least 300.00).
    opening = show_at(film, THURSDAY - dt.timedelta(days=3), 19)
    sell(opening, 4)
    evening = show_at(film, THURSDAY, 19, price="123.45")  # 3D, busy
    Showtime.objects.filter(pk=evening.pk).update(format=three_d)
    family = sell(evening, 3, email="family@example.com")
    child = BookingSeat.objects.filter(booking=family).order_by("pk").first()
    BookingSeat.objects.filter(booking=family).update(ticket_type_name="Adult")
    BookingSeat.objects.filter(pk=child.pk).update(ticket_type_name="Child")
    refunded = sell(evening, 5, offset=3, email="refund@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(reference=refunded.reference, amount="40.00", reason="Sound failed", staff_user=staff)
    comp(evening, 2, offset=8, staff_user=staff)
    gone = sell(evening, 2, offset=10, email="gone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(reference=gone.reference, by_staff=True, refund="full", reason="Changed plans", staff_user=staff)
    f.hold(evening, [evening.hall.seats.order_by("pk")[12].pk], email="holding@example.com")  # a hold: no sale
    matinee = show_at(film, THURSDAY + dt.timedelta(days=1), 11)  # 2D, one ticket
    sell(matinee, 1)
    empty = show_at(film, THURSDAY + dt.timedelta(days=2), 11)  # nobody came
    cancelled = show_at(film, THURSDAY + dt.timedelta(days=3), 11)
    showtime_cancel(showtime_id=cancelled.pk, staff_user=staff)
    show_other = show_at(other, THURSDAY + dt.timedelta(days=4), 20)
    sell(show_other, 2)
    show_lonely = show_at(lonely, THURSDAY + dt.timedelta(days=5), 20)
    sell(show_lonely, 1)
    return {"kino": kino, "exempt": exempt, "film": film, "other": other, "lonely": lonely, "evening": evening,
            "matinee": matinee, "empty": empty}  # fmt: skip


def movie_of(result, movie):
    return next(m for d in result.distributors for m in d.movies if m.movie_id == movie.pk)


def test_the_film_weeks_figures(week):
    result = settlement(day=THURSDAY + dt.timedelta(days=3))  # any day of the week
    assert result.week_start == THURSDAY
    film = movie_of(result, week["film"])
    # evening: 3 + 5 paid at 123.45 and 2 comps; matinee: 1 at 100.00; the empty one counts (minimum).
    assert film.week_of_run == 2 and film.percentage == Decimal("50.00")
    assert film.showtimes == 3  # the cancelled one is not there
    assert film.admissions == 11 and film.comps == 2
    assert {t.label: t.admissions for t in film.by_type} == {
        "Adult": 10,
        "Child": 1,
    }  # every seat sold has a type: the default is Adult
    assert {t.label: t.admissions for t in film.by_format} == {"3D": 10, "2D": 1}
    # evening gross 8 × 123.45 − 40.00 = 947.60: VAT 157.93, net 789.67, half 394.835 → 394.84 (above 300)
    # matinee 100.00: VAT 16.67, net 83.33, half 41.67 → the minimum 300.00; empty: 300.00.
    assert film.gross == Decimal("1047.60")
    assert film.vat == Decimal("157.93") + Decimal("16.67")
    assert film.net == Decimal("789.67") + Decimal("83.33")
    assert film.due == Decimal("394.84") + Decimal("300.00") + Decimal("300.00")
    assert film.minimum_applied == 2


def test_vat_exempt_distributor_and_movies_without_one(week):
    result = settlement(day=THURSDAY)
    other = movie_of(result, week["other"])
    assert (other.gross, other.vat, other.net, other.due) == (
        Decimal("200.00"), Decimal("0.00"), Decimal("200.00"), Decimal("100.00"))  # fmt: skip
    lonely = movie_of(result, week["lonely"])
    assert lonely.gross == Decimal("100.00") and lonely.due == 0 and not lonely.has_terms
    names = [d.name for d in result.distributors]
    assert names == ["Kinomania Distribution", "Northlight Pictures", ""]  # no distributor last
    assert result.due == sum((d.due for d in result.distributors), Decimal(0))


def test_one_distributor_only(week):
    result = settlement(day=THURSDAY, distributor_id=week["exempt"].pk)
    assert [d.name for d in result.distributors] == ["Northlight Pictures"]
    assert [m.title for m in result.distributors[0].movies] == ["Paper Moons"]


def test_the_gross_agrees_with_the_sales_report(week):
    """The same showtimes, the same money: the sales report by movie over the week's days."""
    result = settlement(day=THURSDAY)
    report = sales(start=result.week_start, end=result.week_end, group_by="movie")
    by_movie = {row.id: row for row in report.rows}
    for block in result.distributors:
        for m in block.movies:
            assert by_movie[m.movie_id].revenue == m.gross, m.title
            assert by_movie[m.movie_id].tickets + by_movie[m.movie_id].comps == m.admissions, m.title
    assert report.revenue == result.gross


def test_the_gross_agrees_with_the_sales_report_once_tallied(week):
    """After the week, the sales report reads tallies for the showtimes that began: the same figures."""
    from marquee.reports.models import ShowtimeTallyCell
    from marquee.reports.services import showtimes_tally

    after = f.local_dt(THURSDAY + dt.timedelta(days=8), 12)
    assert showtimes_tally(at=after) > 0 and ShowtimeTallyCell.objects.exists()
    result = settlement(day=THURSDAY)
    report = sales(start=result.week_start, end=result.week_end, group_by="movie")
    assert {row.id: row.revenue for row in report.rows} == {
        m.movie_id: m.gross for d in result.distributors for m in d.movies
    }


def test_a_week_without_showtimes_is_empty(db):
    result = settlement(day=THURSDAY)
    assert result.distributors == [] and result.due == 0


def test_the_queries_do_not_grow_with_the_week(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            settlement(day=THURSDAY)
        return len(captured)

    def grow(n: int) -> None:
        for i in range(n):
            movie = f.movie(distributor_id=distributor(f"Distributor {n}-{i}").pk)
            terms(movie, (1, "50.00", "10.00"))
            sell(show_at(movie, THURSDAY + dt.timedelta(days=i % 7), 10 + i), 2)

    grow(1)
    small = count()
    grow(6)
    assert count() == small == 6  # showtimes, movies, first showtimes, terms, seats, refunds

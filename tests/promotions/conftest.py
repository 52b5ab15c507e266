"""Promo code tests: a showtime on a Monday evening, held through the one checkout entry point."""

import datetime as dt
from decimal import Decimal

import pytest

from marquee.payments.checkout import checkout_hold
from marquee.promotions.services import CodeTerms, promo_code_create
from tests import factories as f

MONDAY = dt.date(2026, 12, 21)


@pytest.fixture
def show():
    return f.showtime(hall_obj=f.hall(rows=2, seats=5, price="100.00"), starts_at=f.local_dt(MONDAY, 19, 30))


@pytest.fixture
def seats(show) -> list[int]:
    return list(show.hall.seats.order_by("pk").values_list("pk", flat=True))


def make_code(code: str = "KINO20", kind: str = "percent", value: str = "20", **kw):
    return promo_code_create(code=code, terms=CodeTerms(kind=kind, value=Decimal(value), **kw))


def buy(show, seat_ids, promo_code="", email="olena@example.com", **kw):
    return checkout_hold(showtime_id=show.pk, seat_ids=seat_ids, customer=f.buyer(email), promo_code=promo_code, **kw)

"""The one fixed-window counter behind the API's request rates (marquee.api.throttles)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from marquee.api.throttles import HOLD_RATE, VOUCHER_LOOKUP_RATE, PerMinuteRate

pytestmark = pytest.mark.django_db  # the api conftest clears the cache around every test

START = dt.datetime(2026, 12, 7, 18, 0, 5, tzinfo=dt.UTC)


def request(address: str = "203.0.113.7"):
    return RequestFactory().post("/api/v1/bookings", REMOTE_ADDR=address)


def allowed(rate: PerMinuteRate, times: int, address: str = "203.0.113.7") -> list[bool]:
    return [rate.allow_request(request(address)) for _ in range(times)]


@time_machine.travel(START, tick=False)
def test_the_setting_s_limit_a_minute_per_client_address(settings):
    settings.API_HOLD_RATE_PER_MINUTE = 2
    assert allowed(HOLD_RATE, 3) == [True, True, False]
    assert allowed(HOLD_RATE, 1, address="203.0.113.8") == [True]  # another client counts apart
    assert 0 < HOLD_RATE.wait() <= 60


def test_a_new_minute_starts_a_new_count(settings):
    settings.API_HOLD_RATE_PER_MINUTE = 1
    with time_machine.travel(START, tick=False):
        assert allowed(HOLD_RATE, 2) == [True, False]
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        assert allowed(HOLD_RATE, 2) == [True, False]


@time_machine.travel(START, tick=False)
def test_each_rate_counts_its_own_requests(settings):
    settings.API_HOLD_RATE_PER_MINUTE = 1
    settings.API_VOUCHER_LOOKUP_RATE_PER_MINUTE = 1
    assert allowed(HOLD_RATE, 1) == [True]
    assert allowed(VOUCHER_LOOKUP_RATE, 2) == [True, False]
    assert cache.get("marquee:hold-rate:203.0.113.7:" + str(int(START.timestamp() // 60))) == 1


def test_zero_turns_the_limit_off(settings):
    settings.API_VOUCHER_LOOKUP_RATE_PER_MINUTE = 0
    assert all(allowed(VOUCHER_LOOKUP_RATE, 20))


def test_without_the_setting_the_default_holds(settings):
    rate = PerMinuteRate(name="test-rate", setting="NO_SUCH_SETTING", default=2)
    assert allowed(rate, 3) == [True, True, False]


def test_a_counter_evicted_between_add_and_incr_lets_the_request_through(settings, monkeypatch):
    settings.API_HOLD_RATE_PER_MINUTE = 1

    def evicted(key: str, delta: int = 1) -> int:
        raise ValueError(key)

    monkeypatch.setattr(cache, "incr", evicted)
    assert allowed(HOLD_RATE, 3) == [True, True, True]

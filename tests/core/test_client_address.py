"""The client's address, believed from X-Forwarded-For only through trusted proxies (issue 10, point 2)."""

import json
from ipaddress import ip_network

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from marquee.core.client import client_address
from marquee.env import env_proxies
from tests import factories as f


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
    assert client_address(_request("203.0.113.5")) == "203.0.113.5"


def test_a_header_from_a_peer_outside_the_trusted_networks_is_ignored(settings):
    settings.TRUSTED_PROXIES = (ip_network("10.0.0.0/8"),)
    assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_with_trusted_networks_the_right_most_untrusted_address_counts(settings):
    settings.TRUSTED_PROXIES = (ip_network("10.0.0.0/8"), ip_network("192.168.0.0/16"))
    # The client forged "1.2.3.4"; our proxies appended the real address and their own.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.20, 192.168.1.1")
    assert client_address(request) == "198.51.100.20"
    # Only proxies in the chain: the left-most hop is the client.
    assert client_address(_request("10.0.0.2", "192.168.1.7")) == "192.168.1.7"
    # Garbage where an address should be: the proxy that passed it on counts.
    assert client_address(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_with_a_count_of_proxies_the_address_the_first_proxy_saw_counts(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.20")) == "198.51.100.20"
    settings.TRUSTED_PROXIES = 2
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.20, 10.0.0.1")) == "198.51.100.20"
    # No header at all (the proxy was bypassed, or sent none): the socket address.
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"
    # Ports some proxies add are dropped.
    settings.TRUSTED_PROXIES = 1
    assert client_address(_request("10.0.0.2", "198.51.100.20:51234")) == "198.51.100.20"
    assert client_address(_request("10.0.0.2", "[2001:db8::1]:443")) == "2001:db8::"


def test_ipv6_clients_count_by_their_64_network(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("2001:db8:1:2:aaaa::1")) == client_address(_request("2001:db8:1:2:bbbb::9"))
    assert client_address(_request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
    assert client_address(_request("::ffff:203.0.113.5")) == "203.0.113.5"


def test_trusted_proxies_setting_reads_a_count_or_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    assert env_proxies("TRUSTED_PROXIES") == 1
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32")
    assert env_proxies("TRUSTED_PROXIES") == (ip_network("10.0.0.0/8"), ip_network("2001:db8::/32"))
    monkeypatch.setenv("TRUSTED_PROXIES", "")
    assert env_proxies("TRUSTED_PROXIES") == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "my-proxy")
    with pytest.raises(Exception, match="TRUSTED_PROXIES"):
        env_proxies("TRUSTED_PROXIES")


@pytest.mark.django_db
def test_a_new_forged_header_per_request_does_not_escape_the_api_hold_rate(settings):
    """Before: ninja's throttle keyed on the header itself, so each forged value was a new client."""
    cache.clear()
    settings.TRUSTED_PROXIES = 0
    settings.API_HOLD_RATE_PER_MINUTE = 3
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))
    client = Client(REMOTE_ADDR="203.0.113.77")
    codes = []
    for i, seat in enumerate(seats[:4]):
        body = {
            "showtime_id": show.pk,
            "seat_ids": [seat],
            "customer": {"first_name": "A", "last_name": "B", "email": f"x{i}@example.com"},
        }
        response = client.post(
            "/api/v1/bookings",
            json.dumps(body),
            content_type="application/json",
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        )
        codes.append(response.status_code)
    assert codes == [201, 201, 201, 429]


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_seat_limit_but_a_trusted_proxy_passes_the_client(settings):
    cache.clear()
    settings.API_HOLD_RATE_PER_MINUTE = 0
    settings.MAX_PENDING_SEATS_PER_CLIENT = 2
    show = f.showtime()
    seats = list(show.hall.seats.order_by("pk").values_list("pk", flat=True))

    def hold(seat: int, remote: str, forwarded: str) -> int:
        body = {
            "showtime_id": show.pk,
            "seat_ids": [seat],
            "customer": {"first_name": "A", "last_name": "B", "email": f"s{seat}@example.com"},
        }
        return (
            Client(REMOTE_ADDR=remote)
            .post(
                "/api/v1/bookings",
                json.dumps(body),
                content_type="application/json",
                headers={"X-Forwarded-For": forwarded},
            )
            .status_code
        )

    assert [hold(s, "203.0.113.80", f"192.0.2.{s % 250}") for s in seats[:3]] == [201, 201, 429]
    # Behind a trusted proxy, each customer is their own client.
    settings.TRUSTED_PROXIES = (ip_network("10.0.0.0/8"),)
    assert [hold(s, "10.0.0.2", f"198.51.100.{i}") for i, s in enumerate(seats[3:6])] == [201, 201, 201]

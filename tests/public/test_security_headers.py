"""Headers every page carries (issue 10, point 6): a Content-Security-Policy whose scripts
need our origin or the response's nonce (never `unsafe-inline`), HSTS of a year with
preload, and HEAD answered wherever GET is."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, reverse

from marquee.backoffice import urls as backoffice_urls
from marquee.core.clock import local_today, now
from marquee.core.csp import content_security_policy
from marquee.payments.services import payment_record_box_office
from marquee.promotions.services import CodeTerms, promo_batch_create, promo_code_create
from marquee.scheduling.formats import format_create, language_version_create
from marquee.settlement.services import distributor_create
from marquee.vouchers.services import voucher_issue
from marquee.waiting_room.services import queued_sale_create
from tests import factories

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


def _assert_csp(response, url: str) -> None:
    header = response.get("Content-Security-Policy")
    assert header, url
    directives = _directives(header)
    script_src = directives["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    html = response.content.decode()
    if not html.lstrip().lower().startswith("<!doctype html"):
        return  # an htmx fragment, swapped into a page that has its own policy
    assert len(nonces) == 1, (url, header)
    nonce = nonces[0][len("'nonce-") : -1]
    # Every script element is either from our origin or carries this response's nonce.
    for tag in re.findall(r"<script\b[^>]*>", html):
        if 'type="application/json"' in tag:
            continue  # data, not code
        assert f'nonce="{nonce}"' in tag or 'src="/' in tag, (url, tag)
    # And no inline event handler attribute (the policy would block it).
    assert not re.search(r"\son(submit|click|change|load)=", html), url


@pytest.fixture
def cinema():
    film = factories.movie(title="The Long Night")
    hall = factories.hall(rows=3, seats=4)
    show = factories.showtime(
        movie_obj=film, hall_obj=hall, starts_at=factories.local_dt(local_today() + dt.timedelta(days=1), 19)
    )
    held = factories.hold(show)
    payment_record_box_office(reference=held.booking.reference)
    return {"film": film, "hall": hall, "show": show, "booking": held.booking}


def _public_urls(cinema) -> list[str]:
    show = cinema["show"]
    return [
        reverse("public:home"),
        reverse("public:movie", args=[cinema["film"].pk]),
        reverse("public:schedule"),
        reverse("public:showtime", args=[show.pk]),
        reverse("public:showtime_seats", args=[show.pk]),
        reverse("public:checkout", args=[show.pk]) + f"?seat={show.hall.seats.order_by('pk').last().pk}",
        reverse("public:my_bookings"),
        "/no-such-page/",
    ]


def _staff_urls(cinema) -> list[str]:
    ids = {
        "showtime_id": cinema["show"].pk,
        "hall_id": cinema["hall"].pk,
        "tariff_id": factories.tariff().pk,
        "ticket_type_id": factories.ticket_type("child", "Child", multiplier=Decimal("0.6")).pk,
        "customer_id": cinema["booking"].customer_id,
        "movie_id": cinema["film"].pk,
        "genre_id": cinema["film"].genres.first().pk,
        "reference": cinema["booking"].reference,
        "distributor_id": distributor_create(name="Kinomania Distribution").pk,
        "code_id": promo_code_create(code="KINO20", terms=CodeTerms(kind="percent", value=Decimal("20"))).pk,
        "batch_id": promo_batch_create(quantity=2, terms=CodeTerms(kind="amount", value=Decimal("50")))[0].pk,
        "format_id": format_create(code="3d", name="3D").pk,
        "version_id": language_version_create(code="uk", name_en="Ukrainian").pk,
        "voucher_id": voucher_issue(amount="100.00", reason="Prize", staff_user=None).pk,
        "sale_id": queued_sale_create(showtime_id=cinema["show"].pk, opens_at=now(), staff_user=None).pk,
    }
    urls = []
    for pattern in backoffice_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        urls.append(reverse(f"backoffice:{pattern.name}", kwargs={n: ids[n] for n in pattern.pattern.converters}))
    return urls


def test_every_public_page_has_a_strict_script_policy(client, cinema):
    for url in _public_urls(cinema):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        _assert_csp(response, url)


def test_every_staff_page_has_a_strict_script_policy(admin_client, cinema):
    checked = 0
    for url in [*_staff_urls(cinema), "/admin/", "/admin/booking/booking/", "/admin/login/"]:
        response = admin_client.get(url)
        if response.status_code in (301, 302, 405) or not response["Content-Type"].startswith("text/html"):
            continue
        assert response.status_code == 200, url
        _assert_csp(response, url)
        checked += 1
    assert checked > 15


def test_a_new_nonce_for_every_response(client, cinema):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


def test_head_is_answered_wherever_get_is(client, cinema):
    for url in _public_urls(cinema)[:-1]:
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"", url
    assert client.head(reverse("public:poster", args=[cinema["film"].pk])).status_code == 200


def test_head_on_staff_pages(admin_client, cinema):
    for url in (reverse("backoffice:dashboard"), reverse("backoffice:planner"), reverse("backoffice:bookings")):
        assert admin_client.head(url).status_code == 200, url


def test_hsts_is_a_year_with_preload(client, cinema):
    assert django_settings.SECURE_HSTS_PRELOAD
    assert django_settings.SECURE_HSTS_SECONDS == 31536000
    header = client.get("/", secure=True)["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains; preload"


def test_payment_providers_origins_join_the_policy():
    bare = content_security_policy({"PAYMENT_PROVIDERS": ["demo"]})
    assert bare["frame-src"] == ["'none'"] and bare["form-action"] == ["'self'"]
    paid = content_security_policy(
        {
            "PAYMENT_PROVIDERS": ["stripe", "liqpay"],
            "STRIPE_JS_URL": "https://js.stripe.com/v3/",
            "LIQPAY_CHECKOUT_URL": "https://www.liqpay.ua/api/3/checkout",
        }
    )
    assert "https://js.stripe.com" in paid["script-src"] and "'unsafe-inline'" not in paid["script-src"]
    assert "https://js.stripe.com" in paid["frame-src"] and "'none'" not in paid["frame-src"]
    assert "https://www.liqpay.ua" in paid["form-action"] and "'self'" in paid["form-action"]
    # Defaults when the provider is on but its URL setting is not there (yet).
    assert "https://js.stripe.com" in content_security_policy({"PAYMENT_PROVIDERS": ["stripe"]})["script-src"]


def test_head_on_the_api(client, cinema):
    for path in ("/api/v1/genres", "/api/v1/movies", f"/api/v1/showtimes/{cinema['show'].pk}/seats", "/api/v1/docs"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"" and head["Content-Type"] == got["Content-Type"], path
    assert client.head("/api/v1/bookings").status_code == 405  # POST only: still not allowed

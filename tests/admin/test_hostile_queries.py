"""No staff or admin list answers 500, whatever the query string (issue 10, point 11):
huge page numbers (a bigint offset), NUL bytes (PostgreSQL refuses them), huge and
impossible years (datetime overflows), words where numbers go. Runs on both databases
(`make test`, `make test-pg`)."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import URLPattern, reverse

from marquee.backoffice import urls as backoffice_urls
from marquee.booking.models import Booking, Customer
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import now
from marquee.pricing.models import Tariff, TicketType
from marquee.promotions.models import PromoBatch, PromoCode
from marquee.scheduling.models import Format, LanguageVersion, Showtime, ShowtimeStatus
from marquee.settlement.models import Distributor
from marquee.venues.models import Hall
from marquee.vouchers.models import Voucher
from marquee.waiting_room.services import queued_sale_create

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
HOSTILE = [HUGE, "99999999999", "9999", "-1", "\x00", "abc", "²", "9" * 5000]
STAFF_PARAMS = [
    "page",
    "q",
    "hall",
    "week",
    "customer",
    "from",
    "to",
    "group_by",
    "showtime",
    "status",
    "date",
    "listed",
]


@pytest.fixture
def cinema():
    # Two days: late in the evening today's showtimes have all started, and the test needs one to come.
    call_command("seed_demo", "--halls", "1", "--days", "2", "--customers", "5", stdout=io.StringIO())


@pytest.fixture
def boss(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "not-a-real-password-42")
    client.force_login(user)  # axes refuses client.login(), which passes no request
    return client


def _staff_list_urls() -> list[str]:
    ids = {
        "showtime_id": Showtime.objects.order_by("pk").values_list("pk", flat=True).first(),
        "hall_id": Hall.objects.values_list("pk", flat=True).first(),
        "tariff_id": Tariff.objects.values_list("pk", flat=True).first(),
        "ticket_type_id": TicketType.objects.values_list("pk", flat=True).first(),
        "customer_id": Customer.objects.values_list("pk", flat=True).first(),
        "movie_id": Movie.objects.values_list("pk", flat=True).first(),
        "genre_id": Genre.objects.values_list("pk", flat=True).first(),
        "reference": Booking.objects.values_list("reference", flat=True).first(),
        "distributor_id": Distributor.objects.values_list("pk", flat=True).first(),
        "code_id": PromoCode.objects.values_list("pk", flat=True).first(),
        "batch_id": PromoBatch.objects.values_list("pk", flat=True).first(),
        "format_id": Format.objects.values_list("pk", flat=True).first(),
        "version_id": LanguageVersion.objects.values_list("pk", flat=True).first(),
        "voucher_id": Voucher.objects.values_list("pk", flat=True).first(),  # the demo has some
    }
    upcoming = (
        Showtime.objects.filter(status=ShowtimeStatus.SCHEDULED, starts_at__gt=now()).order_by("starts_at").first()
    )
    assert upcoming is not None
    ids["sale_id"] = queued_sale_create(showtime_id=upcoming.pk, opens_at=now(), staff_user=None).pk
    urls = []
    for pattern in backoffice_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = list(pattern.pattern.converters)
        urls.append(reverse(f"backoffice:{pattern.name}", kwargs={n: ids[n] for n in names}))
    return urls


def _no_500(client, url: str, params: dict[str, str]) -> None:
    response = client.get(url, params)
    assert response.status_code < 500, (url, {k: v[:30] for k, v in params.items()})


def test_every_staff_page_survives_hostile_query_values(cinema, boss):
    urls = [url for url in _staff_list_urls() if boss.get(url).status_code != 405]  # POST-only actions
    assert len(urls) > 15
    for url in urls:
        for value in HOSTILE:
            _no_500(boss, url, dict.fromkeys(STAFF_PARAMS, value))
        # One at a time too, so that a form refusing one value cannot hide another's use.
        for name in ("page", "hall", "customer", "showtime", "week"):
            _no_500(boss, url, {name: HUGE})


def test_reported_staff_addresses(cinema, boss):
    movie = Movie.objects.first()
    for url in [
        f"/staff/customers/?page={HUGE}",
        f"/staff/movies/{movie.pk}/audience/?page={HUGE}",
        "/staff/bookings/%00/",
        "/staff/bookings/%00%00/",
        f"/staff/customers/{HUGE}/",
        f"/staff/schedule/?hall={HUGE}",
        "/staff/schedule/?hall=%C2%B2",
        "/staff/campaign/?customer=%00",
        f"/staff/campaign/?customer={HUGE}",
    ]:
        response = boss.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
    assert boss.get(f"/staff/customers/?page={HUGE}").context["page"] >= 1


def _admin_params(model_admin, boss_user) -> list[str]:
    """Every query parameter the model's change list understands: its filters' own, the date
    hierarchy's, search, page and ordering."""
    request = RequestFactory().get("/")
    request.user = boss_user
    changelist = model_admin.get_changelist_instance(request)
    names = {"q", "p", "o", "all"}
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


def test_every_admin_list_survives_hostile_query_values(cinema, boss):
    boss_user = get_user_model().objects.get(username="boss")
    tried = 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in _admin_params(model_admin, boss_user):
            # Years get every kind of wrong; other filters the three that reach the database.
            values = HOSTILE if name.endswith(("__year", "__month", "__day")) else [HUGE, "\x00", "abc"]
            for value in values:
                _no_500(boss, url, {name: value})
                tried += 1
    assert tried > 100


def test_reported_admin_address(cinema, boss):
    response = boss.get("/admin/booking/booking/?booked_at__year=99999999999")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    assert boss.get(response["Location"]).status_code == 200
    # Ordinary filtering still works.
    assert boss.get("/admin/booking/booking/?booked_at__year=2026").status_code == 200

"""Every page answers an Admin; Box office sees only bookings, check-in and customers;
anonymous visitors are sent to the login."""

import pytest
from django.urls import reverse

from marquee.booking.models import Booking
from tests import factories as f

# (url name, kwargs key, open to Box office?)
PAGES = [
    ("dashboard", None, True),
    ("planner", None, False),
    ("showtime", "showtime_id", True),
    ("showtime_cancel", "showtime_id", False),
    ("halls", None, False),
    ("hall", "hall_id", False),
    ("tariffs", None, False),
    ("tariff", "tariff_id", False),
    ("bookings", None, True),
    ("booking", "reference", True),
    ("occupancy", None, False),
    ("occupancy_csv", None, False),
    ("occupancy_heat_csv", None, False),
    ("expansion_csv", None, False),
    ("sales", None, False),
    ("sales_csv", None, False),
    ("customers_csv", None, False),
    ("customers", None, True),
    ("customer", "customer_id", True),
    ("movie_audience", "movie_id", True),
    ("campaign", None, False),
    ("payments", None, True),
    ("payments_csv", None, True),
    ("reconciliation", None, False),
    ("cash_up", None, True),
    ("cash_up_pdf", None, True),
]


@pytest.fixture
def ids(show):
    booking = Booking.objects.filter(showtime=show).first()
    return {
        "showtime_id": show.pk,
        "hall_id": show.hall_id,
        "tariff_id": f.tariff().pk,
        "reference": booking.reference,
        "customer_id": booking.customer_id,
        "movie_id": show.movie_id,
    }


def _url(name, key, ids):
    return reverse(f"backoffice:{name}", kwargs={key: ids[key]} if key else None)


@pytest.mark.parametrize(("name", "key", "box_office"), PAGES)
def test_admin_opens_every_page(admin_client, ids, name, key, box_office):
    assert admin_client.get(_url(name, key, ids)).status_code == 200


@pytest.mark.parametrize(("name", "key", "box_office"), PAGES)
def test_box_office_opens_only_its_pages(box_client, ids, name, key, box_office):
    assert box_client.get(_url(name, key, ids)).status_code == (200 if box_office else 403)


@pytest.mark.parametrize(("name", "key", "box_office"), PAGES)
def test_anonymous_is_sent_to_the_login(anon_client, ids, name, key, box_office):
    response = anon_client.get(_url(name, key, ids))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_without_staff_status_is_sent_to_the_login(db, ids):
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create_user(username="customer", password="x", is_staff=False)
    user.groups.add(Group.objects.get(name="Admin"))
    client = Client()
    client.force_login(user)
    assert client.get(reverse("backoffice:dashboard")).status_code == 302


@pytest.mark.parametrize(
    ("name", "key"),
    [("booking_pay", "reference"), ("booking_cancel", "reference"), ("booking_resend", "reference")],
)
def test_box_office_may_act_on_bookings(box_client, ids, name, key):
    assert box_client.post(_url(name, key, ids)).status_code == 302


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("planner", None),
        ("showtime_cancel", "showtime_id"),
        ("showtime_move", "showtime_id"),
        ("halls", None),
        ("tariffs", None),
        ("campaign_send", None),
    ],
)
def test_box_office_cannot_change_the_schedule_halls_tariffs_or_send_campaigns(box_client, ids, name, key):
    assert box_client.post(_url(name, key, ids)).status_code == 403


def test_menu_shows_only_what_the_role_may_open(box_client, admin_client, ids):
    box_page = box_client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:bookings") in box_page
    assert reverse("backoffice:planner") not in box_page
    assert reverse("backoffice:occupancy") not in box_page
    admin_page = admin_client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:planner") in admin_page
    assert reverse("backoffice:occupancy") in admin_page


@pytest.mark.parametrize(
    "name", ["dashboard", "planner", "halls", "tariffs", "bookings", "occupancy", "sales", "customers", "campaign"]
)
def test_pages_of_an_empty_cinema(admin_client, name):
    response = admin_client.get(reverse(f"backoffice:{name}"))
    assert response.status_code == 200

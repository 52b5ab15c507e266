"""Staff erase a customer: Admin only, from the customer's back-office page (a confirmation
step with a reason) and through the staff API."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Customer
from marquee.privacy.models import CustomerErasure
from marquee.privacy.services import customer_erase
from marquee.staff.permissions import can
from marquee.staff.services import api_key_create
from tests.privacy.conftest import EMAIL, FIRST, PHONE

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _erase_api(client: Client, key: str | None, customer_id: int, body) -> object:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.post(
        f"/api/v1/admin/customers/{customer_id}/erase",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_only_the_admin_role_may_erase(admin_user, box_user):
    assert can(admin_user, "erase_customers") is True
    assert can(box_user, "erase_customers") is False
    assert can(box_user, "read_customers") is True


def test_api_erases_for_an_admin_and_refuses_the_box_office(client, world, admin_user, box_user):
    box_key = api_key_create(username=box_user.username).key
    refused = _erase_api(client, box_key, world.customer.pk, {"reason": "Asked by email"})
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    assert _erase_api(client, None, world.customer.pk, {"reason": "x"}).status_code == 401
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None

    key = api_key_create(username=admin_user.username).key
    response = _erase_api(client, key, world.customer.pk, {"reason": "Asked by email"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer_id"] == world.customer.pk and body["reason"] == "Asked by email"
    assert body["erased_at"].endswith(("+02:00", "+03:00"))
    assert CustomerErasure.objects.get(customer_id=world.customer.pk).erased_by == admin_user

    again = _erase_api(client, key, world.customer.pk, {"reason": "Asked twice"})
    assert again.status_code == 409 and again.json()["error"] == "invalid_state"
    detail = client.get(f"/api/v1/admin/customers/{world.customer.pk}", headers={"Authorization": f"Bearer {key}"})
    assert detail.json()["erased_at"] is not None and detail.json()["first_name"] == "Erased"
    listed = client.get("/api/v1/admin/customers", headers={"Authorization": f"Bearer {key}"}).json()
    assert world.customer.pk not in [c["id"] for c in listed["results"]]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": 5}, "[1]"])
def test_api_needs_a_reason(client, world, admin_user, body):
    key = api_key_create(username=admin_user.username).key
    response = _erase_api(client, key, world.customer.pk, body)
    assert response.status_code == 422 and response.json()["error"] == "validation_error"
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None


def test_api_unknown_customer_is_not_found(client, admin_user):
    key = api_key_create(username=admin_user.username).key
    response = _erase_api(client, key, 10**9, {"reason": "Asked"})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_back_office_erasure_asks_first_and_wants_a_reason(world, admin_user):
    client = _logged_in(admin_user)
    page = client.get(reverse("backoffice:customer", args=[world.customer.pk])).content.decode()
    erase_url = reverse("backoffice:customer_erase", args=[world.customer.pk])
    assert erase_url in page

    confirm = client.get(erase_url)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Erase this customer?" in html and "cannot be undone" in html and FIRST in html

    missing = client.post(erase_url, {"reason": ""})
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None

    done = client.post(erase_url, {"reason": "Asked at the box office"}, follow=True)
    html = done.content.decode()
    assert done.redirect_chain[-1][0] == reverse("backoffice:customer", args=[world.customer.pk])
    assert "is erased" in html and "Erased on" in html and "Asked at the box office" in html
    assert EMAIL not in html and PHONE not in html and erase_url not in html
    # Asking again goes back to the page: nothing happens twice.
    assert client.post(erase_url, {"reason": "again"}).status_code == 302
    assert CustomerErasure.objects.filter(customer_id=world.customer.pk).count() == 1

    # The person asks again later: the search by their address says they were forgotten.
    found = client.get(reverse("backoffice:customers"), {"q": EMAIL.upper()}).content.decode()
    assert "was erased on" in found and "0 customers" in found


def test_box_office_sees_no_erase_button_and_cannot_open_the_page(world, box_user):
    client = _logged_in(box_user)
    erase_url = reverse("backoffice:customer_erase", args=[world.customer.pk])
    page = client.get(reverse("backoffice:customer", args=[world.customer.pk]))
    assert page.status_code == 200 and erase_url not in page.content.decode()
    assert client.get(erase_url).status_code == 403
    assert client.post(erase_url, {"reason": "Asked"}).status_code == 403
    assert Customer.objects.get(pk=world.customer.pk).erased_at is None


def test_the_admin_lists_erasures_read_only(world, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    customer_erase(customer_id=world.customer.pk, reason="Asked by email", erased_by=admin_user)
    client = _logged_in(admin_user)
    listing = client.get("/admin/privacy/customererasure/")
    assert listing.status_code == 200 and "Asked by email" in listing.content.decode()
    assert client.get("/admin/privacy/customererasure/add/").status_code == 403

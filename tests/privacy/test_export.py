"""A signed-in customer's own data: the JSON download, the readable page, and withdrawing
marketing consent there."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from marquee.booking.models import Customer
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.privacy.models import ErasureRequest
from marquee.privacy.services import customer_erase
from tests.privacy.conftest import EMAIL, FIRST, LAST, PHONE, signed_in

pytestmark = pytest.mark.django_db


def _export(client) -> dict:
    response = client.get(reverse("public:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_reached_from_the_my_bookings_sign_in_link(client, world, settings):
    client.post(reverse("public:my_bookings"), {"email": EMAIL.lower()})
    url = OutgoingMail.objects.filter(kind=MailKind.SIGN_IN).latest("pk").context["url"]
    link = url.removeprefix(settings.SITE_URL)
    assert client.get(link).status_code == 200  # asks to confirm: mail scanners must not spend the link
    page = client.post(link, follow=True).content.decode()
    assert reverse("public:my_data") in page
    assert client.get(reverse("public:my_data")).status_code == 200
    assert _export(client)["customer"]["email"] == EMAIL


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for name in ("public:my_data", "public:my_data_json"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("public:my_bookings")
    response = client.post(reverse("public:my_data_withdraw_consent"))
    assert response.status_code == 302
    assert Customer.objects.get(pk=world.customer.pk).marketing_consent is True


def test_json_export_holds_everything_about_the_customer(client, world):
    data = _export(signed_in(client, world.customer))

    assert data["customer"] == {
        "id": world.customer.pk,
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE,
        "created_at": data["customer"]["created_at"],
        "updated_at": data["customer"]["updated_at"],
    }
    consent = data["marketing_consent"]
    assert consent["agreed"] is True and consent["given_at"] and consent["withdrawn_at"] is None

    bookings = {b["reference"]: b for b in data["bookings"]}
    assert set(bookings) == {world.gift.reference, world.own.reference, world.pending.reference}
    gift = bookings[world.gift.reference]
    assert gift["status"] == "paid" and gift["total_price"] == "200.00" and gift["currency"] == "UAH"
    assert gift["showtime"]["movie"] == world.watched_movie_title
    assert [(s["row"], s["number"], s["price"]) for s in gift["seats"]] == [(1, 1, "100.00"), (1, 2, "100.00")]
    assert gift["recipient"] == {"name": "Taras Bondar", "email": "taras.bondar@example.net"}
    assert gift["gift_message"].startswith("Happy birthday!")
    assert bookings[world.pending.reference]["status"] == "pending"
    own = bookings[world.own.reference]
    assert [s["checked_in_at"] is not None for s in own["seats"]] == [True, False]

    assert [(c["booking"], c["row"], c["number"]) for c in data["check_ins"]] == [(world.own.reference, 1, 3)]

    # Email to their address (tickets of their own booking, receipts, the gift they received,
    # the refused sign-in link, the recommendation, their place in a waiting list), with kind,
    # time and subject as sent.
    kinds = sorted(m["kind"] for m in data["emails"])
    assert kinds == ["receipt", "recommendation", "sign_in", "tickets", "tickets", "waitlist_joined"]
    assert all(m["to"].lower() == EMAIL.lower() for m in data["emails"])
    sent = [m for m in data["emails"] if m["status"] == "sent"]
    assert all(m["subject"] and m["sent_at"] and m["queued_at"] for m in sent)
    assert any(m["subject"].startswith("Petro sent you tickets") for m in sent)
    assert [m["status"] for m in data["emails"] if m["kind"] == "sign_in"] == ["failed"]
    # The tickets Taras received are his mail, not hers.
    assert "taras.bondar@example.net" not in [m["to"] for m in data["emails"]]

    assert [c["movie"] for c in data["campaigns"]] == [world.recommended_title]
    assert data["campaigns"][0]["campaign_id"] is not None

    [waiting] = data["waiting_lists"]
    assert (waiting["first_name"], waiting["last_name"], waiting["email"]) == (FIRST, LAST, EMAIL)
    assert waiting["seats"] == 2 and waiting["status"] == "waiting" and waiting["joined_at"]
    assert waiting["showtime"]["movie"] == world.recommended_title and waiting["offered_at"] is None

    text = json.dumps(data)
    assert world.other.reference not in text and "stranger@example.org" not in text
    assert world.received.reference not in [b["reference"] for b in data["bookings"]]


def test_readable_page_shows_the_same_facts(client, world):
    response = signed_in(client, world.customer).get(reverse("public:my_data"))
    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        f"{FIRST} {LAST}",
        EMAIL,
        PHONE,
        world.gift.reference,
        world.own.reference,
        world.pending.reference,
        "Taras Bondar",
        "row 1, seat 3",
        "200.00",
        "Petro sent you tickets",
        "Sign-in link",
        world.recommended_title,
        "Stop recommendation email",
        reverse("public:my_data_json"),
        'Waiting lists <span class="count">(1)</span>',
        "2 seats · Waiting · joined",
    ):
        assert fact in html, fact
    assert world.other.reference not in html


def test_page_in_ukrainian(client, world, settings):
    settings.LANGUAGE_CODE = "uk"
    html = signed_in(client, world.customer).get(reverse("public:my_data")).content.decode()
    assert "Ваші дані" in html and "Завантажити як JSON" in html


def test_consent_is_withdrawn_there(client, world):
    signed_in(client, world.customer)
    response = client.post(reverse("public:my_data_withdraw_consent"), follow=True)
    html = response.content.decode()
    assert "no more recommendation email" in html
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.marketing_consent is False and customer.marketing_withdrawn_at is not None
    consent = _export(client)["marketing_consent"]
    assert consent["agreed"] is False and consent["withdrawn_at"] is not None
    assert "Stop recommendation email" not in client.get(reverse("public:my_data")).content.decode()


def test_page_and_export_stay_within_a_query_budget(client, world, django_assert_max_num_queries):
    signed_in(client, world.customer)
    with django_assert_max_num_queries(12):
        client.get(reverse("public:my_data"))
    with django_assert_max_num_queries(12):
        client.get(reverse("public:my_data_json"))


def test_the_customer_asks_to_be_forgotten_and_staff_see_it(client, world, admin_user):
    signed_in(client, world.customer)
    page = client.post(reverse("public:my_data_forget"), follow=True).content.decode()
    assert "We have your request" in page and "Ask to be forgotten" not in page
    client.post(reverse("public:my_data_forget"))  # asking twice is one request
    request = ErasureRequest.objects.get(customer=world.customer)
    assert _export(client)["asked_to_be_forgotten_at"] is not None

    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get(reverse("backoffice:customers")).content.decode()
    assert "Asked to be forgotten (1)" in listing and f"{FIRST} {LAST}" in listing
    detail = staff.get(reverse("backoffice:customer", args=[world.customer.pk])).content.decode()
    assert "Asked to be forgotten on" in detail

    customer_erase(customer_id=world.customer.pk, reason="Asked on their data page", erased_by=admin_user)
    assert "Asked to be forgotten" not in staff.get(reverse("backoffice:customers")).content.decode()
    assert ErasureRequest.objects.get(pk=request.pk).customer_id == world.customer.pk  # the record that they asked


def test_the_export_names_the_gift_vouchers_bought_by_or_for_the_customer(client, world, admin_user):
    from marquee.vouchers.models import Voucher
    from marquee.vouchers.services import voucher_issue

    given = voucher_issue(
        amount="300.00", reason="A prize", staff_user=admin_user, recipient_name=FIRST, recipient_email=EMAIL.upper()
    )
    bought = voucher_issue(amount="200.00", reason="Sold by phone", staff_user=admin_user)
    Voucher.objects.filter(pk=bought.pk).update(buyer_name=FIRST, buyer_email=EMAIL, message="For my sister")
    voucher_issue(amount="100.00", reason="Someone else's", staff_user=admin_user, recipient_email="x@example.org")

    data = _export(signed_in(client, world.customer))

    found = {v["code_ends"]: v for v in data["gift_vouchers"]}
    assert set(found) == {given.code[-4:], bought.code[-4:]}
    assert found[given.code[-4:]]["for_you"] and not found[given.code[-4:]]["bought_by_you"]
    assert found[bought.code[-4:]]["bought_by_you"] and found[bought.code[-4:]]["message"] == "For my sister"
    assert found[bought.code[-4:]]["balance"] == "200.00"
    # The code is money to whoever holds it: the export never carries it whole.
    text = json.dumps(data)
    assert given.code not in text and bought.code not in text and "x@example.org" not in text
    page = client.get(reverse("public:my_data")).content.decode()
    assert f"Code ending {given.code[-4:]}" in page and f"Code ending {bought.code[-4:]}" in page
    assert given.code not in page

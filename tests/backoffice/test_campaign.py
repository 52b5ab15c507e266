"""The campaign page: a preview for a sample customer, the audience, and sending."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marquee.booking.models import Customer
from marquee.core.clock import now
from marquee.marketing.models import Campaign, Recommendation
from marquee.notifications.models import MailKind, OutgoingMail
from tests import factories as f
from tests.backoffice.conftest import past_paid_booking


@pytest.fixture
def fan(db):
    """A consenting customer who watched a drama, with another drama coming up."""
    drama = f.genre("Drama")
    booking = past_paid_booking(movie=f.movie(title="Solaris", genres=[drama]), email="fan@example.com")
    Customer.objects.filter(pk=booking.customer_id).update(marketing_consent=True, marketing_consent_at=now())
    f.showtime(movie_obj=f.movie(title="Mirror", genres=[drama]), hall_obj=f.hall())
    return booking.customer


def test_preview_for_a_sample_customer(admin_client, fan):
    page = admin_client.get(reverse("backoffice:campaign"))
    assert page.status_code == 200
    assert page.context["sample"] == fan
    assert [m.title for m in page.context["movies"]] == ["Mirror"]
    assert page.context["audience"] == 1
    by_email = admin_client.get(reverse("backoffice:campaign"), {"customer": "FAN@example.com"})
    assert by_email.context["sample"] == fan
    missing = admin_client.get(reverse("backoffice:campaign"), {"customer": "nobody@example.com"})
    assert "No customer with that email or id." in missing.content.decode()


def test_send_queues_the_email_once(admin_client, fan):
    response = admin_client.post(reverse("backoffice:campaign_send"), follow=True)
    assert "Queued 1 recommendation email." in response.content.decode()
    assert OutgoingMail.objects.filter(kind=MailKind.RECOMMENDATION, to_email="fan@example.com").count() == 1
    assert Recommendation.objects.filter(customer=fan).count() == 1
    assert Campaign.objects.get().started_by.username == "admin"

    again = admin_client.post(reverse("backoffice:campaign_send"), follow=True)
    assert "no email was queued" in again.content.decode()
    assert OutgoingMail.objects.filter(kind=MailKind.RECOMMENDATION).count() == 1


def test_a_customer_without_consent_is_previewed_with_a_warning(admin_client, fan):
    Customer.objects.filter(pk=fan.pk).update(
        marketing_consent=False, marketing_withdrawn_at=now() - dt.timedelta(hours=1)
    )
    page = admin_client.get(reverse("backoffice:campaign"), {"customer": fan.pk})
    assert "would not receive it" in page.content.decode()
    assert page.context["audience"] == 0


def test_a_large_campaign_is_handed_to_the_worker(admin_client, fan, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from marquee.marketing.tasks import send_recommendations

    monkeypatch.setattr("marquee.marketing.services.SYNC_LIMIT", 0)  # any audience is "large"
    page = admin_client.get(reverse("backoffice:campaign"))
    assert "the worker queues it in the background" in page.content.decode()
    response = admin_client.post(reverse("backoffice:campaign_send"), follow=True)
    assert "being queued in the background for about 1 customer;" in response.content.decode()
    assert not OutgoingMail.objects.filter(kind=MailKind.RECOMMENDATION).exists()  # the request sent nothing
    task = DBTaskResult.objects.get()
    assert task.task_path == "marquee.marketing.tasks.send_recommendations"
    assert send_recommendations.call(**task.args_kwargs["kwargs"]) == 1  # what the worker runs
    assert OutgoingMail.objects.filter(kind=MailKind.RECOMMENDATION, to_email="fan@example.com").count() == 1
    assert Campaign.objects.get().started_by.username == "admin"  # the worker knows who started it


def test_campaign_page_takes_constant_queries(admin_client, fan, django_assert_max_num_queries):
    url = reverse("backoffice:campaign")
    with CaptureQueriesContext(connection) as first:
        assert admin_client.get(url).context["audience"] == 1
    drama = fan.bookings.get().showtime.movie.genres.get()
    for i in range(6):
        booking = past_paid_booking(movie=f.movie(genres=[drama]), days_ago=3 + i, email=f"fan{i}@example.com")
        Customer.objects.filter(pk=booking.customer_id).update(marketing_consent=True, marketing_consent_at=now())
        Campaign.objects.create(started_by=User.objects.get(username="admin"), started_at=now())
    with django_assert_max_num_queries(len(first)):
        page = admin_client.get(url)
    assert page.context["audience"] == 7
    assert len(page.context["campaigns"]) == 6

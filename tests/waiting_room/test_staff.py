"""/staff/queues/: staff who keep the schedule set up a queued sale, watch it, re-rate and end it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.core.clock import local, now
from marquee.staff.roles import ADMIN, BOX_OFFICE
from marquee.waiting_room.models import QueuedSale
from marquee.waiting_room.services import arrival_join

pytestmark = pytest.mark.django_db


def _client(username: str, group: str) -> Client:
    user = User.objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_staff_set_up_watch_rerate_and_end_a_queued_sale(premiere):
    client = _client("admin", ADMIN)
    showtime_page = client.get(reverse("backoffice:showtime", args=[premiere.pk])).content.decode()
    assert f"{reverse('backoffice:queues')}?showtime={premiere.pk}" in showtime_page
    opens = local(now() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(
        reverse("backoffice:queues"), {"showtime": premiere.pk, "opens_at": opens, "admit_per_minute": 120}
    )
    sale = QueuedSale.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("backoffice:queue", args=[sale.pk])
    assert sale.admit_per_minute == 120 and sale.showtime_id == premiere.pk
    for _ in range(3):
        arrival_join(sale_id=sale.pk)
    page = client.get(reverse("backoffice:queue", args=[sale.pk])).content.decode()
    assert "waiting" in page and ">3<" in page
    assert client.get(reverse("public:showtime", args=[premiere.pk])).status_code == 302  # behind the queue now
    client.post(reverse("backoffice:queue", args=[sale.pk]), {"admit_per_minute": 30})
    sale.refresh_from_db()
    assert sale.admit_per_minute == 30
    client.post(reverse("backoffice:queue_end", args=[sale.pk]))
    sale.refresh_from_db()
    assert sale.ended_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"queuedsale.create", "queuedsale.rate", "queuedsale.end"} <= actions


def test_a_second_queue_for_the_same_showtime_is_refused(premiere):
    client = _client("admin", ADMIN)
    opens = local(now() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    body = {"showtime": premiere.pk, "opens_at": opens, "admit_per_minute": 60}
    client.post(reverse("backoffice:queues"), body)
    again = client.post(reverse("backoffice:queues"), body)
    assert again.status_code == 422 and "already on a queued sale" in again.content.decode()


def test_the_box_office_cannot_set_up_queues(premiere):
    client = _client("box", BOX_OFFICE)
    assert client.get(reverse("backoffice:queues")).status_code in {302, 403}

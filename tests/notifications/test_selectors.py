"""Reading the outbox: the mail log's search and a booking's messages."""

import pytest

from marquee.notifications import selectors

pytestmark = pytest.mark.django_db


def test_the_mail_log_finds_by_address_or_reference(paid_booking):
    booking = paid_booking(email="olena@example.com")
    other = paid_booking(email="taras@example.com")
    mine = selectors.booking_mails(booking.pk)
    assert mine and all(m.booking_id == booking.pk for m in mine)
    assert {m.booking_id for m in selectors.mails_find(q="olena@")} == {booking.pk}
    assert {m.booking_id for m in selectors.mails_find(q=other.reference.lower())} == {other.pk}
    assert set(selectors.mails_find()) >= set(mine)
    assert list(selectors.mails_find(q="olena@", status="no-such-status")) == []

"""Reading for the campaign page: the sample customer and the consenting count."""

import pytest

from marquee.booking.models import Customer
from marquee.marketing import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_sample_asked_for_by_email_or_id():
    f.hold(f.showtime(), email="taras@example.com")
    taras = Customer.objects.get(email="taras@example.com")
    assert selectors.campaign_sample(email="TARAS@example.com") == taras
    assert selectors.campaign_sample(email=str(taras.pk), customer_id=taras.pk) == taras
    assert selectors.campaign_sample(email="nobody@example.com") is None


def test_no_default_sample_without_consenting_customers():
    f.hold(f.showtime(), email="taras@example.com")
    assert selectors.customers_consenting_count() == 0
    assert selectors.campaign_sample() is None
    assert list(selectors.campaigns_recent()) == []

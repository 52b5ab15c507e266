import datetime as dt

import pytest
from django.core.cache import cache

from marquee.core.clock import now
from marquee.waiting_room.services import queued_sale_create
from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The gates and each sale's status live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def premiere(db):
    """A showtime in three days in a 3 × 5 hall."""
    return f.showtime(hall_obj=f.hall(rows=3, seats=5), starts_at=(now() + dt.timedelta(days=3)).replace(microsecond=0))


@pytest.fixture
def sale(premiere):
    """The premiere on a queued sale opening in an hour, 60 visitors a minute."""
    opens = (now() + dt.timedelta(hours=1)).replace(microsecond=0)
    return queued_sale_create(showtime_id=premiere.pk, opens_at=opens, admit_per_minute=60, staff_user=None)

import datetime as dt

import pytest

from marquee.core.clock import local_today
from tests import factories


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def cinema(db):
    """A small cinema: two halls (one with a VIP row), two movies, showtimes today and tomorrow."""
    drama = factories.genre("Drama")
    comedy = factories.genre("Comedy")
    film = factories.movie(title="The Long Night", genres=[drama], duration_min=110, age_rating=12)
    other = factories.movie(title="Laughing Matters", genres=[comedy], duration_min=95)
    big = factories.hall(rows=4, seats=6, price="150.00", vip_rows=(4,))
    small = factories.hall(rows=2, seats=4, price="120.00")
    tomorrow = local_today() + dt.timedelta(days=1)
    shows = [
        factories.showtime(movie_obj=film, hall_obj=big, starts_at=factories.local_dt(tomorrow, 18)),
        factories.showtime(movie_obj=film, hall_obj=small, starts_at=factories.local_dt(tomorrow, 21)),
        factories.showtime(movie_obj=other, hall_obj=big, starts_at=factories.local_dt(tomorrow, 14)),
    ]
    return {"film": film, "other": other, "big": big, "small": small, "shows": shows, "drama": drama}

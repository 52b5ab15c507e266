"""Staff bodies are refused unless they are the object the endpoint takes (issue 10, point 9):
unknown fields, lists, strings and numbers answer 422 validation_error, datetimes are not
numbers, and no showtime is scheduled or moved into the past (the API, the planner, the service)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from marquee.core.clock import cinema_tz, local_today
from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.marketing.models import Campaign
from marquee.notifications.models import OutgoingMail
from marquee.scheduling.models import Showtime
from marquee.scheduling.services import showtime_schedule, showtime_schedule_many, showtime_update
from tests import factories as f

pytestmark = pytest.mark.django_db


def _is_validation_error(response) -> bool:
    return response.status_code == 422 and response.json()["error"] == "validation_error"


@pytest.mark.parametrize("body", ["[1,2,3]", '"hello"', "7", '{"limit_per_customer": 2, "x": 1}', '{"queue": "all"}'])
def test_campaign_refuses_a_body_that_is_not_its_object(admin_api, body):
    response = admin_api.post("/campaigns/recommendations", body)
    assert _is_validation_error(response), response.content
    assert not Campaign.objects.exists()
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize("body", ["", "{}", '{"limit_per_customer": 2}'])
def test_campaign_without_a_body_still_runs(admin_api, body):
    assert admin_api.post("/campaigns/recommendations", body).status_code == 200


@pytest.mark.parametrize("body", ["[null,null]", "[null,null,null]", '"x"', '{"starts": "2031-01-01T10:00:00+02:00"}'])
def test_showtime_patch_refuses_wrong_shapes(admin_api, body):
    show = f.showtime()
    before = Showtime.objects.values().get(pk=show.pk)
    response = admin_api.patch(f"/showtimes/{show.pk}", body)
    assert _is_validation_error(response), response.content
    assert Showtime.objects.values().get(pk=show.pk) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/genres", {"name": "Noir", "colour": "black"}),
        ("/movies", {"title": "T", "duration_min": 90, "release_year": 2020, "genre_ids": [1], "rating": 5}),
        ("/halls", {"number": 9, "name": "H", "rows": [{"row": 1, "seats": 2, "price": "1.00"}]}),
        ("/tariffs", {"name": "T", "start_time": "10:00", "end_time": "11:00", "price_multiplier": "1.1", "x": 0}),
    ],
)
def test_unknown_fields_are_refused_with_their_name(admin_api, path, body):
    f.genre()
    response = admin_api.post(path, body)
    assert _is_validation_error(response), response.content
    assert any(name in field for field in response.json()["fields"] for name in ("colour", "rating", "price", "x"))


def test_starts_at_zero_is_not_1970(admin_api):
    movie, hall = f.movie(), f.hall()
    for moment in (0, 1_900_000_000, 1.5e9):
        response = admin_api.post("/showtimes", {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": moment})
        assert _is_validation_error(response), response.content
        assert "starts_at" in response.json()["fields"]
    assert not Showtime.objects.exists()


def test_tariff_times_are_not_numbers(admin_api):
    body = {"name": "Night", "start_time": 3600, "end_time": "23:00", "price_multiplier": "1.10"}
    assert _is_validation_error(admin_api.post("/tariffs", body))


def test_api_refuses_a_start_in_the_past(admin_api):
    movie, hall = f.movie(), f.hall()
    yesterday = (clock_now() - dt.timedelta(days=1)).isoformat()
    response = admin_api.post("/showtimes", {"movie_id": movie.pk, "hall_id": hall.pk, "starts_at": yesterday})
    assert _is_validation_error(response)
    assert response.json()["fields"]["starts_at"]
    show = f.showtime(movie_obj=movie, hall_obj=hall)
    moved = admin_api.patch(f"/showtimes/{show.pk}", {"starts_at": yesterday})
    assert _is_validation_error(moved)
    assert Showtime.objects.get(pk=show.pk).starts_at == show.starts_at


def test_service_refuses_the_past_for_one_a_series_and_a_move():
    movie, hall = f.movie(), f.hall()
    past = clock_now() - dt.timedelta(minutes=1)
    with pytest.raises(ValidationFailed):
        showtime_schedule(movie_id=movie.pk, hall_id=hall.pk, starts_at=past)
    with pytest.raises(ValidationFailed):
        showtime_schedule_many(movie_id=movie.pk, hall_id=hall.pk, starts=[clock_now() + dt.timedelta(days=1), past])
    show = f.showtime(movie_obj=movie, hall_obj=hall)
    with pytest.raises(ValidationFailed):
        showtime_update(showtime_id=show.pk, starts_at=past)
    assert not Showtime.objects.exclude(pk=show.pk).exists()
    # History (the demo cinema's past weeks) is recorded on purpose.
    assert showtime_schedule_many(movie_id=movie.pk, hall_id=hall.pk, starts=[past], allow_past=True)


def test_planner_refuses_saturday_morning_on_sunday(admin_client):
    movie, hall = f.movie(title="Stalker"), f.hall()
    today = local_today()
    sunday = today + dt.timedelta(days=(6 - today.weekday()) or 7)
    saturday = sunday - dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(sunday, dt.time(12), tzinfo=cinema_tz()), tick=False):
        form = {"movie": movie.pk, "hall": hall.pk, "date": saturday.isoformat(), "time": "07:00", "repeat": "once"}
        response = admin_client.post(reverse("backoffice:planner"), form)
    assert response.status_code == 422
    assert "cannot start in the past" in response.content.decode()
    assert not Showtime.objects.exists()

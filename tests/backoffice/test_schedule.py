"""The planner: add a showtime with the clash shown before saving, repeat a series all or
nothing, cancel a showtime (its bookings cancelled, their customers emailed)."""

import datetime as dt

import pytest
from django.urls import reverse

from marquee.booking.models import Booking, BookingStatus, CancelReason
from marquee.core.clock import cinema_tz, local_today
from marquee.notifications.models import MailKind, OutgoingMail
from marquee.scheduling.models import Showtime, ShowtimeStatus
from tests import factories as f


@pytest.fixture
def hall(db):
    return f.hall()


@pytest.fixture
def film(db):
    return f.movie(title="Stalker", duration_min=105)


def _day(offset: int) -> dt.date:
    return local_today() + dt.timedelta(days=offset)


def _form(film, hall, day, time="19:00", **extra):
    return {"movie": film.pk, "hall": hall.pk, "date": day.isoformat(), "time": time, "repeat": "once", **extra}


def test_planner_draws_the_week_with_showtimes_placed_by_time(admin_client, hall, film):
    show = f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(_day(1), 18, 30))
    page = admin_client.get(reverse("backoffice:planner"), {"hall": hall.pk, "week": _day(1).isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("backoffice:showtime", args=[show.pk]) in html
    assert "18:30 Stalker" in html
    # 18:30 in a 09:00–24:00 window sits 9.5 / 15 of the way down.
    assert "top: 63.333%" in html


def test_adding_one_showtime(admin_client, hall, film):
    response = admin_client.post(reverse("backoffice:planner"), _form(film, hall, _day(2)))
    assert response.status_code == 302
    show = Showtime.objects.get()
    assert show.starts_at == f.local_dt(_day(2), 19)
    assert show.ends_at - show.starts_at == dt.timedelta(minutes=105 + 15)


def test_the_clash_is_shown_before_saving(admin_client, hall, film):
    other = f.showtime(hall_obj=hall, starts_at=f.local_dt(_day(2), 20))
    clash = admin_client.get(reverse("backoffice:conflicts_check"), _form(film, hall, _day(2)))
    assert clash.status_code == 200
    assert "is busy" in clash.content.decode()
    assert reverse("backoffice:showtime", args=[other.pk]) in clash.content.decode()

    free = admin_client.get(reverse("backoffice:conflicts_check"), _form(film, hall, _day(2), time="10:00"))
    assert "No clashes" in free.content.decode()
    assert Showtime.objects.count() == 1  # checking never saves


def test_a_clashing_showtime_is_refused_and_the_clash_listed(admin_client, hall, film):
    other = f.showtime(hall_obj=hall, starts_at=f.local_dt(_day(2), 20))
    response = admin_client.post(reverse("backoffice:planner"), _form(film, hall, _day(2)))
    assert response.status_code == 409
    assert "busy" in response.content.decode()
    assert reverse("backoffice:showtime", args=[other.pk]) in response.content.decode()
    assert Showtime.objects.count() == 1


def test_repeat_on_chosen_weekdays(admin_client, hall, film):
    start, end = _day(1), _day(14)
    form = _form(film, hall, start, repeat="weekdays", until=end.isoformat(), weekdays=["4", "5"])
    response = admin_client.post(reverse("backoffice:planner"), form)
    assert response.status_code == 302
    days = [s.starts_at.astimezone(cinema_tz()).date() for s in Showtime.objects.order_by("starts_at")]
    expected = [start + dt.timedelta(days=i) for i in range(14) if (start + dt.timedelta(days=i)).weekday() in (4, 5)]
    assert days == expected


def test_repeat_daily_is_all_or_nothing_and_lists_the_conflict(admin_client, hall, film):
    blocker = f.showtime(hall_obj=hall, starts_at=f.local_dt(_day(4), 19, 30))
    form = _form(film, hall, _day(1), repeat="daily", until=_day(7).isoformat())
    check = admin_client.get(reverse("backoffice:conflicts_check"), form)
    assert reverse("backoffice:showtime", args=[blocker.pk]) in check.content.decode()

    response = admin_client.post(reverse("backoffice:planner"), form)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was scheduled" in html
    assert reverse("backoffice:showtime", args=[blocker.pk]) in html
    assert list(Showtime.objects.all()) == [blocker]

    ok = admin_client.post(
        reverse("backoffice:planner"),
        _form(film, hall, _day(1), time="10:00", repeat="daily", until=_day(7).isoformat()),
    )
    assert ok.status_code == 302
    assert Showtime.objects.count() == 8


def test_repeat_needs_an_end_and_weekdays(admin_client, hall, film):
    response = admin_client.post(reverse("backoffice:planner"), _form(film, hall, _day(1), repeat="weekdays"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give the last day of the series." in html
    assert "Choose at least one weekday." in html
    assert not Showtime.objects.exists()


def _days_missing(weekday: int) -> tuple[dt.date, dt.date]:
    """Two consecutive days ahead, neither of which falls on `weekday`."""
    start = _day(1)
    while weekday in (start.weekday(), (start + dt.timedelta(days=1)).weekday()):
        start += dt.timedelta(days=1)
    return start, start + dt.timedelta(days=1)


def test_chosen_weekdays_that_the_range_never_reaches_are_refused_on_the_field(admin_client, hall, film):
    start, end = _days_missing(6)  # e.g. Mon–Tue with only Sunday ticked: an empty series
    form = _form(film, hall, start, repeat="weekdays", until=end.isoformat(), weekdays=["6"])
    response = admin_client.post(reverse("backoffice:planner"), form)
    assert response.status_code == 422
    assert "None of the chosen weekdays falls between" in response.context["form"].errors["weekdays"][0]
    assert "None of the chosen weekdays falls between" in response.content.decode()
    assert not Showtime.objects.exists()
    check = admin_client.get(reverse("backoffice:conflicts_check"), form)
    assert check.status_code == 200
    assert "None of the chosen weekdays falls between" in check.content.decode()


def test_the_planner_refuses_an_empty_series_even_past_the_form(admin_client, hall, film, monkeypatch):
    # The form is the guard; the view must still not index into an empty series.
    monkeypatch.setattr("marquee.backoffice.forms.ShowtimeForm.starts", lambda self: [])
    response = admin_client.post(reverse("backoffice:planner"), _form(film, hall, _day(1)))
    assert response.status_code == 422
    assert "No showtime falls in the chosen days" in response.content.decode()
    assert not Showtime.objects.exists()
    check = admin_client.get(reverse("backoffice:conflicts_check"), _form(film, hall, _day(1)))
    assert check.status_code == 200
    assert "No showtime falls in the chosen days." in check.content.decode()


def test_cancelling_a_showtime_asks_first_then_cancels_its_bookings_and_emails(admin_client, show):
    url = reverse("backoffice:showtime_cancel", args=[show.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "2 active bookings will be cancelled" in confirm.content.decode()
    show.refresh_from_db()
    assert show.status == ShowtimeStatus.SCHEDULED

    response = admin_client.post(url)
    assert response.status_code == 302
    show.refresh_from_db()
    assert show.status == ShowtimeStatus.CANCELLED
    bookings = Booking.objects.filter(showtime=show)
    assert {b.status for b in bookings} == {BookingStatus.CANCELLED}
    assert {b.cancel_reason for b in bookings} == {CancelReason.SHOWTIME_CANCELLED}
    assert OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_CANCELLED, to_email="paid@example.com").exists()


def test_showtime_page_shows_the_seat_map_and_bookings(admin_client, show):
    page = admin_client.get(reverse("backoffice:showtime", args=[show.pk]))
    html = page.content.decode()
    assert html.count('class="seat seat-standard seat-sold"') == 2
    assert html.count('class="seat seat-standard seat-held"') == 1
    assert "paid@example.com" in html


def test_moving_a_showtime_without_tickets(admin_client, hall, film):
    show = f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(_day(2), 19))
    other_hall = f.hall()
    response = admin_client.post(
        reverse("backoffice:showtime_move", args=[show.pk]),
        {"movie": film.pk, "hall": other_hall.pk, "date": _day(3).isoformat(), "time": "21:15"},
    )
    assert response.status_code == 302
    show.refresh_from_db()
    assert (show.hall_id, show.starts_at) == (other_hall.pk, f.local_dt(_day(3), 21, 15))


def test_a_showtime_with_tickets_cannot_move_hall(admin_client, show):
    response = admin_client.post(
        reverse("backoffice:showtime_move", args=[show.pk]),
        {"movie": show.movie_id, "hall": f.hall().pk, "date": _day(5).isoformat(), "time": "12:00"},
    )
    assert response.status_code == 409
    assert "cancel it instead of moving it" in response.content.decode()
    before = show.starts_at
    show.refresh_from_db()
    assert show.starts_at == before


def test_moving_onto_another_showtime_lists_the_clash(admin_client, hall, film):
    show = f.showtime(movie_obj=film, hall_obj=hall, starts_at=f.local_dt(_day(2), 10))
    other = f.showtime(hall_obj=hall, starts_at=f.local_dt(_day(2), 19))
    response = admin_client.post(
        reverse("backoffice:showtime_move", args=[show.pk]),
        {"movie": film.pk, "hall": hall.pk, "date": _day(2).isoformat(), "time": "18:30"},
    )
    assert response.status_code == 409
    assert reverse("backoffice:showtime", args=[other.pk]) in response.content.decode()


def test_a_showtime_with_tickets_moves_in_time_and_its_customers_are_emailed(admin_client, show):
    response = admin_client.post(
        reverse("backoffice:showtime_move", args=[show.pk]),
        {"movie": show.movie_id, "hall": show.hall_id, "date": _day(6).isoformat(), "time": "12:00"},
    )
    assert response.status_code == 302
    show.refresh_from_db()
    assert show.starts_at == f.local_dt(_day(6), 12)
    emailed = set(OutgoingMail.objects.filter(kind=MailKind.SHOWTIME_MOVED).values_list("to_email", flat=True))
    assert "paid@example.com" in emailed

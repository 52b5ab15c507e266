"""No input, however malformed, gets a 500: arbitrary JSON, bytes and query strings."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_HOLD_RATE_PER_MINUTE = 0  # fuzz the handlers, not the limiter


FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)


@st.composite
def booking_bodies(draw, showtime_id: int, seat_ids: list[int]):
    """Bodies near the real shape, so that fuzzing reaches past the first missing field."""
    ids = st.sampled_from(seat_ids) | st.integers(min_value=-(2**64), max_value=2**64)
    customer = st.fixed_dictionaries(
        {},
        optional={
            "first_name": st.text(max_size=120) | json_values,
            "last_name": st.text(max_size=5),
            "email": st.sampled_from(["a@example.com", "A@EXAMPLE.COM", "bad", "", "x@y"]) | st.emails() | json_values,
            "phone": st.text(max_size=40) | st.none(),
        },
    )
    return draw(
        st.fixed_dictionaries(
            {},
            optional={
                "showtime_id": st.just(showtime_id) | json_values,
                "seat_ids": st.lists(ids, max_size=12) | json_values,
                "customer": customer | json_values,
                "recipient": st.none()
                | st.fixed_dictionaries({}, optional={"name": st.text(max_size=5), "email": st.emails() | st.text()}),
                "gift_message": st.text(max_size=50) | json_values,
                "marketing_consent": st.booleans() | json_values,
                "extra": json_values,
            },
        )
    )


def assert_answered(response) -> None:
    assert response.status_code < 500, response.content
    body = response.json()
    if response.status_code >= 400:
        assert isinstance(body["error"], str) and isinstance(body["detail"], str)
        if body["error"] == "validation_error":
            assert isinstance(body["fields"], dict)


def test_post_bookings_with_arbitrary_json(api, show, seat_ids):
    @FUZZ
    @given(body=json_values)
    def check(body):
        assert_answered(api.post("/bookings", body))

    check()


def test_post_bookings_with_near_valid_bodies(api, show, seat_ids):
    @FUZZ
    @given(body=booking_bodies(show.pk, seat_ids))
    def check(body):
        assert_answered(api.post("/bookings", body))

    check()


def test_post_bookings_with_arbitrary_bytes(api, show):
    @FUZZ
    @given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
    def check(raw):
        assert_answered(api.post("/bookings", raw=raw))

    check()


def test_get_showtimes_with_arbitrary_query_strings(api, show):
    keys = st.sampled_from(["date", "movie", "hall", "genre", "limit", "x"]) | st.text(min_size=1, max_size=8)
    values = (
        st.text(max_size=30)
        | st.integers().map(str)
        | st.dates().map(str)
        | st.sampled_from(["", "2026-02-30", "-1", "0", "1e9", "9" * 40, "null", "[]"])
    )

    @FUZZ
    @given(params=st.dictionaries(keys, values, max_size=4))
    @example(params={"path": "x", "self": "y"})  # once passed as keyword arguments, they clashed
    def check(params):
        # Straight to the client: a key such as "self", "path" or "token" is a query key here too.
        assert_answered(api.client.get("/api/v1/showtimes", params))
        assert_answered(api.client.get("/api/v1/movies", params))

    check()


def test_booking_paths_with_arbitrary_references_and_tokens(api, show):
    @FUZZ
    @given(
        reference=st.text(min_size=1, max_size=40).filter(lambda r: "/" not in r),
        token=st.text(max_size=60),
    )
    def check(reference, token):
        # Quoted as a client would: the test client would otherwise strip tabs and newlines.
        reference = quote(reference, safe="")
        assert_answered(api.get(f"/bookings/{reference}", token=token or None))
        assert_answered(api.post(f"/bookings/{reference}/cancel", token=token or None))
        assert_answered(api.post(f"/bookings/{reference}/pay", {"method": "demo"}, token=token or None))

    check()


def test_arbitrary_json_on_pay(api, show, seat_ids):
    held = api.hold(show, seat_ids[:1]).json()

    @FUZZ
    @given(body=json_values)
    def check(body):
        assert_answered(api.post(f"/bookings/{held['reference']}/pay", raw=json.dumps(body), token=held["token"]))

    check()


@pytest.mark.parametrize("day", ["0001-01-01", "1970-12-31", "9999-12-31", "2200-01-01"])
@pytest.mark.parametrize("path", ["/movies", "/showtimes"])
def test_days_at_the_ends_of_the_calendar_are_validation_errors(api, show, path, day):
    response = api.get(path, date=day)
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "validation_error"
    assert "date" in str(response.json()["fields"])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_schedule_page_shows_today_for_a_day_at_the_ends_of_the_calendar(client, show, day):
    assert client.get("/schedule/", {"date": day}).status_code == 200


def test_a_body_too_large_is_refused_in_the_error_shape(api, show, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/bookings", raw=json.dumps({"showtime_id": show.pk, "pad": "x" * 5000}))
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["error"] == "validation_error" and body["fields"]["body"]

"""What the public and the staff schemas share, defined once: ids and bounds, money, the
input bases, the validators of dates and text, the error answer, and the small shapes (a
genre, a hall, a movie, a recipient) both APIs answer with.

Bounds on numbers and lengths keep every input in a form the database accepts, so that no
input reaches it only to be refused with an error of its own (a 500): ids fit a 64-bit
integer, small integers a smallint, strings their column.
"""

import datetime as dt
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Union, get_args, get_origin

from ninja import Schema
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from marquee.catalog.models import Genre, Movie
from marquee.core.clock import MAX_YEAR, MIN_YEAR, local
from marquee.core.money import format_money
from marquee.core.pages import Page
from marquee.venues.models import Hall

# --- numbers ----------------------------------------------------------------------------------

# A database id: a positive 64-bit integer.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
SMALL = 32767  # PostgreSQL smallint
SmallInt = Annotated[int, Field(ge=-SMALL, le=SMALL)]
# A place in a list staff order by hand (formats, language versions, ticket types).
Position = Annotated[int, Field(ge=0, le=SMALL)]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10**9)]

# --- money ------------------------------------------------------------------------------------

# An amount answered to clients: a string with two decimals, next to `currency`.
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["150.00"])]
# A price staff give (a seat's base price, an amount off): what the price columns hold.
Price = Annotated[Decimal, Field(max_digits=8, decimal_places=2)]
# A price multiplier (a tariff's, a ticket type's).
Multiplier = Annotated[Decimal, Field(max_digits=6, decimal_places=3)]


def money(value: Decimal) -> str:
    """An amount as the API answers it: "150.00"."""
    return format_money(value)


def multiplier_text(value: Decimal) -> str:
    """ "1.25" for 1.250, "1.125" for 1.125: at least two decimals, no trailing noise."""
    text = f"{value.normalize():f}"
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


# --- moments and days -------------------------------------------------------------------------

# A moment staff give (a showtime's start) lies between these years; days (report periods,
# film weeks) between the cinema's MIN_YEAR and MAX_YEAR, whose neighbours exist too.
MOMENT_MIN_YEAR, MOMENT_MAX_YEAR = 1970, 2200
DAY_MIN, DAY_MAX = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)


def day_in_range(value: dt.date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def sane_moment(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and not MOMENT_MIN_YEAR <= value.year <= MOMENT_MAX_YEAR:
        raise ValueError(f"Give a date between {MOMENT_MIN_YEAR} and {MOMENT_MAX_YEAR}.")
    return value


def sane_day(value: dt.date | None) -> dt.date | None:
    if value is not None and not day_in_range(value):
        raise ValueError(f"Give a year from {MIN_YEAR} to {MAX_YEAR}.")
    return value


def naive_time(value: dt.time | None) -> dt.time | None:
    if value is not None and value.tzinfo is not None:
        raise ValueError("Give a local time without an offset (HH:MM).")
    return value


def local_moment(value: dt.datetime) -> dt.datetime:
    """A stored moment in the cinema's time zone, to the second (the public answers)."""
    return local(value).replace(microsecond=0)


def moment(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else local_moment(value)


def local_or_none(value: dt.datetime | None) -> dt.datetime | None:
    """A stored moment, or none, in the cinema's time zone as stored (the staff answers)."""
    return local(value) if value is not None else None


# --- what clients send ------------------------------------------------------------------------


def no_control_characters(value: Any) -> Any:
    """NUL and other control characters have no place in names and filters (and PostgreSQL
    refuses NUL in text): a validation error, not a database error."""
    if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("Control characters are not allowed.")
    return value


def _is_temporal(annotation: Any) -> bool:
    if annotation in (dt.datetime, dt.date, dt.time):
        return True
    if get_origin(annotation) in (Union, types.UnionType, Annotated):
        return any(_is_temporal(arg) for arg in get_args(annotation))
    return False


class StrictIn(Schema):
    """A request body: unknown fields are refused, not silently dropped. The public bodies
    (whose texts the booking services check, with messages in the client's language)."""

    model_config = ConfigDict(extra="forbid")


class CleanIn(StrictIn):
    """Every request body and query schema of the staff API: unknown fields, control
    characters, and numbers where a date or time belongs are refused.

    Shapes other than an object are refused too: ninja's schemas otherwise read fields off
    any value as attributes, so a list or a string would pass as an empty body with every
    default.
    """

    _clean = field_validator("*", mode="before")(no_control_characters)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bare_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic reads a number as seconds since 1970: `"starts_at": 0` was 1970-01-01.
        if isinstance(value, int | float) and not isinstance(value, bool) and info.field_name:
            field = cls.model_fields.get(info.field_name)
            if field is not None and _is_temporal(field.annotation):
                raise ValueError("Give an ISO 8601 string, not a number.")
        return value


class Paged(CleanIn):
    """api.md: a list that can grow without bound takes `limit` (default 50, max 500) and
    `offset`, and answers `{"count": N, "results": [...]}` (`page_out`)."""

    limit: Limit = 50
    offset: Offset = 0


def page_out[T](page: Page[T], item_out: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    return {"count": page.count, "results": [item_out(item) for item in page.results]}


# --- errors -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    error: str = Field(examples=["not_found"])
    detail: str
    fields: dict[str, list[str]] | None = Field(None, description="Only for validation_error.")
    seat_ids: list[int] | None = Field(
        None,
        description="For seats_unavailable: every seat held or sold (empty: no block free for best available); "
        "for single_seat_gap: the seats asked for; for wheelchair_only: the wheelchair spaces and companion seats.",
    )
    suggestion: list[int] | None = Field(
        None, description="Only for single_seat_gap: as many seats near those asked that leave no single seat."
    )
    conflicts: list[int] | None = Field(None, description="Only for hall_busy and tariff_overlap.")


ERRORS_READ: dict[int, type[Schema]] = {404: ErrorOut, 422: ErrorOut}


def staff_errors(*codes: int) -> dict[int, Any]:
    """A staff operation's error answers: 401, 403 and 422 always, and `codes`."""
    return {code: ErrorOut for code in (401, 403, 422, *codes)}


# --- shapes both APIs answer with ---------------------------------------------------------------


class GenreOut(Schema):
    id: int
    name: str


class HallBrief(Schema):
    id: int
    number: int
    name: str


class MovieBrief(Schema):
    id: int
    title: str
    duration_min: int
    age_rating: int


class RecipientOut(Schema):
    name: str
    email: str


def genre_out(genre: Genre) -> dict[str, Any]:
    return {"id": genre.pk, "name": genre.name}


def hall_brief(hall: Hall) -> dict[str, Any]:
    return {"id": hall.pk, "number": hall.number, "name": hall.name}


def movie_brief(movie: Movie) -> dict[str, Any]:
    return {"id": movie.pk, "title": movie.title, "duration_min": movie.duration_min, "age_rating": movie.age_rating}


def poster_file_url(movie: Movie) -> str | None:
    """The poster staff uploaded, or none (the staff answers)."""
    return str(movie.poster.url) if movie.poster else None


def poster_url(movie: Movie) -> str:
    """The movie's own poster, or the artwork generated for it (served by the public site)."""
    return poster_file_url(movie) or f"/posters/{movie.pk}.svg"

"""The staff API's shapes of formats (2D, 3D, IMAX…) and language versions
(marquee.api.staff_formats)."""

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from marquee.api.schemas.common import CleanIn, Position, money
from marquee.scheduling.models import Format, LanguageVersion

Code = Annotated[str, Field(min_length=1, max_length=32, examples=["3d"])]
Surcharge = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, examples=["40.00"])]


# --- formats ---------------------------------------------------------------------------------


class FormatIn(CleanIn):
    code: Code
    name: str = Field(max_length=40, examples=["3D"])
    surcharge: Surcharge = Decimal("0.00")
    position: Position = 0


class FormatPatch(CleanIn):
    code: Code | None = None
    name: str | None = Field(None, max_length=40)
    surcharge: Surcharge | None = None
    position: Position | None = None


class FormatOut(Schema):
    id: int
    code: str
    name: str
    surcharge: str = Field(examples=["40.00"])
    position: int
    showtimes: int = Field(description="How many showtimes are in this format (while any are, it cannot be deleted).")


def format_out(fmt: Format, used: int | None = None) -> dict[str, Any]:
    count = used if used is not None else getattr(fmt, "showtime_count", None)
    return {
        "id": fmt.pk,
        "code": fmt.code,
        "name": fmt.name,
        "surcharge": money(fmt.surcharge),
        "position": fmt.position,
        "showtimes": count if count is not None else fmt.showtimes.count(),
    }


# --- language versions -------------------------------------------------------------------------


class LanguageVersionIn(CleanIn):
    """`name` is the default language's name; `name_en` and `name_uk` each language's."""

    code: Code = Field(examples=["ov-uk-subs"])
    name: str | None = Field(None, max_length=80)
    name_en: str | None = Field(None, max_length=80, examples=["Original, Ukrainian subtitles"])
    name_uk: str | None = Field(None, max_length=80, examples=["Мовою оригіналу з українськими субтитрами"])
    position: Position = 0


class LanguageVersionPatch(CleanIn):
    code: Code | None = None
    name: str | None = Field(None, max_length=80)
    name_en: str | None = Field(None, max_length=80)
    name_uk: str | None = Field(None, max_length=80)
    position: Position | None = None


class LanguageVersionOut(Schema):
    id: int
    code: str
    name: str = Field(description="In the client's language.")
    name_en: str
    name_uk: str
    position: int
    showtimes: int = Field(description="How many showtimes are in this version (while any are, it cannot be deleted).")


def language_version_out(version: LanguageVersion, used: int | None = None) -> dict[str, Any]:
    count = used if used is not None else getattr(version, "showtime_count", None)
    return {
        "id": version.pk,
        "code": version.code,
        "name": version.name,
        "name_en": version.name_en,
        "name_uk": version.name_uk,
        "position": version.position,
        "showtimes": count if count is not None else version.showtimes.count(),
    }

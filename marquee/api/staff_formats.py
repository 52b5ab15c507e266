"""The staff API for formats (2D, 3D, IMAX…) and language versions: /api/v1/admin/formats and
/api/v1/admin/language-versions (an addition to api.md).

Kept by whoever keeps the schedule; read by the box office too. A format or version some
showtime uses cannot be deleted: 409 `invalid_state`, saying how many.
"""

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from marquee.api.auth import StaffAuth
from marquee.api.schemas import ErrorOut
from marquee.api.schemas_staff import Id, Input, money
from marquee.core.errors import NotFound
from marquee.scheduling import formats as services
from marquee.scheduling import selectors
from marquee.scheduling.models import Format, LanguageVersion

router = Router(tags=["staff: formats"])

READ = StaffAuth("manage_schedule", "box_office")
KEEP = StaffAuth("manage_schedule")

Code = Annotated[str, Field(min_length=1, max_length=32, examples=["3d"])]
Surcharge = Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2, examples=["40.00"])]
Position = Annotated[int, Field(ge=0, le=32767)]


def _errors(*codes: int) -> dict[int, Any]:
    return {code: ErrorOut for code in (401, 403, 422, *codes)}


def _actor(request: HttpRequest) -> Any:
    """The staff member StaffAuth let in."""
    return getattr(request, "auth", None)


def _no_content() -> HttpResponse:
    return HttpResponse(status=204)


# --- formats ---------------------------------------------------------------------------------


class FormatIn(Input):
    code: Code
    name: str = Field(max_length=40, examples=["3D"])
    surcharge: Surcharge = Decimal("0.00")
    position: Position = 0


class FormatPatch(Input):
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


def _format(format_id: int) -> Format:
    found = selectors.formats_with_counts().filter(pk=format_id).first()
    if found is None:
        raise NotFound("No such format.")
    return found


@router.get("/formats", response={200: list[FormatOut], **_errors()}, auth=READ)
def formats_list(request: HttpRequest) -> Any:
    """Every format, by position, then name."""
    return [format_out(f) for f in selectors.formats_with_counts()]


@router.post("/formats", response={201: FormatOut, **_errors()}, auth=KEEP)
def formats_create(request: HttpRequest, payload: FormatIn) -> Any:
    fmt = services.format_create(**payload.dict(), staff_user=_actor(request))
    return Status(201, format_out(fmt, 0))


@router.get("/formats/{format_id}", response={200: FormatOut, **_errors(404)}, auth=READ)
def formats_get(request: HttpRequest, format_id: Id) -> Any:
    return format_out(_format(format_id))


@router.patch("/formats/{format_id}", response={200: FormatOut, **_errors(404)}, auth=KEEP)
def formats_update(request: HttpRequest, format_id: Id, payload: FormatPatch) -> Any:
    """Seats already sold keep their prices; new holds pay the new surcharge."""
    services.format_update(format_id=format_id, **payload.dict(exclude_none=True), staff_user=_actor(request))
    return format_out(_format(format_id))


@router.delete("/formats/{format_id}", response={204: None, **_errors(404, 409)}, auth=KEEP)
def formats_delete(request: HttpRequest, format_id: Id) -> Any:
    """409 `invalid_state` while any showtime is in this format."""
    services.format_delete(format_id=format_id, staff_user=_actor(request))
    return _no_content()


# --- language versions -------------------------------------------------------------------------


class LanguageVersionIn(Input):
    """`name` is the default language's name; `name_en` and `name_uk` each language's."""

    code: Code = Field(examples=["ov-uk-subs"])
    name: str | None = Field(None, max_length=80)
    name_en: str | None = Field(None, max_length=80, examples=["Original, Ukrainian subtitles"])
    name_uk: str | None = Field(None, max_length=80, examples=["Мовою оригіналу з українськими субтитрами"])
    position: Position = 0


class LanguageVersionPatch(Input):
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


def _version(version_id: int) -> LanguageVersion:
    found = selectors.language_versions_with_counts().filter(pk=version_id).first()
    if found is None:
        raise NotFound("No such language version.")
    return found


@router.get("/language-versions", response={200: list[LanguageVersionOut], **_errors()}, auth=READ)
def language_versions_list(request: HttpRequest) -> Any:
    """Every language version, by position, then code."""
    return [language_version_out(v) for v in selectors.language_versions_with_counts()]


@router.post("/language-versions", response={201: LanguageVersionOut, **_errors()}, auth=KEEP)
def language_versions_create(request: HttpRequest, payload: LanguageVersionIn) -> Any:
    version = services.language_version_create(**payload.dict(), staff_user=_actor(request))
    return Status(201, language_version_out(version, 0))


@router.get("/language-versions/{version_id}", response={200: LanguageVersionOut, **_errors(404)}, auth=READ)
def language_versions_get(request: HttpRequest, version_id: Id) -> Any:
    return language_version_out(_version(version_id))


@router.patch("/language-versions/{version_id}", response={200: LanguageVersionOut, **_errors(404)}, auth=KEEP)
def language_versions_update(request: HttpRequest, version_id: Id, payload: LanguageVersionPatch) -> Any:
    services.language_version_update(
        version_id=version_id, **payload.dict(exclude_none=True), staff_user=_actor(request)
    )
    return language_version_out(_version(version_id))


@router.delete("/language-versions/{version_id}", response={204: None, **_errors(404, 409)}, auth=KEEP)
def language_versions_delete(request: HttpRequest, version_id: Id) -> Any:
    """409 `invalid_state` while any showtime is in this version."""
    services.language_version_delete(version_id=version_id, staff_user=_actor(request))
    return _no_content()

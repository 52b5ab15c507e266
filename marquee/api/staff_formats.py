"""The staff API for formats (2D, 3D, IMAX…) and language versions: /api/v1/admin/formats and
/api/v1/admin/language-versions (an addition to api.md).

Kept by whoever keeps the schedule; read by the box office too. A format or version some
showtime uses cannot be deleted: 409 `invalid_state`, saying how many.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from marquee.api.auth import StaffAuth, staff_actor
from marquee.api.schemas.common import Id, staff_errors
from marquee.api.schemas.formats import (
    FormatIn,
    FormatOut,
    FormatPatch,
    LanguageVersionIn,
    LanguageVersionOut,
    LanguageVersionPatch,
    format_out,
    language_version_out,
)
from marquee.core.errors import NotFound
from marquee.scheduling import formats as services
from marquee.scheduling import selectors
from marquee.scheduling.models import Format, LanguageVersion

router = Router(tags=["staff: formats"])

READ = StaffAuth("manage_schedule", "box_office")
KEEP = StaffAuth("manage_schedule")


# --- formats ---------------------------------------------------------------------------------


def _format(format_id: int) -> Format:
    found = selectors.format_with_count(format_id)
    if found is None:
        raise NotFound("No such format.")
    return found


@router.get("/formats", response={200: list[FormatOut], **staff_errors()}, auth=READ)
def formats_list(request: HttpRequest) -> Any:
    """Every format, by position, then name."""
    return [format_out(f) for f in selectors.formats_with_counts()]


@router.post("/formats", response={201: FormatOut, **staff_errors()}, auth=KEEP)
def formats_create(request: HttpRequest, payload: FormatIn) -> Any:
    fmt = services.format_create(**payload.dict(), staff_user=staff_actor(request))
    return Status(201, format_out(fmt, 0))


@router.get("/formats/{format_id}", response={200: FormatOut, **staff_errors(404)}, auth=READ)
def formats_get(request: HttpRequest, format_id: Id) -> Any:
    return format_out(_format(format_id))


@router.patch("/formats/{format_id}", response={200: FormatOut, **staff_errors(404)}, auth=KEEP)
def formats_update(request: HttpRequest, format_id: Id, payload: FormatPatch) -> Any:
    """Seats already sold keep their prices; new holds pay the new surcharge."""
    services.format_update(format_id=format_id, **payload.dict(exclude_none=True), staff_user=staff_actor(request))
    return format_out(_format(format_id))


@router.delete("/formats/{format_id}", response={204: None, **staff_errors(404, 409)}, auth=KEEP)
def formats_delete(request: HttpRequest, format_id: Id) -> Any:
    """409 `invalid_state` while any showtime is in this format."""
    services.format_delete(format_id=format_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)


# --- language versions -------------------------------------------------------------------------


def _version(version_id: int) -> LanguageVersion:
    found = selectors.language_version_with_count(version_id)
    if found is None:
        raise NotFound("No such language version.")
    return found


@router.get("/language-versions", response={200: list[LanguageVersionOut], **staff_errors()}, auth=READ)
def language_versions_list(request: HttpRequest) -> Any:
    """Every language version, by position, then code."""
    return [language_version_out(v) for v in selectors.language_versions_with_counts()]


@router.post("/language-versions", response={201: LanguageVersionOut, **staff_errors()}, auth=KEEP)
def language_versions_create(request: HttpRequest, payload: LanguageVersionIn) -> Any:
    version = services.language_version_create(**payload.dict(), staff_user=staff_actor(request))
    return Status(201, language_version_out(version, 0))


@router.get("/language-versions/{version_id}", response={200: LanguageVersionOut, **staff_errors(404)}, auth=READ)
def language_versions_get(request: HttpRequest, version_id: Id) -> Any:
    return language_version_out(_version(version_id))


@router.patch("/language-versions/{version_id}", response={200: LanguageVersionOut, **staff_errors(404)}, auth=KEEP)
def language_versions_update(request: HttpRequest, version_id: Id, payload: LanguageVersionPatch) -> Any:
    services.language_version_update(
        version_id=version_id, **payload.dict(exclude_none=True), staff_user=staff_actor(request)
    )
    return language_version_out(_version(version_id))


@router.delete("/language-versions/{version_id}", response={204: None, **staff_errors(404, 409)}, auth=KEEP)
def language_versions_delete(request: HttpRequest, version_id: Id) -> Any:
    """409 `invalid_state` while any showtime is in this version."""
    services.language_version_delete(version_id=version_id, staff_user=staff_actor(request))
    return HttpResponse(status=204)

"""Formats (2D, 3D, IMAX…) and language versions (dubbed, original with subtitles…), kept by
staff, and how a showtime names them.

A format's surcharge is added to every seat's price of its showtimes by
`marquee.pricing.prices.seat_price`; a booked seat keeps the price it was sold at, so changing
a format's surcharge, or a showtime's format, never touches a sale. A format or a version some
showtime uses (cancelled ones too: their records name it) cannot be deleted.
"""

import enum
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.core.errors import InvalidState, ValidationFailed
from marquee.core.languages import default_language
from marquee.core.rows import row_or_not_found
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.scheduling.seat_map_cache import seat_layouts_changed

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MAX_SURCHARGE = Decimal("999999.99")  # the column's eight digits
FORMAT_FIELDS = ("code", "name", "surcharge", "position")
VERSION_FIELDS = ("code", "name_en", "name_uk", "position")


class Keep(enum.Enum):
    """A service argument left as it is (None means "none")."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _code_problem(code: str) -> str | None:
    if not CODE.match(code):
        return _("Use 1 to 32 lowercase latin letters, digits and hyphens, such as 3d or ov-uk-subs.")
    return None


def _position_problem(position: int) -> str | None:
    return None if 0 <= position <= 32767 else _("Give a position from 0 to 32767.")


def _refuse(errors: dict[str, list[str]], what: str) -> None:
    if errors:
        raise ValidationFailed(what, fields=errors)


# --- formats ---------------------------------------------------------------------------------


def _validate_format(fmt: Format) -> None:
    errors: dict[str, list[str]] = {}
    if problem := _code_problem(fmt.code):
        errors["code"] = [problem]
    elif Format.objects.filter(code=fmt.code).exclude(pk=fmt.pk).exists():
        errors["code"] = [_("Another format has this code.")]
    if not fmt.name:
        errors["name"] = [_("A format needs a name.")]
    elif len(fmt.name) > 40:
        errors["name"] = [_("Keep the name to 40 characters.")]
    elif Format.objects.filter(name__iexact=fmt.name).exclude(pk=fmt.pk).exists():
        errors["name"] = [_("Another format has this name.")]
    try:
        surcharge = Decimal(fmt.surcharge)
    except (InvalidOperation, TypeError, ValueError):
        errors["surcharge"] = [_("Give the surcharge as an amount, such as 40.00.")]
    else:
        if not surcharge.is_finite() or not Decimal(0) <= surcharge <= MAX_SURCHARGE:
            errors["surcharge"] = [_("The surcharge is an amount from 0 to 999999.99.")]
        elif surcharge != surcharge.quantize(Decimal("0.01")):
            errors["surcharge"] = [_("The surcharge has at most two decimal places.")]
    if problem := _position_problem(fmt.position):
        errors["position"] = [problem]
    _refuse(errors, _("The format is not valid."))


def _audit_format(fmt: Format, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user, action=action, target_type="format", target_id=fmt.pk, target_label=fmt.name, changes=changes
    )


def format_create(
    *, code: str, name: str, surcharge: Decimal = Decimal(0), position: int = 0, staff_user: Actor = None
) -> Format:
    fmt = Format(code=code.strip().lower(), name=name.strip(), surcharge=surcharge, position=position)
    try:
        with transaction.atomic():
            _validate_format(fmt)
            fmt.surcharge = Decimal(fmt.surcharge).quantize(Decimal("0.01"))
            fmt.save()
            _audit_format(fmt, "format.create", snapshot(fmt, FORMAT_FIELDS), staff_user)
    except IntegrityError:  # a writer took the code or name between the check and the insert
        raise ValidationFailed(
            _("The format is not valid."), fields={"code": [_("Another format has this code.")]}
        ) from None
    return fmt


def _locked_format(format_id: int) -> Format:
    return row_or_not_found(Format.objects.select_for_update(), _("No such format."), pk=format_id)


def format_update(
    *,
    format_id: int,
    code: str | None = None,
    name: str | None = None,
    surcharge: Decimal | None = None,
    position: int | None = None,
    staff_user: Actor = None,
) -> Format:
    """Change a format. Seats already sold keep their prices; new holds pay the new surcharge."""
    try:
        with transaction.atomic():
            fmt = _locked_format(format_id)
            before = snapshot(fmt, FORMAT_FIELDS)
            if code is not None:
                fmt.code = code.strip().lower()
            if name is not None:
                fmt.name = name.strip()
            if surcharge is not None:
                fmt.surcharge = surcharge
            if position is not None:
                fmt.position = position
            _validate_format(fmt)
            fmt.surcharge = Decimal(fmt.surcharge).quantize(Decimal("0.01"))
            fmt.save()
            changed = changes_between(before, snapshot(fmt, FORMAT_FIELDS))
            if changed:
                _audit_format(fmt, "format.update", changed, staff_user)
            if "surcharge" in changed:
                seat_layouts_changed(fmt.showtimes.values_list("pk", flat=True))
    except IntegrityError:
        raise ValidationFailed(
            _("The format is not valid."), fields={"code": [_("Another format has this code.")]}
        ) from None
    return fmt


def _in_use(obj: Format | LanguageVersion, count: int) -> InvalidState:
    """The refusal to delete what `count` showtimes use, saying how many."""
    if isinstance(obj, Format):
        message = ngettext(
            "%(count)d showtime is in %(name)s; change it first.",
            "%(count)d showtimes are in %(name)s; change them first.",
            count,
        )
    else:
        message = ngettext(
            "%(count)d showtime is shown in %(name)s; change it first.",
            "%(count)d showtimes are shown in %(name)s; change them first.",
            count,
        )
    return InvalidState(message % {"count": count, "name": obj.name}, showtimes=count)


def _delete(obj: Format | LanguageVersion) -> None:
    """The row gone; a showtime given it after the count (the foreign key protects it) is
    refused the same way."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as error:
        raise _in_use(obj, len(error.protected_objects)) from None


def format_delete(*, format_id: int, staff_user: Actor = None) -> None:
    """Refused (InvalidState, saying how many) while any showtime is in this format."""
    with transaction.atomic():
        fmt = _locked_format(format_id)
        used = Showtime.objects.filter(format=fmt).count()
        if used:
            raise _in_use(fmt, used)
        gone = {field: [value, None] for field, value in snapshot(fmt, FORMAT_FIELDS).items()}
        _audit_format(fmt, "format.delete", gone, staff_user)
        _delete(fmt)


# --- language versions -----------------------------------------------------------------------


def _names(name: str | None, name_en: str | None, name_uk: str | None) -> dict[str, str | None]:
    """Each language's name; a plain `name` stands for the default language's."""
    given = {"en": name_en, "uk": name_uk}
    if given[default_language()] is None and name is not None:
        given[default_language()] = name
    return {f"name_{lang}": value for lang, value in given.items()}


def _validate_version(version: LanguageVersion) -> None:
    errors: dict[str, list[str]] = {}
    if problem := _code_problem(version.code):
        errors["code"] = [problem]
    elif LanguageVersion.objects.filter(code=version.code).exclude(pk=version.pk).exists():
        errors["code"] = [_("Another language version has this code.")]
    if not version.name_en and not version.name_uk:
        errors["name"] = [_("Give a name in at least one language.")]
    for field in ("name_en", "name_uk"):
        if len(getattr(version, field)) > 80:
            errors[field] = [_("Keep the name to 80 characters.")]
    if problem := _position_problem(version.position):
        errors["position"] = [problem]
    _refuse(errors, _("The language version is not valid."))


def _audit_version(version: LanguageVersion, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="languageversion",
        target_id=version.pk,
        target_label=version.name_en or version.name_uk,
        changes=changes,
    )


def language_version_create(
    *,
    code: str,
    name: str | None = None,
    name_en: str | None = None,
    name_uk: str | None = None,
    position: int = 0,
    staff_user: Actor = None,
) -> LanguageVersion:
    names = {field: (value or "").strip() for field, value in _names(name, name_en, name_uk).items()}
    version = LanguageVersion(code=code.strip().lower(), position=position, **names)
    try:
        with transaction.atomic():
            _validate_version(version)
            version.save()
            _audit_version(version, "languageversion.create", snapshot(version, VERSION_FIELDS), staff_user)
    except IntegrityError:
        raise ValidationFailed(
            _("The language version is not valid."), fields={"code": [_("Another language version has this code.")]}
        ) from None
    return version


def _locked_version(version_id: int) -> LanguageVersion:
    return row_or_not_found(LanguageVersion.objects.select_for_update(), _("No such language version."), pk=version_id)


def language_version_update(
    *,
    version_id: int,
    code: str | None = None,
    name: str | None = None,
    name_en: str | None = None,
    name_uk: str | None = None,
    position: int | None = None,
    staff_user: Actor = None,
) -> LanguageVersion:
    try:
        with transaction.atomic():
            version = _locked_version(version_id)
            before = snapshot(version, VERSION_FIELDS)
            if code is not None:
                version.code = code.strip().lower()
            for field, value in _names(name, name_en, name_uk).items():
                if value is not None:
                    setattr(version, field, value.strip())
            if position is not None:
                version.position = position
            _validate_version(version)
            version.save()
            changed = changes_between(before, snapshot(version, VERSION_FIELDS))
            if changed:
                _audit_version(version, "languageversion.update", changed, staff_user)
    except IntegrityError:
        raise ValidationFailed(
            _("The language version is not valid."), fields={"code": [_("Another language version has this code.")]}
        ) from None
    return version


def language_version_delete(*, version_id: int, staff_user: Actor = None) -> None:
    """Refused (InvalidState, saying how many) while any showtime is in this version."""
    with transaction.atomic():
        version = _locked_version(version_id)
        used = Showtime.objects.filter(language_version=version).count()
        if used:
            raise _in_use(version, used)
        gone = {field: [value, None] for field, value in snapshot(version, VERSION_FIELDS).items()}
        _audit_version(version, "languageversion.delete", gone, staff_user)
        _delete(version)


# --- a showtime's format and version, by code --------------------------------------------------


def format_by_code(code: str | None) -> Format | None:
    """The format named by `code` ("" or None: none); ValidationFailed on `format` if unknown."""
    if not code:
        return None
    found = Format.objects.filter(code=code.strip().lower()).first()
    if found is None:
        raise ValidationFailed(
            _("No such format."), fields={"format": [_("No format has the code %(code)s.") % {"code": code}]}
        )
    return found


def language_version_by_code(code: str | None) -> LanguageVersion | None:
    """The version named by `code` ("" or None: none); ValidationFailed on `language_version` if unknown."""
    if not code:
        return None
    found = LanguageVersion.objects.filter(code=code.strip().lower()).first()
    if found is None:
        message = _("No language version has the code %(code)s.") % {"code": code}
        raise ValidationFailed(_("No such language version."), fields={"language_version": [message]})
    return found


def presentation_lock(fmt: Format | None, version: LanguageVersion | None) -> None:
    """Lock the format and version a showtime is about to be given, inside the caller's
    transaction (as format_delete locks them): a delete in flight finishes first and the
    showtime is refused its code, instead of failing on the foreign key at commit."""
    if fmt is not None and not Format.objects.select_for_update().filter(pk=fmt.pk).exists():
        raise ValidationFailed(
            _("No such format."), fields={"format": [_("No format has the code %(code)s.") % {"code": fmt.code}]}
        )
    if version is not None and not LanguageVersion.objects.select_for_update().filter(pk=version.pk).exists():
        message = _("No language version has the code %(code)s.") % {"code": version.code}
        raise ValidationFailed(_("No such language version."), fields={"language_version": [message]})


def showtime_presentation_facts(showtime: Showtime) -> dict[str, str | None]:
    """The showtime's format and version as the audit records them: codes, in no language."""
    fmt = showtime.format if showtime.format_id else None
    version = showtime.language_version if showtime.language_version_id else None
    return {"format": fmt.code if fmt else None, "language_version": version.code if version else None}

"""Formats and language versions (/staff/formats/): both lists on one page, each with its own
form to add or edit one. For whoever keeps the schedule. The rules (codes, names, surcharge,
"in use: cannot delete") are marquee.scheduling.formats', which records each change."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marquee.backoffice.access import SCHEDULE, staff_page
from marquee.backoffice.catalog_forms import add_service_error
from marquee.backoffice.feedback import in_language, say_error
from marquee.backoffice.query import MAX_ID
from marquee.core.errors import DomainError, NotFound
from marquee.scheduling import formats as services
from marquee.scheduling import selectors
from marquee.scheduling.models import Format, LanguageVersion
from marquee.scheduling.selectors import format_find, language_version_find

CODE_HELP = gettext_lazy("Lowercase latin letters, digits and hyphens; the API and the site's filters use it.")


class FormatForm(forms.Form):
    code = forms.SlugField(max_length=32, label=gettext_lazy("Code"), help_text=CODE_HELP)
    name = forms.CharField(
        max_length=40,
        label=pgettext_lazy("of a thing", "Name"),
        help_text=gettext_lazy("The same in every language: 3D, IMAX."),
    )
    surcharge = forms.DecimalField(
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
        label=gettext_lazy("Surcharge per seat"),
        help_text=gettext_lazy("Added to every seat's price; tickets already sold keep theirs."),
    )
    position = forms.IntegerField(min_value=0, max_value=32767, initial=0, label=gettext_lazy("Position in lists"))


class LanguageVersionForm(forms.Form):
    code = forms.SlugField(max_length=32, label=gettext_lazy("Code"), help_text=CODE_HELP)
    name_en = forms.CharField(max_length=80, required=False, label=gettext_lazy("Name in English"))
    name_uk = forms.CharField(max_length=80, required=False, label=gettext_lazy("Name in Ukrainian"))
    position = forms.IntegerField(min_value=0, max_value=32767, initial=0, label=gettext_lazy("Position in lists"))


def _check_id(value: int) -> None:
    if not 0 < value <= MAX_ID:
        raise Http404


def _place_error(form: forms.Form, error: DomainError) -> None:
    """The service's refusal, in the staff member's language, on its field."""
    add_service_error(form, error)
    for field in form.errors:
        form.errors[field] = form.error_class([in_language(str(e)) for e in form.errors[field]])


def _page(
    request: HttpRequest,
    *,
    format_form: FormatForm | None = None,
    version_form: LanguageVersionForm | None = None,
    editing_format: Format | None = None,
    editing_version: LanguageVersion | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "formats": list(selectors.formats_with_counts()),
        "versions": list(selectors.language_versions_with_counts()),
        "format_form": format_form or FormatForm(prefix="format"),
        "version_form": version_form or LanguageVersionForm(prefix="version"),
        "editing_format": editing_format,
        "editing_version": editing_version,
    }
    return render(request, "backoffice/formats.html", context, status=status)


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def format_list(request: HttpRequest) -> HttpResponse:
    """The page; a POST adds a format."""
    if request.method != "POST":
        return _page(request)
    form = FormatForm(request.POST, prefix="format")
    if form.is_valid():
        try:
            fmt = services.format_create(**form.cleaned_data, staff_user=request.user)
        except DomainError as error:
            _place_error(form, error)
        else:
            messages.success(request, _("Added the format %(name)s.") % {"name": fmt.name})
            return redirect("backoffice:formats")
    return _page(request, format_form=form, status=422)


def _format(format_id: int) -> Format:
    _check_id(format_id)
    fmt = format_find(format_id)
    if fmt is None:
        raise Http404
    return fmt


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def format_edit(request: HttpRequest, format_id: int) -> HttpResponse:
    fmt = _format(format_id)
    if request.method != "POST":
        initial = {"code": fmt.code, "name": fmt.name, "surcharge": fmt.surcharge, "position": fmt.position}
        return _page(request, format_form=FormatForm(prefix="format", initial=initial), editing_format=fmt)
    form = FormatForm(request.POST, prefix="format")
    if form.is_valid():
        try:
            fmt = services.format_update(format_id=fmt.pk, **form.cleaned_data, staff_user=request.user)
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            _place_error(form, error)
        else:
            messages.success(
                request, _("Saved the format %(name)s. Tickets already sold keep their prices.") % {"name": fmt.name}
            )
            return redirect("backoffice:formats")
    return _page(request, format_form=form, editing_format=fmt, status=422)


@staff_page(SCHEDULE)
@require_POST
def format_remove(request: HttpRequest, format_id: int) -> HttpResponse:
    _check_id(format_id)
    try:
        services.format_delete(format_id=format_id, staff_user=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(request, _("Deleted the format."))
    return redirect("backoffice:formats")


@staff_page(SCHEDULE)
@require_POST
def version_create(request: HttpRequest) -> HttpResponse:
    form = LanguageVersionForm(request.POST, prefix="version")
    if form.is_valid():
        try:
            version = services.language_version_create(**form.cleaned_data, staff_user=request.user)
        except DomainError as error:
            _place_error(form, error)
        else:
            messages.success(request, _("Added the language version %(name)s.") % {"name": version.name})
            return redirect("backoffice:formats")
    return _page(request, version_form=form, status=422)


def _version(version_id: int) -> LanguageVersion:
    _check_id(version_id)
    version = language_version_find(version_id)
    if version is None:
        raise Http404
    return version


@staff_page(SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(version_id)
    if request.method != "POST":
        initial = {
            "code": version.code,
            "name_en": version.name_en,
            "name_uk": version.name_uk,
            "position": version.position,
        }
        form = LanguageVersionForm(prefix="version", initial=initial)
        return _page(request, version_form=form, editing_version=version)
    form = LanguageVersionForm(request.POST, prefix="version")
    if form.is_valid():
        try:
            version = services.language_version_update(
                version_id=version.pk, **form.cleaned_data, staff_user=request.user
            )
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            _place_error(form, error)
        else:
            messages.success(request, _("Saved the language version %(name)s.") % {"name": version.name})
            return redirect("backoffice:formats")
    return _page(request, version_form=form, editing_version=version, status=422)


@staff_page(SCHEDULE)
@require_POST
def version_remove(request: HttpRequest, version_id: int) -> HttpResponse:
    _check_id(version_id)
    try:
        services.language_version_delete(version_id=version_id, staff_user=request.user)
    except NotFound:
        raise Http404 from None
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(request, _("Deleted the language version."))
    return redirect("backoffice:formats")

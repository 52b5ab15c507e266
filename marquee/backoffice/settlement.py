"""The distributor's settlement (/staff/settlement/) and the distributors with their movies'
rental terms (/staff/distributors/). Both for whoever reads reports (Admin).

The figures are marquee.settlement.selectors.settlement's; the PDF and CSV are
marquee.settlement.statement's; every change goes through marquee.settlement.services.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marquee.backoffice.access import REPORTS, staff_page
from marquee.backoffice.feedback import in_language, say_error
from marquee.core.clock import MAX_YEAR, MIN_YEAR, local_today
from marquee.core.errors import DomainError
from marquee.settlement import selectors, services
from marquee.settlement.models import Distributor
from marquee.settlement.services import TermSpec
from marquee.settlement.statement import settlement_csv, statement_filename, statement_pdf, week_text

TERM_ROWS_EXTRA = 2  # empty rows under a movie's terms, to add a week


def chosen_week(request: HttpRequest) -> tuple[dt.date, bool]:
    """Any day of the week asked for (`week`), or today; and whether what was typed was refused."""
    raw = request.GET.get("week", "")
    if not raw:
        return local_today(), False
    try:
        day = dt.date.fromisoformat(raw) if raw.isascii() and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR < day.year < MAX_YEAR:  # a week's neighbours exist too
        return local_today(), True
    return day, False


# --- the settlement ----------------------------------------------------------------------


@staff_page(REPORTS)
@require_safe
def settlement_page(request: HttpRequest) -> HttpResponse:
    day, refused = chosen_week(request)
    result = selectors.settlement(day=day)
    return render(
        request,
        "backoffice/settlement.html",
        {
            "result": result,
            "refused": refused,
            "week": week_text(result),
            "week_day": result.week_start,
            "no_terms": [m.title for d in result.distributors if d.distributor_id for m in d.movies if not m.has_terms],
        },
    )


@staff_page(REPORTS)
@require_safe
def settlement_csv_download(request: HttpRequest) -> HttpResponse:
    day, _refused = chosen_week(request)
    result = selectors.settlement(day=day)
    response = HttpResponse(settlement_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="settlement-{result.week_start.isoformat()}.csv"'
    return response


@staff_page(REPORTS)
@require_safe
def settlement_statement(request: HttpRequest, distributor_id: int) -> HttpResponse:
    day, _refused = chosen_week(request)
    try:
        result = selectors.settlement(day=day, distributor_id=distributor_id)
    except DomainError:
        raise Http404(_("No such distributor.")) from None
    block = result.distributors[0]
    response = HttpResponse(statement_pdf(block, result), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{statement_filename(block, result)}"'
    return response


@staff_page(REPORTS)
@require_POST
def settlement_email(request: HttpRequest, distributor_id: int) -> HttpResponse:
    day, _refused = chosen_week(request)
    try:
        mail = services.settlement_email(distributor_id=distributor_id, day=day, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(
            request, _("The statement is queued to %(email)s: it goes out in a moment.") % {"email": mail.to_email}
        )
    return redirect(f"{reverse('backoffice:settlement')}?week={selectors.film_week(day)[0].isoformat()}")


# --- distributors ------------------------------------------------------------------------

LANGUAGE_CHOICES = [("", gettext_lazy("The cinema's")), ("en", "English"), ("uk", "Українська")]


class DistributorForm(forms.Form):
    name = forms.CharField(max_length=200, label=gettext_lazy("Name"))
    email = forms.EmailField(required=False, label=gettext_lazy("Email for statements"))
    contact = forms.CharField(max_length=200, required=False, label=gettext_lazy("Contact person"))
    vat_rate = forms.DecimalField(
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=Decimal("20.00"),
        label=gettext_lazy("VAT in ticket prices (%)"),
        help_text=gettext_lazy("0 for films exempt from VAT."),
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False, label=gettext_lazy("Statement language"))
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    @classmethod
    def for_distributor(cls, d: Distributor) -> "DistributorForm":
        return cls(
            initial={
                "name": d.name,
                "email": d.email,
                "contact": d.contact,
                "vat_rate": d.vat_rate,
                "language": d.language,
                "is_active": d.is_active,
            }
        )

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "email": d["email"],
            "contact": d["contact"],
            "vat_rate": d["vat_rate"],
            "language": d["language"],
            "is_active": d["is_active"],
        }


def _put_error(form: forms.Form, error: DomainError) -> None:
    placed = False
    for field, problems in (error.fields or {}).items():
        for problem in problems:
            if field in form.fields:
                form.add_error(field, in_language(problem))
                placed = True
    if not placed:
        form.add_error(None, in_language(error.detail))


@staff_page(REPORTS)
@require_http_methods(["GET", "HEAD", "POST"])
def distributor_list(request: HttpRequest) -> HttpResponse:
    form = DistributorForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.distributor_create(**form.service_kwargs(), staff_user=request.user)
            except DomainError as error:
                _put_error(form, error)
            else:
                messages.success(request, _("Added the distributor %(name)s.") % {"name": made.name})
                return redirect("backoffice:distributor", distributor_id=made.pk)
        status = 422
    else:
        status = 200
    context = {"distributors": selectors.distributors_all(), "form": form}
    return render(request, "backoffice/distributors.html", context, status=status)


def _term_rows(movie: Any) -> list[dict[str, str]]:
    rows = [
        {
            "from_week": str(t.from_week),
            "percentage": f"{t.percentage:.2f}",
            "minimum": f"{t.minimum_per_showtime:.2f}" if t.minimum_per_showtime is not None else "",
        }
        for t in movie.rental_terms.all()
    ]
    return rows + [{"from_week": "", "percentage": "", "minimum": ""}] * TERM_ROWS_EXTRA


def _distributor_context(distributor: Distributor, form: DistributorForm) -> dict[str, Any]:
    movies = selectors.distributor_movies(distributor_id=distributor.pk)
    return {
        "distributor": distributor,
        "form": form,
        "movies": [{"movie": m, "rows": _term_rows(m)} for m in movies],
    }


def _distributor(distributor_id: int) -> Distributor:
    try:
        return selectors.distributor_get(distributor_id=distributor_id)
    except DomainError:
        raise Http404(_("No such distributor.")) from None


@staff_page(REPORTS)
@require_http_methods(["GET", "HEAD", "POST"])
def distributor_edit(request: HttpRequest, distributor_id: int) -> HttpResponse:
    distributor = _distributor(distributor_id)
    if request.method != "POST":
        form = DistributorForm.for_distributor(distributor)
        return render(request, "backoffice/distributor.html", _distributor_context(distributor, form))
    form = DistributorForm(request.POST)
    if form.is_valid():
        try:
            saved = services.distributor_update(
                distributor_id=distributor.pk, **form.service_kwargs(), staff_user=request.user
            )
        except DomainError as error:
            _put_error(form, error)
        else:
            messages.success(request, _("Saved the distributor %(name)s.") % {"name": saved.name})
            return redirect("backoffice:distributor", distributor_id=saved.pk)
    return render(request, "backoffice/distributor.html", _distributor_context(distributor, form), status=422)


@staff_page(REPORTS)
@require_POST
def distributor_remove(request: HttpRequest, distributor_id: int) -> HttpResponse:
    try:
        services.distributor_delete(distributor_id=distributor_id, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
        return redirect("backoffice:distributor", distributor_id=distributor_id)
    messages.success(request, _("Deleted the distributor."))
    return redirect("backoffice:distributors")


def _parse_terms(post: Any) -> list[TermSpec] | str:
    """The rows of a movie's terms form: blank rows skipped, anything unreadable refused."""
    weeks, percentages, minimums = post.getlist("from_week"), post.getlist("percentage"), post.getlist("minimum")
    if not len(weeks) == len(percentages) == len(minimums) or len(weeks) > 60:
        return _("The terms could not be read.")
    terms = []
    for week, percentage, minimum in zip(weeks, percentages, minimums, strict=True):
        if not (week.strip() or percentage.strip() or minimum.strip()):
            continue
        try:
            terms.append(
                TermSpec(
                    from_week=int(week),
                    percentage=Decimal(percentage.replace(",", ".")),
                    minimum_per_showtime=Decimal(minimum.replace(",", ".")) if minimum.strip() else None,
                )
            )
        except (ValueError, InvalidOperation):
            return _("Each row needs a week of the run (1, 2, …) and a percentage; the minimum is an amount.")
        if not terms[-1].percentage.is_finite() or (
            terms[-1].minimum_per_showtime is not None and not terms[-1].minimum_per_showtime.is_finite()
        ):
            return _("Each row needs a week of the run (1, 2, …) and a percentage; the minimum is an amount.")
    return terms


@staff_page(REPORTS)
@require_POST
def movie_terms(request: HttpRequest, distributor_id: int, movie_id: int) -> HttpResponse:
    distributor = _distributor(distributor_id)
    back = f"{reverse('backoffice:distributor', args=[distributor.pk])}#movie-{movie_id}"
    if not selectors.distributor_has_movie(distributor_id=distributor.pk, movie_id=movie_id):
        raise Http404(_("This movie is not the distributor's."))
    terms = _parse_terms(request.POST)
    if isinstance(terms, str):
        messages.error(request, terms)
        return redirect(back)
    try:
        services.rental_terms_set(movie_id=movie_id, terms=terms, staff_user=request.user)
    except DomainError as error:
        say_error(request, error)
    else:
        messages.success(request, _("Saved the rental terms."))
    return redirect(back)

"""The waiting list on the site: joining a sold-out showtime's line, and leaving it by the
signed link in its emails. The rules are marquee.waitlist's; these views parse the form,
call one service and show its answer."""

from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from marquee.booking import selectors as booking_selectors
from marquee.booking.selectors import seats_free
from marquee.core.clock import now as clock_now
from marquee.core.errors import DomainError, InvalidState, ValidationFailed, in_language
from marquee.scheduling.models import Showtime, ShowtimeStatus
from marquee.waitlist.links import entry_id_for_leave_token
from marquee.waitlist.selectors import entry_for_leave
from marquee.waitlist.services import waitlist_join, waitlist_leave


class WaitlistForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), help_text=_("We write to you here when seats come free."))
    seats = forms.TypedChoiceField(label=_("Seats"), coerce=int)

    autocomplete = {"first_name": "given-name", "last_name": "family-name", "email": "email"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seats = self.fields["seats"]
        assert isinstance(seats, forms.TypedChoiceField)
        seats.choices = [(n, str(n)) for n in range(1, settings.MAX_SEATS_PER_BOOKING + 1)]
        for name, value in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value


def _on_sale(showtime: Showtime) -> bool:
    return showtime.status == ShowtimeStatus.SCHEDULED and showtime.starts_at > clock_now()


def join_context(showtime: Showtime, *, free: int, form: WaitlistForm | None = None) -> dict[str, Any]:
    """What the join form needs (the showtime page's include and this module's page): the
    form only when the showtime is on sale and no seat is `free`."""
    on_sale = _on_sale(showtime)
    sold_out = on_sale and free == 0
    return {"showtime": showtime, "on_sale": on_sale, "sold_out": sold_out, "form": form or WaitlistForm()}


@require_http_methods(["GET", "HEAD", "POST"])
def waitlist_join_view(request: HttpRequest, showtime_id: int) -> HttpResponse:
    showtime = booking_selectors.showtime_public(showtime_id)
    if showtime is None:
        raise Http404
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joined = waitlist_join(
                showtime_id=showtime.pk,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                seats=data["seats"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationFailed as error:
            for field, problems in (error.fields or {}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, in_language(problem))
        except InvalidState:
            pass  # seats came free meanwhile: the page says so, with the way to the map
        except DomainError as error:
            form.add_error(None, in_language(error.detail))
        else:
            context = {"showtime": showtime, "entry": joined.entry, "position": joined.position}
            return render(request, "public/waitlist_joined.html", {**context, "created": joined.created})
        showtime = booking_selectors.showtime_public(showtime_id) or showtime  # counted again
    return render(request, "public/waitlist.html", join_context(showtime, free=seats_free(showtime), form=form))


@require_http_methods(["GET", "HEAD", "POST"])
def waitlist_leave_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners open every link), POST leaves the line."""
    entry_id = entry_id_for_leave_token(token)
    entry = entry_for_leave(entry_id) if entry_id else None
    if entry is None:
        raise Http404
    left = False
    if request.method == "POST":
        waitlist_leave(entry_id=entry.pk)
        entry = entry_for_leave(entry.pk) or entry
        left = True
    return render(request, "public/waitlist_leave.html", {"entry": entry, "showtime": entry.showtime, "left": left})

"""The gift voucher pages: buy one for an amount (`/vouchers/`), and the page the buyer's
browser comes back to from the payment (its code is never shown there: it goes by email)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marquee.core.errors import DomainError, NotFound, ValidationFailed
from marquee.payments.models import PaymentStatus
from marquee.payments.providers.base import ProviderUnavailable
from marquee.payments.providers.registry import enabled_names, get_provider
from marquee.payments.voucher_sales import voucher_buy, voucher_for_handle, voucher_sale_check, voucher_sale_confirm
from marquee.vouchers.models import VoucherStatus
from marquee.vouchers.services import VoucherOrder

CUSTOM = "custom"


class VoucherForm(forms.Form):
    preset = forms.ChoiceField(label=gettext_lazy("Amount"), widget=forms.RadioSelect, choices=())
    custom_amount = forms.DecimalField(
        label=gettext_lazy("Another amount"),
        required=False,
        min_value=1,
        decimal_places=2,
        max_digits=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    buyer_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    buyer_email = forms.EmailField(
        label=gettext_lazy("Your email"), help_text=gettext_lazy("We send the receipt (or the voucher) here.")
    )
    send_to = forms.ChoiceField(
        label=gettext_lazy("Send the voucher"),
        widget=forms.RadioSelect,
        choices=(("me", gettext_lazy("to me, I will give it")), ("them", gettext_lazy("straight to them"))),
        initial="me",
    )
    recipient_name = forms.CharField(label=gettext_lazy("Their name"), max_length=200, required=False)
    recipient_email = forms.EmailField(label=gettext_lazy("Their email"), required=False)
    message = forms.CharField(
        label=gettext_lazy("Your message"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    provider = forms.ChoiceField(label=gettext_lazy("Pay with"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        presets = [(str(p), f"{p} {settings.CURRENCY}") for p in settings.VOUCHER_PRESETS]
        self.fields["preset"].choices = [*presets, (CUSTOM, _("Another amount"))]  # type: ignore[attr-defined]
        self.fields["preset"].initial = presets[0][0] if presets else CUSTOM
        self.fields["custom_amount"].help_text = _("From %(low)s to %(high)s %(currency)s.") % {
            "low": settings.VOUCHER_MIN_AMOUNT,
            "high": settings.VOUCHER_MAX_AMOUNT,
            "currency": settings.CURRENCY,
        }
        names = enabled_names()
        self.fields["provider"].choices = [  # type: ignore[attr-defined]
            (n, getattr(get_provider(n), "label", n) or n) for n in names
        ]
        self.fields["provider"].initial = names[0] if names else ""
        self.fields["buyer_email"].widget.attrs["autocomplete"] = "email"
        self.fields["buyer_name"].widget.attrs["autocomplete"] = "name"

    def amount(self) -> Decimal:
        preset = self.cleaned_data.get("preset")
        if preset == CUSTOM:
            return self.cleaned_data.get("custom_amount") or Decimal("0")
        try:
            return Decimal(str(preset))
        except InvalidOperation:
            return Decimal("0")


def _order(form: VoucherForm, language: str) -> VoucherOrder:
    to_them = form.cleaned_data["send_to"] == "them"
    return VoucherOrder(
        amount=form.amount(),
        buyer_name=form.cleaned_data["buyer_name"],
        buyer_email=form.cleaned_data["buyer_email"],
        recipient_name=form.cleaned_data["recipient_name"],
        recipient_email=form.cleaned_data["recipient_email"],
        message=form.cleaned_data["message"],
        send_to_recipient=to_them,
        language=language,
    )


FIELDS = {"amount": "custom_amount", "provider": "provider"}


@require_http_methods(["GET", "HEAD", "POST"])
def voucher_page(request: HttpRequest) -> HttpResponse:
    form = VoucherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bought = voucher_buy(order=_order(form, request.LANGUAGE_CODE), provider=form.cleaned_data["provider"])
        except ValidationFailed as error:
            for key, problems in (error.fields or {}).items():
                for problem in problems:
                    form.add_error(FIELDS.get(key, key) if FIELDS.get(key, key) in form.fields else None, problem)
        except ProviderUnavailable:
            form.add_error(None, _("The payment service is not answering; please try again in a moment."))
        else:
            if bought.payment.status == PaymentStatus.SUCCEEDED or bought.next.type == "none":
                return redirect("public:voucher_return", handle=bought.handle)
            return render(
                request,
                "public/voucher_pay.html",
                {
                    "voucher": bought.voucher,
                    "payment": bought.payment,
                    "next": bought.next,
                    "provider_label": getattr(get_provider(bought.payment.provider), "label", ""),
                    "return_url": settings.SITE_URL + reverse("public:voucher_return", args=[bought.handle]),
                    "confirm_url": reverse("public:voucher_pay_confirm", args=[bought.handle]),
                },
            )
    return render(request, "public/vouchers.html", {"form": form, "custom": CUSTOM})


@require_POST
def voucher_pay_confirm(request: HttpRequest, handle: str) -> HttpResponse:
    """The card form's answer (Stripe's "finalize on the server"): JSON for
    payments/static/payments/stripe-card.js, as a booking's card form gets."""
    try:
        voucher = voucher_for_handle(handle)
    except NotFound:
        raise Http404 from None
    done_url = reverse("public:voucher_return", args=[handle])
    try:
        confirmed = voucher_sale_confirm(
            voucher=voucher, data={"payment_method": request.POST.get("payment_method", "")[:255]}
        )
    except ProviderUnavailable:
        return JsonResponse(
            {"status": "failed", "message": _("The payment service is not answering; please try again.")}, status=503
        )
    except DomainError as error:
        return JsonResponse({"status": "failed", "message": error.detail, "redirect": done_url}, status=409)
    payment = confirmed.payment
    if confirmed.next.type == "action":
        return JsonResponse({"status": "action", "next": confirmed.next.as_api()})
    if payment.status == PaymentStatus.SUCCEEDED:
        return JsonResponse({"status": "succeeded", "redirect": done_url})
    if payment.status == PaymentStatus.FAILED:
        return JsonResponse({"status": "failed", "message": payment.message or _("The card was declined.")})
    return JsonResponse({"status": "pending", "redirect": done_url})


@require_safe
def voucher_return(request: HttpRequest, handle: str) -> HttpResponse:
    """Paid: where the voucher went. Still pending: a page that refreshes itself. Failed: say so."""
    try:
        voucher = voucher_for_handle(handle)
    except NotFound:
        raise Http404 from None
    payment = voucher_sale_check(voucher=voucher)
    voucher.refresh_from_db()
    paid = voucher.status == VoucherStatus.ACTIVE
    waiting = not paid and payment is not None and payment.status in (PaymentStatus.CREATED, PaymentStatus.PENDING)
    return render(
        request,
        "public/voucher_return.html",
        {"voucher": voucher, "payment": payment, "paid": paid, "waiting": waiting},
    )

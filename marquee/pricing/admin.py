"""Admin for tariffs, written through marquee.pricing.services (which refuse overlaps)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marquee.core.admin import ServiceAdmin, ServiceModelForm
from marquee.pricing.models import ALL_DAYS, Tariff
from marquee.pricing.services import tariff_create, tariff_delete, tariff_update

WEEKDAYS = [
    (str(bit), name) for bit, name in enumerate((_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")))
]


def days_to_mask(days: list[str]) -> int:
    return sum(1 << int(d) for d in set(days))


def mask_to_days(mask: int) -> list[str]:
    return [value for value, _label in WEEKDAYS if mask & (1 << int(value))]


class TariffForm(ServiceModelForm):
    days = forms.MultipleChoiceField(
        label=_("days of week"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Tariff
        fields = ("name_en", "name_uk", "start_time", "end_time", "price_multiplier")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = mask_to_days(self.instance.days_mask if self.instance.pk else ALL_DAYS)


@admin.register(Tariff)
class TariffAdmin(ServiceAdmin):
    form = TariffForm
    list_display = ("name_en", "name_uk", "start_time", "end_time", "price_multiplier", "weekdays")
    search_fields = ("name_en", "name_uk")
    fields = ("name_en", "name_uk", "start_time", "end_time", "price_multiplier", "days")
    service_field_map = {"days_mask": "days", "name": "name_en"}

    @admin.display(description=_("days of week"))
    def weekdays(self, tariff: Tariff) -> str:
        if tariff.days_mask == ALL_DAYS:
            return str(_("every day"))
        return ", ".join(str(label) for value, label in WEEKDAYS if tariff.days_mask & (1 << int(value)))

    def service_save(self, form: Any) -> Tariff:
        data = form.cleaned_data
        values = {
            "name_en": data["name_en"],
            "name_uk": data["name_uk"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "price_multiplier": data["price_multiplier"],
            "days_mask": days_to_mask(data["days"]),
        }
        if form.instance.pk is None:
            return tariff_create(**values, staff_user=form.staff_user)
        return tariff_update(tariff_id=form.instance.pk, **values, staff_user=form.staff_user)

    def service_delete(self, obj: Tariff, *, staff_user: Any = None) -> None:
        tariff_delete(tariff_id=obj.pk, staff_user=staff_user)

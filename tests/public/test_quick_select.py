"""QuickSelect writes the markup Django's Select writes, without its templates."""

import pytest
from django import forms
from django.test.html import parse_html

from marquee.public.forms import BestSeatsForm, QuickSelect

CHOICES = [("", "Any type"), ("standard", "Standard"), ("vip", 'VIP <b>&</b> "lounge"'), (3, 3)]


@pytest.mark.parametrize("value", [None, "", "vip", 3, "3", ["standard"], "nothing-like-it"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_kind"}, {"id": "id_kind", "aria-describedby": "id_kind_helptext", "disabled": True}]
)
def test_the_same_select_as_djangos(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("kind", value, attrs)
    django = forms.Select(choices=CHOICES).render("kind", value, attrs)
    assert parse_html(ours) == parse_html(django)


def test_the_best_seats_form_draws_its_choice():
    form = BestSeatsForm({"count": "3", "seat_type": "vip"}, seat_types=[("standard", "Standard"), ("vip", "VIP")])
    html = str(form["count"]) + str(form["seat_type"])
    assert '<option value="3" selected>3</option>' in html
    assert '<option value="vip" selected>VIP</option>' in html
    assert '<select name="count" id="id_count">' in html

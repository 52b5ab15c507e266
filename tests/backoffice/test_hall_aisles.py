"""The layout builder with aisles, offsets and the best-seats zone: rows placed by the form,
the preview drawn as a grid with empty places, and a seat clicked in the preview opening its
own form (by htmx, or as a plain link without JavaScript)."""

import re

import pytest
from django.urls import reverse

from marquee.audit.models import AuditEntry
from marquee.venues.models import Hall, Seat
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rows(*rows):
    """Formset data: rows as (row, seats, type, price, offset, aisles)."""
    data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"}
    for i, (row, seats, kind, price, offset, aisles) in enumerate(rows):
        data |= {
            f"rows-{i}-row": row,
            f"rows-{i}-seats": seats,
            f"rows-{i}-type": kind,
            f"rows-{i}-base_price": price,
            f"rows-{i}-offset": offset,
            f"rows-{i}-aisles_after": aisles,
        }
    return data


def grid_columns(html: str) -> list[int]:
    return [int(c) for c in re.findall(r'class="seat seat-[a-z]+[^"]*" style="grid-column: (\d+)"', html)]


def test_a_new_hall_can_have_an_aisle_in_every_row(admin_client):
    data = {"number": 4, "name": "Aisle", "rows": 2, "seats": 6, "base_price": "100", "aisles_after": "3"}
    response = admin_client.post(reverse("backoffice:halls"), data)
    assert response.status_code == 302
    hall = Hall.objects.get(number=4)
    assert sorted(hall.seats.filter(row_number=2).values_list("column", flat=True)) == [1, 2, 3, 5, 6, 7]


def test_saving_rows_with_offsets_and_aisles_moves_the_seats_and_the_builder_reads_them_back(admin_client):
    hall = f.hall(rows=2, seats=6)
    ids = set(hall.seats.values_list("pk", flat=True))
    data = _rows((1, 6, "standard", "100.00", "0", "2, 4"), (2, 6, "standard", "100.00", "1", "3"))
    response = admin_client.post(reverse("backoffice:hall", args=[hall.pk]), data)
    assert response.status_code == 302
    assert set(hall.seats.values_list("pk", flat=True)) == ids
    assert sorted(hall.seats.filter(row_number=1).values_list("column", flat=True)) == [1, 2, 4, 5, 7, 8]
    page = admin_client.get(reverse("backoffice:hall", args=[hall.pk]))
    rows = page.context["formset"].initial
    assert [(r["offset"], r["aisles_after"]) for r in rows] == [(0, (2, 4)), (1, (3,))]
    html = page.content.decode()
    assert 'value="2, 4"' in html
    # Row labels at 1, seats one grid column on from their place: the aisles stay empty.
    assert grid_columns(html)[:6] == [2, 3, 5, 6, 8, 9]
    assert AuditEntry.objects.filter(action="hall.layout").latest("pk").changes["seats_moved"] == 10


def test_the_preview_draws_aisles_before_saving(admin_client):
    hall = f.hall(rows=1, seats=1)
    data = _rows((1, 4, "standard", "100", "2", "2"))
    html = admin_client.post(reverse("backoffice:hall_preview", args=[hall.pk]), data).content.decode()
    assert grid_columns(html) == [4, 5, 7, 8]


@pytest.mark.parametrize("aisles", ["4", "x, 2", "0"])
def test_an_aisle_outside_the_row_or_not_a_number_is_refused(admin_client, aisles):
    hall = f.hall(rows=1, seats=4)
    data = _rows((1, 4, "standard", "100.00", "0", aisles))
    response = admin_client.post(reverse("backoffice:hall", args=[hall.pk]), data)
    assert response.status_code == 422
    assert set(hall.seats.values_list("column", flat=True)) == {1, 2, 3, 4}


def test_a_seat_of_the_saved_hall_links_to_its_own_form(admin_client):
    hall = f.hall(rows=2, seats=3)
    seat = hall.seats.get(row_number=2, seat_number=3)
    url = reverse("backoffice:hall", args=[hall.pk])
    html = admin_client.get(url).content.decode()
    assert f'href="?seat={seat.pk}#seat-edit" hx-get="?seat={seat.pk}"' in html

    # With htmx: the form alone, filled in with the seat.
    fragment = admin_client.get(url, {"seat": seat.pk}, headers={"HX-Request": "true"})
    assert fragment.templates[0].name == "backoffice/_seat_edit.html"
    form = fragment.context["seat_form"]
    assert (form.initial["row"], form.initial["seat"], form.initial["zone"]) == (2, 3, "in")

    # Without JavaScript: the whole page, the same form filled in, the seat marked as chosen.
    page = admin_client.get(url, {"seat": seat.pk})
    assert page.context["seat_form"].initial["seat"] == 3
    assert "is-chosen" in page.content.decode()

    # A seat of another hall fills nothing in.
    other = f.hall(rows=1, seats=1).seats.get()
    assert admin_client.get(url, {"seat": other.pk}).context["chosen"] is None


def test_the_seat_form_makes_a_wheelchair_space_and_moves_it_out_of_the_zone(admin_client):
    hall = f.hall(rows=2, seats=3)
    data = {"row": 1, "seat": 1, "type": "wheelchair", "base_price": "", "zone": "out"}
    response = admin_client.post(reverse("backoffice:hall_seat", args=[hall.pk]), data, follow=True)
    seat = Seat.objects.get(hall=hall, row_number=1, seat_number=1)
    assert (seat.seat_type, seat.best_zone) == ("wheelchair", False)
    html = response.content.decode()
    assert "outside the best seats zone" in html
    assert re.search(r'class="seat seat-wheelchair"[^>]*>♿</a>', html)

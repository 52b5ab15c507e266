"""The audit reads in its reader's language: records keep codes and facts (a status "paid", a
seat {"row": 1, "seat": 2}, a showtime's start in UTC), the page names them in English or
Ukrainian, and records written before seats and showtimes were facts read the same."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from marquee.audit.labels import change_lines, target_text
from marquee.audit.models import AuditEntry
from marquee.audit.services import audit_record
from marquee.booking.house_seats import seats_block
from marquee.core.clock import local_today
from marquee.staff.roles import ADMIN
from marquee.venues.services import RowSpec, hall_set_layout
from tests import factories as f
from tests.staff.conftest import staff_user

pytestmark = pytest.mark.django_db


def _lines(changes: dict, language: str) -> list[str]:
    with translation.override(language):
        return [str(line) for line in change_lines(changes)]


def _page(user: User, language: str, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(f"/staff/audit/{query}").content.decode()


@pytest.fixture
def ada() -> User:
    return staff_user("ada", ADMIN)


def test_codes_are_named_in_the_readers_language_and_english_reads_as_before():
    changes = {"status": ["pending", "paid"], "reason": "press", "seat_type": ["standard", "vip"], "refund": "full"}
    assert _lines(changes, "en") == [
        "status: pending → paid",
        "reason: press",
        "seat type: standard → VIP",
        "refund: full",
    ]
    assert _lines(changes, "uk") == [
        "статус: очікує оплати → оплачено",
        "причина: преса",
        "тип місця: стандарт → VIP",
        "повернення: повне",
    ]
    # A reason staff typed is theirs, not a code: shown as typed.
    assert _lines({"reason": "Came too late"}, "uk") == ["причина: Came too late"]


def test_two_seats_are_one_fact_not_a_before_and_after_and_old_records_read_the_same():
    new = {"seats": [{"row": 7, "seat": 11}, {"row": 7, "seat": 12}]}
    old = {"seats": ["row 7, seat 11", "row 7, seat 12"]}  # written before seats were facts
    for record in (new, old):
        assert _lines(record, "en") == ["seats: row 7, seat 11; row 7, seat 12"]
        assert _lines(record, "uk") == ["місця: ряд 7, місце 11; ряд 7, місце 12"]
    # Seats released from two blocks: their reasons are one fact too.
    assert _lines({"reasons": ["house", "press"]}, "uk") == ["причини: місця кінотеатру, преса"]
    # A move's seats are a before and after: two lists of seats.
    moved = {"seats": [[{"row": 1, "seat": 1}], [{"row": 2, "seat": 3}]]}
    assert _lines(moved, "uk") == ["місця: ряд 1, місце 1 → ряд 2, місце 3"]


def test_a_showtime_is_shown_at_its_start_in_the_cinemas_zone():
    # 17:30 UTC on 7 December is 19:30 in Kyiv (UTC+2).
    fact = {"movie": "Paper Moons", "hall": 1, "starts_at": "2026-12-07T17:30:00+00:00"}
    old = "Paper Moons, 2026-12-07 17:30 UTC, hall 1"  # a kept-seats record's old label
    with translation.override("uk"):
        shown = [_lines({"showtime": [fact, {**fact, "hall": 2}]}, "uk")[0], target_text(old)]
        assert target_text("Paper Moons · Hall 1 · 2026-12-07 19:30").startswith(
            "Paper Moons · Hall 1 · 07 грудня 2026"
        )
    for text in shown:
        assert "19:30" in text and "07 грудня 2026" in text and "зала 1" in text, text
        assert "UTC" not in text and "17:30" not in text and "hall" not in text
    with translation.override("en"):
        assert target_text(old) == "Paper Moons, Dec. 7, 2026, 7:30 p.m., hall 1"
    assert target_text("A booking label") == "A booking label"


def test_a_layout_reads_row_by_row_old_and_new():
    rows = [
        {"row": 1, "seats": 8, "type": "standard", "price": "120.00"},
        {"row": 2, "seats": 4, "type": "vip", "price": "150.00"},
    ]
    new = {"layout": rows}
    old = {"layout": "1: 8 standard 120.00; 2: 4 vip 150.00"}
    for record in (new, old):
        assert _lines(record, "uk") == ["схема: ряд 1: 8 × стандарт, 120,00\xa0грн; ряд 2: 4 × VIP, 150,00\xa0грн"]
        assert _lines(record, "en") == ["layout: row 1: 8 × standard, UAH\xa0120.00; row 2: 4 × VIP, UAH\xa0150.00"]


def test_kept_seats_and_a_new_layout_on_the_audit_page_in_ukrainian(ada):
    show = f.showtime(
        hall_obj=f.hall(rows=2, seats=4), starts_at=f.local_dt(local_today() + dt.timedelta(days=1), 19, 30)
    )
    seats = list(show.hall.seats.order_by("row_number", "seat_number").values_list("pk", flat=True))
    seats_block(showtime_id=show.pk, seat_ids=seats[:2], reason="press", note="Kyiv Post", staff_user=ada)
    hall_set_layout(
        hall_id=show.hall_id, rows=[RowSpec(row=1, seats=4), RowSpec(row=2, seats=5, type="vip")], staff_user=ada
    )
    entry = AuditEntry.objects.get(action="showtime.block_seats")
    assert entry.changes == {"seats": [{"row": 1, "seat": 1}, {"row": 1, "seat": 2}], "reason": "press"}

    page = _page(ada, "uk")
    assert "місця:</span> ряд 1, місце 1; ряд 1, місце 2</li>" in page
    assert "причина:</span> преса</li>" in page and "Kyiv Post" in page
    assert "схема:</span> ряд 1: 4 × стандарт" in page and "ряд 2: 5 × VIP" in page
    assert f"{show.movie.title} · {show.hall.name} · " in page and "19:30" in page and "UTC" not in page
    english = _page(ada, "en")
    assert "seats:</span> row 1, seat 1; row 1, seat 2</li>" in english and "reason:</span> press</li>" in english


def test_the_action_filter_names_actions_and_kinds_in_the_readers_language(ada):
    audit_record(actor=ada, action="booking.mark_paid", target_type="booking", target_id="X")
    audit_record(actor=ada, action="tariff.create", target_type="tariff", target_id=1)
    select = re.search(r'<select name="action".*?</select>', _page(ada, "uk"), re.S)
    assert select is not None
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select[0])
    assert options == ["Будь-яка", "Усе щодо: бронювання", "Усе щодо: тариф", "Оплачено в касі", "Тариф створено"]
    # Searching by a kind still works: its value is the code.
    assert '<option value="booking.">' in select[0]
    assert "Anything on a booking" in _page(ada, "en")

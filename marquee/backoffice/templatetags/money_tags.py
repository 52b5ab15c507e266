"""The booking page's money: `{% load money_tags %}{% booking_money booking as money %}`.

A tag rather than view context, so that the `_booking_money.html` partial works wherever the
booking page includes it, with nothing but `booking` (two queries: its payments, its refunds).
"""

from typing import Any

from django import template

from marquee.payments.selectors import BookingMoney, booking_money

register = template.Library()


@register.simple_tag(name="booking_money")
def booking_money_tag(booking: Any) -> BookingMoney:
    return booking_money(booking_id=booking.pk)

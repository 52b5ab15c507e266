"""The public API (api.md, "Public"): listing, showtimes, seat maps and bookings."""

from ninja import Router

router = Router(tags=["public"])

"""The customer site: listing, schedule, seat map, checkout, booking pages (templates + htmx)."""

"""The API's shapes: what clients send (`…In`, `…Filters`) and what they get (`…Out`), with
the functions that build the answers from loaded models.

- `common`: what both APIs share, defined once: ids and bounds, money, the input bases
  (`StrictIn`, `CleanIn`, `Paged`), the validators of days and text, `ErrorOut`, and the
  small shapes both answer with (genre, hall, movie, recipient);
- `public`: the listing, showtimes, seat maps and bookings of the public API;
- `staff`: the staff API's catalog, halls, showtimes, tariffs, bookings, customers, reports;
- topic modules: `payments`, `promotions`, `vouchers`, `settlement`, `formats`,
  `ticket_types`, `checkin`.

ninja names an OpenAPI component after its class, so every class name is unique across the
package (tests/api/test_openapi.py checks): a staff shape that the public API also has is
`Staff…`. Modules are imported by their own names; this package re-exports nothing.
"""

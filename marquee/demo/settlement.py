"""The demo's distributors and their rental terms: every demo movie has a distributor, so that
the settlement of the past film week has something to show (issue 13, point 7)."""

import random
from collections.abc import Sequence
from decimal import Decimal

from marquee.catalog.models import Movie
from marquee.settlement.models import Distributor, RentalTerm

# (name, email, contact, VAT rate, language, minimum per showtime): invented names.
DISTRIBUTORS = (
    ("Kinomania Distribution", "statements@kinomania.example", "Iryna Melnyk", Decimal("20.00"), "uk", None),
    ("Bohdan Films", "accounts@bohdanfilms.example", "Bohdan Savchuk", Decimal("20.00"), "uk", Decimal("500.00")),
    ("Northlight Pictures", "royalties@northlight.example", "Sarah Quinn", Decimal("0.00"), "en", None),
)
# The usual sliding scale: the distributor's share falls as the run goes on.
SCALE = ((1, Decimal("55.00")), (2, Decimal("50.00")), (3, Decimal("45.00")))


def seed_distributors(rng: random.Random, movies: Sequence[Movie]) -> list[Distributor]:
    """Three distributors, each demo movie given one (drawn from `rng`), with 55% in week 1,
    50% in week 2, 45% after; Bohdan Films asks a minimum per showtime. Bulk writes: the demo
    is built in one transaction, with no staff member to audit."""
    made = [
        Distributor.objects.create(name=name, email=email, contact=contact, vat_rate=rate, language=language)
        for name, email, contact, rate, language, _minimum in DISTRIBUTORS
    ]
    minimums = {d.pk: spec[5] for d, spec in zip(made, DISTRIBUTORS, strict=True)}
    terms = []
    for movie in sorted(movies, key=lambda m: m.pk):
        distributor = rng.choice(made)
        Movie.objects.filter(pk=movie.pk).update(distributor=distributor)
        terms += [
            RentalTerm(
                movie_id=movie.pk, from_week=week, percentage=share, minimum_per_showtime=minimums[distributor.pk]
            )
            for week, share in SCALE
        ]
    RentalTerm.objects.bulk_create(terms)
    return made

"""A cinema that grows by units, so a test can count a page's queries, grow the cinema
five-fold and count again.

Unit k adds a genre and a movie, a hall bigger than the last ((k + 2) rows of (k + 4)
seats), three showtimes in it over two days (plus one of the first movie), k paid bookings,
a hold and a cancelled booking on its first showtime and one paid booking on the others,
all through the real services.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field

from marquee.booking.models import ACTIVE_STATUSES, Booking, BookingSeat
from marquee.catalog.models import Genre, Movie
from marquee.core.clock import local_today
from marquee.payments.services import booking_cancel, booking_pay
from marquee.scheduling.models import Showtime
from marquee.venues.models import Hall
from tests import factories as f

_emails = itertools.count(1)


@dataclass
class Booked:
    booking: Booking
    token: str


@dataclass
class World:
    units: int = 0
    genres: list[Genre] = field(default_factory=list)
    movies: list[Movie] = field(default_factory=list)
    halls: list[Hall] = field(default_factory=list)
    shows: list[Showtime] = field(default_factory=list)
    paid: list[Booked] = field(default_factory=list)
    held: list[Booked] = field(default_factory=list)

    def grow(self, units: int) -> "World":
        tomorrow = local_today() + dt.timedelta(days=1)
        if not self.units:
            f.tariff()
        for _ in range(units):
            self.units += 1
            k = self.units
            self.genres.append(f.genre(f"Genre {k}"))
            film = f.movie(title=f"Film {k}", genres=self.genres[-2:])
            self.movies.append(film)
            hall = f.hall(rows=k + 2, seats=k + 4, vip_rows=(k + 2,), number=100 + k)
            self.halls.append(hall)
            seats = list(hall.seats.order_by("pk").values_list("pk", flat=True))
            starts = [
                f.local_dt(tomorrow, 10),
                f.local_dt(tomorrow, 19),
                f.local_dt(tomorrow + dt.timedelta(days=1), 15),
            ]
            # The first movie also plays in every new hall, so its own page grows too.
            f.showtime(
                movie_obj=self.movies[0], hall_obj=hall, starts_at=f.local_dt(tomorrow + dt.timedelta(days=1), 21)
            )
            for n, when in enumerate(starts):
                show = f.showtime(movie_obj=film, hall_obj=hall, starts_at=when)
                self.shows.append(show)
                # The unit's first showtime: k paid bookings of k seats (up to 5), one hold and
                # one cancelled booking. The others: one paid booking (enough for the listing).
                group = min(k, 5)
                for i in range(k if n == 0 else 1):
                    held = f.hold(show, seats[i * group : (i + 1) * group], email=f"paid{next(_emails)}@example.com")
                    booking_pay(reference=held.booking.reference, method="demo", token=held.token)
                    self.paid.append(Booked(held.booking, held.token))
                if n == 0:
                    rest = seats[k * group :]
                    held = f.hold(show, rest[:group], email=f"held{next(_emails)}@example.com")
                    self.held.append(Booked(held.booking, held.token))
                    gone = f.hold(show, rest[group : 2 * group], email=f"gone{next(_emails)}@example.com")
                    booking_cancel(reference=gone.booking.reference, token=gone.token)
        return self

    @property
    def show(self) -> Showtime:
        """The newest unit's first showtime: the biggest hall, the most bookings."""
        return self.shows[-3]

    @property
    def movie(self) -> Movie:
        """The first movie: it plays in every hall, so it has more showtimes as the cinema grows."""
        return self.movies[0]

    @property
    def group(self) -> int:
        """Seats per booking: 1 in the small cinema, 5 in the big one."""
        return min(self.units, 5)

    def free_seats(self, count: int | None = None) -> list[int]:
        """Seats of `show` nobody holds or bought, highest ids first."""
        taken = BookingSeat.objects.filter(showtime=self.show, status__in=ACTIVE_STATUSES).values("seat_id")
        free = self.show.hall.seats.exclude(pk__in=taken).order_by("-pk").values_list("pk", flat=True)
        return list(free[: count or self.group])

    def new_email(self) -> str:
        return f"fresh{next(_emails)}@example.com"

    def fresh_hold(self) -> Booked:
        held = f.hold(self.show, self.free_seats(), email=self.new_email())
        return Booked(held.booking, held.token)

    def fresh_paid(self) -> Booked:
        held = self.fresh_hold()
        booking_pay(reference=held.booking.reference, method="demo", token=held.token)
        return held

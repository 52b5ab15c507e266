"""The demo cinema's formats and language versions: 2D, 3D (+40.00) and IMAX (+80.00); dubbed
into Ukrainian, the original with Ukrainian subtitles, and English. The largest hall shows
3D, the others 2D; about a fifth of the showtimes are subtitled, a few in English, the rest
dubbed. Drawn from the seed, so the same seed gives the same cinema."""

import random
from collections.abc import Sequence
from decimal import Decimal

from marquee.scheduling.formats import format_create, language_version_create
from marquee.scheduling.models import Format, LanguageVersion, Showtime
from marquee.venues.models import Hall

FORMATS = [("2d", "2D", Decimal("0.00")), ("3d", "3D", Decimal("40.00")), ("imax", "IMAX", Decimal("80.00"))]
LANGUAGE_VERSIONS = [
    ("uk", "Ukrainian", "Українською"),
    ("ov-uk-subs", "Original, Ukrainian subtitles", "Мовою оригіналу з українськими субтитрами"),
    ("en", "English", "Англійською"),
]
SUBTITLED_SHARE = 0.2
ENGLISH_SHARE = 0.03


def _formats() -> dict[str, Format]:
    """The cinema's own, where it has them; ours otherwise."""
    found = {f.code: f for f in Format.objects.filter(code__in=[code for code, _n, _s in FORMATS])}
    for position, (code, name, surcharge) in enumerate(FORMATS):
        if code not in found:
            found[code] = format_create(code=code, name=name, surcharge=surcharge, position=position)
    return found


def _versions() -> dict[str, LanguageVersion]:
    found = {v.code: v for v in LanguageVersion.objects.filter(code__in=[code for code, _e, _u in LANGUAGE_VERSIONS])}
    for position, (code, name_en, name_uk) in enumerate(LANGUAGE_VERSIONS):
        if code not in found:
            found[code] = language_version_create(code=code, name_en=name_en, name_uk=name_uk, position=position)
    return found


def present_showtimes(rng: random.Random, halls: Sequence[Hall], showtimes: Sequence[Showtime]) -> None:
    """Give every showtime its format (by hall) and language version (drawn), in the database
    and on the instances, whose prices the builder then reckons with the format's surcharge."""
    formats, versions = _formats(), _versions()
    largest = max(halls, key=lambda h: (h.capacity, -h.number)).pk if halls else None
    by_choice: dict[tuple[int, int], list[int]] = {}
    for show in showtimes:  # in the builder's order (start, hall): the same draws for one seed
        fmt = formats["3d"] if show.hall_id == largest else formats["2d"]
        draw = rng.random()
        version = versions["ov-uk-subs" if draw < SUBTITLED_SHARE else "en" if draw > 1 - ENGLISH_SHARE else "uk"]
        show.format, show.language_version = fmt, version
        by_choice.setdefault((fmt.pk, version.pk), []).append(show.pk)
    for (format_id, version_id), ids in sorted(by_choice.items()):
        Showtime.objects.filter(pk__in=ids).update(format_id=format_id, language_version_id=version_id)

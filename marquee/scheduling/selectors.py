"""Reading formats and language versions: the lists staff keep, with how many showtimes use each."""

from django.db.models import Count, QuerySet

from marquee.core.languages import localized_expression
from marquee.scheduling.models import Format, LanguageVersion


def formats_with_counts() -> QuerySet[Format]:
    """Every format by position, then name, with `showtime_count`: one query."""
    return Format.objects.annotate(showtime_count=Count("showtimes")).order_by("position", "name")


def language_versions_with_counts() -> QuerySet[LanguageVersion]:
    """Every language version by position, then name in the reader's language, with `showtime_count`."""
    return LanguageVersion.objects.annotate(showtime_count=Count("showtimes")).order_by(
        "position", localized_expression("name"), "code"
    )


def formats_all() -> list[Format]:
    return list(Format.objects.order_by("position", "name"))


def language_versions_all() -> list[LanguageVersion]:
    return list(LanguageVersion.objects.order_by("position", localized_expression("name"), "code"))


# --- reads of the API (issue 14) --------------------------------------------------------------


def format_with_count(format_id: int) -> Format | None:
    """One format with `showtime_count`, or None: one query."""
    return formats_with_counts().filter(pk=format_id).first()


def language_version_with_count(version_id: int) -> LanguageVersion | None:
    """One language version with `showtime_count`, or None: one query."""
    return language_versions_with_counts().filter(pk=version_id).first()

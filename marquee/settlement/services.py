"""Keeping distributors and rental terms, and sending a distributor its statement.

Messages are English (the API's words), marked for the catalogue (`gettext_noop`): the staff pages show
them in the staff member's language (marquee.core.errors.in_language).

Every change is a staff change: it takes `staff_user` and leaves its audit record in its own
transaction (`distributor.*`, `rentalterm.set`, `settlement.emailed`). A movie given a
distributor is written by catalog (`movie.create`, `movie.update`) through `movie_create` and
`movie_update` here, which check the distributor first.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marquee.audit.services import Actor, audit_record, changes_between, snapshot
from marquee.catalog import selectors as catalog_selectors
from marquee.catalog import services as catalog_services
from marquee.catalog.models import Movie
from marquee.core.errors import InvalidState, NotFound, ValidationFailed
from marquee.core.languages import CONTENT_LANGUAGES
from marquee.core.money import to_money
from marquee.core.rows import row_or_not_found
from marquee.notifications.models import MailKind
from marquee.notifications.services import mail_queue
from marquee.settlement.models import Distributor, RentalTerm
from marquee.settlement.selectors import check_week_day, film_week

DISTRIBUTOR_FIELDS = ("name", "email", "contact", "vat_rate", "language", "is_active")
MAX_TERMS = 52
# The field name the staff pages put before a terms error ("Terms: …"), in the catalogue too.
TERMS_LABEL = gettext_noop("Terms")


def _clean(
    *, name: str, email: str, contact: str, vat_rate: Decimal, language: str, exclude_pk: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    others = Distributor.objects.exclude(pk=exclude_pk) if exclude_pk is not None else Distributor.objects.all()
    if not name.strip():
        errors["name"] = [gettext_noop("A distributor needs a name.")]
    elif others.filter(name__iexact=name.strip()).exists():
        errors["name"] = [gettext_noop("A distributor with this name exists.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [gettext_noop("Enter a valid email address.")]
    if len(contact) > 200:
        errors["contact"] = [gettext_noop("At most 200 characters.")]
    if not Decimal(0) <= vat_rate <= Decimal(100) or vat_rate != vat_rate.quantize(Decimal("0.01")):
        errors["vat_rate"] = [gettext_noop("A percentage from 0 to 100, with at most two decimals.")]
    if language and language not in CONTENT_LANGUAGES:
        errors["language"] = [gettext_noop("One of en, uk, or empty for the cinema's.")]
    return errors


def _audit(distributor: Distributor, action: str, changes: Mapping[str, object], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="distributor",
        target_id=distributor.pk,
        target_label=distributor.name,
        changes=changes,
    )


def distributor_create(
    *,
    name: str,
    email: str = "",
    contact: str = "",
    vat_rate: Decimal = Decimal("20.00"),
    language: str = "",
    is_active: bool = True,
    staff_user: Actor = None,
) -> Distributor:
    email = email.strip()
    errors = _clean(name=name, email=email, contact=contact, vat_rate=vat_rate, language=language, exclude_pk=None)
    if errors:
        raise ValidationFailed(gettext_noop("The distributor is not valid."), fields=errors)
    try:
        with transaction.atomic():
            distributor = Distributor.objects.create(
                name=name.strip(),
                email=email,
                contact=contact.strip(),
                vat_rate=vat_rate,
                language=language,
                is_active=is_active,
            )
            made = snapshot(distributor, DISTRIBUTOR_FIELDS)
            _audit(distributor, "distributor.create", {k: [None, v] for k, v in made.items() if v != ""}, staff_user)
            return distributor
    except IntegrityError:
        raise ValidationFailed(
            gettext_noop("The distributor is not valid."),
            fields={"name": [gettext_noop("A distributor with this name exists.")]},
        ) from None


def distributor_update(
    *,
    distributor_id: int,
    name: str | None = None,
    email: str | None = None,
    contact: str | None = None,
    vat_rate: Decimal | None = None,
    language: str | None = None,
    is_active: bool | None = None,
    staff_user: Actor = None,
) -> Distributor:
    """None leaves a field as it is. A new VAT rate applies to every settlement read after it."""
    try:
        with transaction.atomic():
            distributor = row_or_not_found(
                Distributor.objects.select_for_update(), gettext_noop("No such distributor."), pk=distributor_id
            )
            before = snapshot(distributor, DISTRIBUTOR_FIELDS)
            if name is not None:
                distributor.name = name.strip()
            if email is not None:
                distributor.email = email.strip()
            if contact is not None:
                distributor.contact = contact.strip()
            if vat_rate is not None:
                distributor.vat_rate = vat_rate
            if language is not None:
                distributor.language = language
            if is_active is not None:
                distributor.is_active = is_active
            errors = _clean(
                name=distributor.name,
                email=distributor.email,
                contact=distributor.contact,
                vat_rate=Decimal(distributor.vat_rate),
                language=distributor.language,
                exclude_pk=distributor.pk,
            )
            if errors:
                raise ValidationFailed(gettext_noop("The distributor is not valid."), fields=errors)
            distributor.save()
            changed = changes_between(before, snapshot(distributor, DISTRIBUTOR_FIELDS))
            if changed:
                _audit(distributor, "distributor.update", changed, staff_user)
            return distributor
    except IntegrityError:
        raise ValidationFailed(
            gettext_noop("The distributor is not valid."),
            fields={"name": [gettext_noop("A distributor with this name exists.")]},
        ) from None


def distributor_delete(*, distributor_id: int, staff_user: Actor = None) -> None:
    """Only a distributor without movies goes; one with movies is made inactive instead."""
    with transaction.atomic():
        distributor = row_or_not_found(
            Distributor.objects.select_for_update(), gettext_noop("No such distributor."), pk=distributor_id
        )
        if Movie.objects.filter(distributor_id=distributor_id).exists():
            raise InvalidState(gettext_noop("This distributor has movies; make it inactive instead of deleting it."))
        gone = {k: [v, None] for k, v in snapshot(distributor, DISTRIBUTOR_FIELDS).items() if v != ""}
        _audit(distributor, "distributor.delete", gone, staff_user)
        distributor.delete()


def _check_distributor(distributor_id: int | None) -> None:
    """A movie's distributor must exist: locked until the commit, so that distributor_delete
    (which locks it too) cannot remove it meanwhile."""
    if distributor_id is not None and not Distributor.objects.select_for_update().filter(pk=distributor_id).exists():
        message = _("No such distributor.")
        raise ValidationFailed(_("The movie is not valid."), fields={"distributor_id": [message]})


def movie_create(*, distributor_id: int | None = None, staff_user: Actor = None, **fields: Any) -> Movie:
    """catalog.services.movie_create, with the distributor checked (and locked) first in the
    same transaction; the catalog audits the movie (`movie.create`), its distributor included."""
    with transaction.atomic():
        _check_distributor(distributor_id)
        return catalog_services.movie_create(**fields, distributor_id=distributor_id, staff_user=staff_user)


def movie_update(
    *, movie_id: int, distributor_id: int | None = None, staff_user: Actor = None, **changes: Any
) -> Movie:
    """catalog.services.movie_update, with a new distributor checked (and locked) first in the
    same transaction; the catalog audits the change (`movie.update`). `remove_distributor=True`
    leaves the movie without one."""
    with transaction.atomic():
        # A missing movie answers as it did before distributors were checked here: not found,
        # whatever else is wrong with the change.
        if not catalog_selectors.movie_exists(movie_id):
            raise NotFound(_("No such movie."))
        _check_distributor(distributor_id)
        return catalog_services.movie_update(
            movie_id=movie_id, **changes, distributor_id=distributor_id, staff_user=staff_user
        )


@dataclass(frozen=True)
class TermSpec:
    from_week: int
    percentage: Decimal
    minimum_per_showtime: Decimal | None = None


def _term_fact(t: TermSpec | RentalTerm) -> str:
    # "2+: 50.00% ≥ 300.00": week 2 on, 50 %, at least 300.00 a showtime (no words: the
    # audit shows facts as they were recorded, in any language).
    minimum = f" ≥ {to_money(t.minimum_per_showtime):.2f}" if t.minimum_per_showtime is not None else ""
    return f"{t.from_week}+: {to_money(t.percentage):.2f}%{minimum}"


def _check_terms(terms: Sequence[TermSpec]) -> None:
    errors: list[str] = []
    weeks = [t.from_week for t in terms]
    if len(terms) > MAX_TERMS:
        errors.append(gettext_noop("At most 52 terms."))
    if len(set(weeks)) != len(weeks):
        errors.append(gettext_noop("Each week of the run at most once."))
    if terms and 1 not in weeks:
        errors.append(gettext_noop("The terms start from week 1."))
    for t in terms:
        if not 1 <= t.from_week <= 520:
            errors.append(gettext_noop("A week of the run is from 1 to 520."))
        if not Decimal(0) <= t.percentage <= Decimal(100) or t.percentage != t.percentage.quantize(Decimal("0.01")):
            errors.append(gettext_noop("A percentage is from 0 to 100, with at most two decimals."))
        if t.minimum_per_showtime is not None and (
            t.minimum_per_showtime < 0
            or t.minimum_per_showtime != t.minimum_per_showtime.quantize(Decimal("0.01"))
            or t.minimum_per_showtime >= Decimal("100000000")
        ):
            errors.append(gettext_noop("A minimum per showtime is an amount of money, not below zero."))
    if errors:
        raise ValidationFailed(gettext_noop("The rental terms are not valid."), fields={"terms": sorted(set(errors))})


def rental_terms_set(*, movie_id: int, terms: Sequence[TermSpec], staff_user: Actor = None) -> list[RentalTerm]:
    """Replace the movie's rental terms with `terms` (empty: none). Weekly settlements read
    the terms when they are read, so a change shows in every week's figures from then on."""
    ordered = sorted(terms, key=lambda t: t.from_week)
    _check_terms(ordered)
    with transaction.atomic():
        movie = row_or_not_found(Movie.objects.select_for_update(), gettext_noop("No such movie."), pk=movie_id)
        old = list(RentalTerm.objects.filter(movie_id=movie_id).order_by("from_week"))
        before = "; ".join(_term_fact(t) for t in old)
        RentalTerm.objects.filter(movie_id=movie_id).delete()
        made = RentalTerm.objects.bulk_create(
            [
                RentalTerm(
                    movie_id=movie_id,
                    from_week=t.from_week,
                    percentage=t.percentage,
                    minimum_per_showtime=t.minimum_per_showtime,
                )
                for t in ordered
            ]
        )
        after = "; ".join(_term_fact(t) for t in ordered)
        if before != after:
            audit_record(
                actor=staff_user,
                action="rentalterm.set",
                target_type="movie",
                target_id=movie.pk,
                target_label=movie.title_en or movie.title_uk,
                changes={"terms": [before or None, after or None]},
            )
        return made


def settlement_email(*, distributor_id: int, day: dt.date, staff_user: Actor = None) -> Any:
    """Queue the distributor's statement for the film week holding `day`, PDF attached, to its
    email, in its language. The figures are read when the mail is written (by the worker,
    moments later), the same as the page and the PDF show."""
    check_week_day(day)
    start, end = film_week(day)
    with transaction.atomic():
        distributor = row_or_not_found(
            Distributor.objects.select_for_update(), gettext_noop("No such distributor."), pk=distributor_id
        )
        if not distributor.email:
            raise InvalidState(gettext_noop("This distributor has no email address; add one first."))
        mail = mail_queue(
            kind=MailKind.SETTLEMENT,
            to_email=distributor.email,
            context={"distributor_id": distributor.pk, "week": start.isoformat()},
            language=distributor.language,
        )
        audit_record(
            actor=staff_user,
            action="settlement.emailed",
            target_type="distributor",
            target_id=distributor.pk,
            target_label=distributor.name,
            changes={"week": f"{start.isoformat()} – {end.isoformat()}", "mail": mail.pk},
        )
        return mail

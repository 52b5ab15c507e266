"""Writing promo codes: staff create, change and deactivate them, and generate batches of
single-use codes. Each change is audited in its transaction (`promocode.*`, `promobatch.created`)."""

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from marquee.audit.services import Actor, audit_record, changes_between
from marquee.catalog.models import Movie
from marquee.core.errors import NotFound, ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.promotions import rules
from marquee.promotions.models import ALL_DAYS, DiscountKind, PromoBatch, PromoCode
from marquee.scheduling.models import Format, Showtime

# No 0/O, 1/I/L: a code is typed from paper (as booking references are, marquee.booking.tokens).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 12 characters of 31: about 59 bits, so codes of a batch cannot be guessed from one another.
BATCH_CODE_LENGTH = 12
MAX_BATCH = 10_000
MAX_AMOUNT = Decimal("99999.99")
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]{0,12}$")


@dataclass(frozen=True)
class CodeTerms:
    """What a code gives and when: every field of PromoCode but its text."""

    kind: str
    value: Decimal
    note: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    days_mask: int = ALL_DAYS
    movie_ids: tuple[int, ...] = ()
    format_ids: tuple[int, ...] = ()
    showtime_ids: tuple[int, ...] = ()
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    is_active: bool = True


SCALAR_FIELDS = (
    "kind",
    "value",
    "note",
    "valid_from",
    "valid_until",
    "days_mask",
    "max_uses",
    "max_uses_per_customer",
    "is_active",
)
RELATED = {"movie_ids": ("movies", Movie), "format_ids": ("formats", Format), "showtime_ids": ("showtimes", Showtime)}


def _check_terms(terms: CodeTerms) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    value = terms.value
    if terms.kind not in DiscountKind.values:
        errors["kind"] = ["Choose percent or amount."]
    elif not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        errors["value"] = ["The discount must be above zero, with at most two decimals."]
    elif terms.kind == DiscountKind.PERCENT and value > 100:
        errors["value"] = ["A percentage is at most 100."]
    elif value > MAX_AMOUNT:
        errors["value"] = ["The amount is too large."]
    if terms.valid_from and terms.valid_until and terms.valid_until < terms.valid_from:
        errors["valid_until"] = ["The last day must not be before the first."]
    if not 1 <= terms.days_mask <= ALL_DAYS:
        errors["days_mask"] = ["Choose at least one day of the week."]
    for field in ("max_uses", "max_uses_per_customer"):
        limit = getattr(terms, field)
        if limit is not None and not 1 <= limit <= 2**31 - 1:
            errors[field] = ["Give a number of uses of at least 1, or none for no limit."]
    if len(terms.note) > 200:
        errors["note"] = ["At most 200 characters."]
    for field, (_name, model) in RELATED.items():
        ids = set(getattr(terms, field))
        if any(not 0 < pk < 2**63 for pk in ids) or model.objects.filter(pk__in=ids).count() != len(ids):  # type: ignore[attr-defined]
            errors[field] = ["Some of these do not exist."]
    return errors


def _clean_code(raw: str) -> str:
    code = rules.normalise_code(raw)
    if not rules.CODE_PATTERN.match(code):
        raise ValidationFailed(
            "The promo code is not valid.",
            fields={"code": ["3 to 40 letters, digits, dashes or underscores, starting with a letter or digit."]},
        )
    return code


def _facts(code: PromoCode) -> dict[str, Any]:
    """What the audit records of a code: its fields, and its movies, formats and showtimes by id."""
    facts: dict[str, Any] = {"code": code.code}
    facts.update({f: getattr(code, f) for f in SCALAR_FIELDS})
    for field, (name, _model) in RELATED.items():
        facts[field] = sorted(getattr(code, name).values_list("pk", flat=True))
    return facts


def _audit(code: PromoCode, action: str, changes: Mapping[str, Any], staff_user: Actor) -> None:
    audit_record(
        actor=staff_user,
        action=action,
        target_type="promocode",
        target_id=code.pk,
        target_label=code.code,
        changes=changes,
    )


def _set_related(code: PromoCode, terms: CodeTerms) -> None:
    for field, (name, _model) in RELATED.items():
        getattr(code, name).set(sorted(set(getattr(terms, field))))


def _code_taken(code: str, *, other_than: int | None = None) -> bool:
    found = PromoCode.objects.filter(code__iexact=code)
    if other_than is not None:
        found = found.exclude(pk=other_than)
    return found.exists()


def promo_code_create(*, code: str, terms: CodeTerms, staff_user: Actor = None) -> PromoCode:
    """A new code. ValidationFailed names each field that is wrong (a code already taken, whatever its case)."""
    text = _clean_code(code)
    errors = _check_terms(terms)
    if errors:
        raise ValidationFailed("The promo code is not valid.", fields=errors)
    with transaction.atomic():
        if _code_taken(text):
            raise ValidationFailed("The promo code is not valid.", fields={"code": ["This code already exists."]})
        made = PromoCode(code=text, **{f: getattr(terms, f) for f in SCALAR_FIELDS})
        try:
            with transaction.atomic():
                made.save(force_insert=True)
        except IntegrityError:
            raise ValidationFailed(
                "The promo code is not valid.", fields={"code": ["This code already exists."]}
            ) from None
        _set_related(made, terms)
        _audit(made, "promocode.create", _facts(made), staff_user)
        return made


def _locked(promo_code_id: int) -> PromoCode:
    if isinstance(promo_code_id, bool) or not 0 < promo_code_id < 2**63:
        raise NotFound("No such promo code.")
    return row_or_not_found(PromoCode.objects.select_for_update(), "No such promo code.", pk=promo_code_id)


def _terms_of(code: PromoCode) -> CodeTerms:
    """A code's terms as they are."""
    values: dict[str, Any] = {f: getattr(code, f) for f in SCALAR_FIELDS}
    for field, (name, _model) in RELATED.items():
        values[field] = tuple(sorted(getattr(code, name).values_list("pk", flat=True)))
    return CodeTerms(**values)


def promo_code_update(
    *, promo_code_id: int, code: str | None = None, changes: Mapping[str, Any], staff_user: Actor = None
) -> PromoCode:
    """Change a code's text or any of its terms (`changes`: CodeTerms' field names). Bookings
    that used it keep their discount. A change that changes nothing records nothing."""
    unknown = set(changes) - set(CodeTerms.__dataclass_fields__)
    if unknown:
        raise ValidationFailed("Unknown fields.", fields={name: ["Unknown field."] for name in sorted(unknown)})
    with transaction.atomic():
        found = _locked(promo_code_id)
        before = _facts(found)
        current = _terms_of(found)
        terms = CodeTerms(**{**current.__dict__, **changes})
        errors = _check_terms(terms)
        text = found.code if code is None else _clean_code(code)
        if text != found.code and _code_taken(text, other_than=found.pk):
            errors["code"] = ["This code already exists."]
        if errors:
            raise ValidationFailed("The promo code is not valid.", fields=errors)
        found.code = text
        for f in SCALAR_FIELDS:
            setattr(found, f, getattr(terms, f))
        found.save()
        _set_related(found, terms)
        diff = changes_between(before, _facts(found))
        if diff:
            deactivated = set(diff) == {"is_active"} and not found.is_active
            _audit(found, "promocode.deactivate" if deactivated else "promocode.update", diff, staff_user)
        return found


def promo_code_deactivate(*, promo_code_id: int, staff_user: Actor = None) -> PromoCode:
    """Stop a code being used from now on. The code stays (bookings refer to it); holds that
    already carry it keep their discount."""
    return promo_code_update(promo_code_id=promo_code_id, changes={"is_active": False}, staff_user=staff_user)


def _batch_codes(prefix: str, quantity: int, choice: Callable[[str], str]) -> list[str]:
    head = f"{prefix}-" if prefix else ""
    drawn: set[str] = set()
    while len(drawn) < quantity:
        drawn.add(head + "".join(choice(CODE_ALPHABET) for _ in range(BATCH_CODE_LENGTH)))
    return sorted(drawn)


def promo_batch_create(
    *,
    quantity: int,
    terms: CodeTerms,
    prefix: str = "",
    staff_user: Actor = None,
    choice: Callable[[str], str] = secrets.choice,
) -> tuple[PromoBatch, list[PromoCode]]:
    """`quantity` single-use codes (`PREFIX-` and 12 random characters without look-alikes),
    all with `terms` (their total uses set to 1), made in one transaction. `choice` draws each
    character: the system's secure random; the demo passes its seeded one, to be reproducible."""
    prefix = rules.normalise_code(prefix)
    errors = _check_terms(terms)
    if isinstance(quantity, bool) or not 1 <= quantity <= MAX_BATCH:
        errors["quantity"] = [f"Generate 1 to {MAX_BATCH} codes at a time."]
    if not PREFIX_PATTERN.match(prefix):
        errors["prefix"] = ["At most 12 letters or digits."]
    if errors:
        raise ValidationFailed("The batch is not valid.", fields=errors)
    single = CodeTerms(**{**terms.__dict__, "max_uses": 1})
    user = staff_user if isinstance(staff_user, Model) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                batch = PromoBatch.objects.create(prefix=prefix, quantity=quantity, note=terms.note, created_by=user)
                codes = PromoCode.objects.bulk_create(
                    PromoCode(code=text, batch=batch, **{f: getattr(single, f) for f in SCALAR_FIELDS})
                    for text in _batch_codes(prefix, quantity, choice)
                )
                _set_batch_related(codes, single)
                audit_record(
                    actor=staff_user,
                    action="promobatch.created",
                    target_type="promobatch",
                    target_id=batch.pk,
                    target_label=str(batch),
                    changes={"prefix": prefix, "quantity": quantity, "kind": single.kind, "value": single.value},
                )
                return batch, codes
        except IntegrityError:
            continue  # a code already taken (about 1 in 10^17 per pair): draw the batch again
    raise RuntimeError("could not draw unique promo codes")  # pragma: no cover


def _set_batch_related(codes: Iterable[PromoCode], terms: CodeTerms) -> None:
    """The batch's movies, formats and showtimes in one insert per kind."""
    codes = list(codes)
    for field, (name, _model) in RELATED.items():
        ids = sorted(set(getattr(terms, field)))
        if not ids:
            continue
        through = getattr(PromoCode, name).through
        column = through._meta.get_field(name[:-1]).attname  # movies → movie_id, …
        through.objects.bulk_create(through(promocode_id=c.pk, **{column: pk}) for c in codes for pk in ids)

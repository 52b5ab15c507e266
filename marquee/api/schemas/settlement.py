"""The staff API's shapes of distributors, rental terms and the settlement
(marquee.api.staff_settlement)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from marquee.api.schemas.common import CleanIn, Id, money, sane_day
from marquee.settlement.models import Distributor, RentalTerm
from marquee.settlement.selectors import DistributorSettlement, MovieSettlement, Settlement, Tally

Percentage = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]


# --- distributors ------------------------------------------------------------------------


class DistributorIn(CleanIn):
    name: str = Field(max_length=200)
    email: str = Field("", max_length=254)
    contact: str = Field("", max_length=200)
    vat_rate: Percentage = Decimal("20.00")
    language: Literal["", "en", "uk"] = ""
    is_active: bool = True


class DistributorPatch(CleanIn):
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    contact: str | None = Field(None, max_length=200)
    vat_rate: Percentage | None = None
    language: Literal["", "en", "uk"] | None = None
    is_active: bool | None = None


class DistributorOut(Schema):
    id: int
    name: str
    email: str
    contact: str
    vat_rate: str = Field(description="The VAT included in ticket prices of its films, in percent.")
    language: str
    is_active: bool


def distributor_out(d: Distributor) -> dict[str, Any]:
    return {
        "id": d.pk,
        "name": d.name,
        "email": d.email,
        "contact": d.contact,
        "vat_rate": money(d.vat_rate),
        "language": d.language,
        "is_active": d.is_active,
    }


class SettlementEmailOut(Schema):
    queued: bool
    to: str
    week_start: dt.date


class WeekFilter(CleanIn):
    week: dt.date | None = Field(None, description="Any day of the film week; default this week.")

    _day = field_validator("week")(sane_day)


# --- rental terms --------------------------------------------------------------------------


class RentalTermIn(CleanIn):
    from_week: int = Field(ge=1, le=520)
    percentage: Percentage
    minimum_per_showtime: Amount | None = None


class RentalTermsIn(CleanIn):
    terms: list[RentalTermIn] = Field(max_length=52)


class RentalTermOut(Schema):
    from_week: int
    percentage: str
    minimum_per_showtime: str | None


def rental_terms_out(terms: list[RentalTerm]) -> dict[str, Any]:
    return {
        "terms": [
            {
                "from_week": t.from_week,
                "percentage": money(t.percentage),
                "minimum_per_showtime": money(t.minimum_per_showtime) if t.minimum_per_showtime is not None else None,
            }
            for t in terms
        ]
    }


class RentalTermsOut(Schema):
    terms: list[RentalTermOut]


# --- the settlement report ---------------------------------------------------------------


class SettlementFilters(WeekFilter):
    distributor: Id | None = None
    format: Literal["json", "csv"] = "json"


class AdmissionsOut(Schema):
    label: str
    admissions: int


class SettlementMovieOut(Schema):
    movie_id: int
    title: str
    week_of_run: int
    showtimes: int
    admissions: int
    comps: int
    admissions_by_ticket_type: list[AdmissionsOut]
    admissions_by_format: list[AdmissionsOut]
    gross: str
    vat_rate: str
    vat: str
    net: str
    percentage: str | None = Field(description="null when the movie has no rental terms.")
    minimum_per_showtime: str | None
    amount_due: str


class SettlementDistributorOut(Schema):
    distributor_id: int | None = Field(description="null for movies without a distributor.")
    name: str
    email: str
    vat_rate: str
    movies: list[SettlementMovieOut]
    admissions: int
    gross: str
    vat: str
    net: str
    amount_due: str


class SettlementOut(Schema):
    week_start: dt.date
    week_end: dt.date
    currency: str
    distributors: list[SettlementDistributorOut]
    admissions: int
    gross: str
    vat: str
    net: str
    amount_due: str


def _tallies(tallies: list[Tally]) -> list[dict[str, Any]]:
    return [{"label": t.label, "admissions": t.admissions} for t in tallies]


def _movie_out(m: MovieSettlement) -> dict[str, Any]:
    return {
        "movie_id": m.movie_id,
        "title": m.title,
        "week_of_run": m.week_of_run,
        "showtimes": m.showtimes,
        "admissions": m.admissions,
        "comps": m.comps,
        "admissions_by_ticket_type": _tallies(m.by_type),
        "admissions_by_format": _tallies(m.by_format),
        "gross": money(m.gross),
        "vat_rate": money(m.vat_rate),
        "vat": money(m.vat),
        "net": money(m.net),
        "percentage": money(m.percentage) if m.has_terms else None,
        "minimum_per_showtime": money(m.minimum_per_showtime) if m.minimum_per_showtime is not None else None,
        "amount_due": money(m.due),
    }


def _block_out(b: DistributorSettlement) -> dict[str, Any]:
    return {
        "distributor_id": b.distributor_id,
        "name": b.name,
        "email": b.email,
        "vat_rate": money(b.vat_rate),
        "movies": [_movie_out(m) for m in b.movies],
        "admissions": b.admissions,
        "gross": money(b.gross),
        "vat": money(b.vat),
        "net": money(b.net),
        "amount_due": money(b.due),
    }


def settlement_out(result: Settlement) -> dict[str, Any]:
    return {
        "week_start": result.week_start,
        "week_end": result.week_end,
        "currency": result.currency,
        "distributors": [_block_out(b) for b in result.distributors],
        "admissions": result.admissions,
        "gross": money(result.gross),
        "vat": money(result.vat),
        "net": money(result.net),
        "amount_due": money(result.due),
    }

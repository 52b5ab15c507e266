"""Reading model instances from one hand-written join, as select_related would leave them.

For the hottest reads (a booking's detail on every pay and cancel, a showtime on every seat
map page) compiling the ORM's select_related cost the web process more CPU than the database
spent answering. A `Join` is written once per process from the models' own concrete fields;
each row is read back with `Model.from_db` and the converters the ORM itself applies, and
`cache_related` leaves the related objects where select_related leaves them. The callers'
tests hold each read equal, field for field, to the ORM's.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Model

type Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Part:
    """One model's columns in the statement: where they start, and how to read them."""

    model: type[Model]
    alias: str
    start: int
    attnames: list[str]
    # Per column, the expression and converters the ORM would use to read it.
    converters: list[tuple[Any, list[Converter]]]

    def read(self, row: Sequence[Any]) -> Model | None:
        values = list(row[self.start : self.start + len(self.attnames)])
        if values[0] is None:  # its primary key: an outer join found nothing
            return None
        for i, (expression, converters) in enumerate(self.converters):
            for convert in converters:
                values[i] = convert(values[i], expression, connection)
        return self.model.from_db("default", self.attnames, values)


@dataclass(frozen=True)
class Join:
    """`SELECT <every column of every model> FROM <the joins>`, and where each model's are."""

    select: str
    parts: dict[str, Part]


def join(tables: Sequence[tuple[type[Model], str, str]]) -> Join:
    """The select list and FROM clause of `tables`: (model, alias, its FROM or JOIN clause),
    in order. Build it once per process and database kind (the converters differ)."""
    columns: list[str] = []
    parts: dict[str, Part] = {}
    for model, alias, _clause in tables:
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            expression = field.get_col(alias)
            converters.append(
                (expression, connection.ops.get_db_converters(expression) + field.get_db_converters(connection))
            )
        parts[alias] = Part(model, alias, len(columns), [f.attname for f in fields], converters)
        columns += [f"{alias}.{connection.ops.quote_name(str(f.column))}" for f in fields]
    clauses = "\n".join(clause for _model, _alias, clause in tables)
    return Join(f"SELECT {', '.join(columns)}\nFROM {clauses}", parts)


def cache_related(instance: Model, name: str, related: Model | None) -> None:
    """What select_related leaves: the related object kept, its id untouched."""
    instance._meta.get_field(name).set_cached_value(instance, related)  # type: ignore[union-attr]

"""The schema package (marquee.api.schemas): one name per class across its modules, and the
shared input bases refuse what they promise to."""

import datetime as dt
import importlib
import pkgutil
from collections import defaultdict

import pytest
from ninja import Schema
from pydantic import ValidationError

import marquee.api.schemas
from marquee.api.schemas.common import CleanIn, StrictIn


def test_every_schema_class_name_is_unique_across_the_package():
    by_name: dict[str, set[str]] = defaultdict(set)
    for module_info in pkgutil.iter_modules(marquee.api.schemas.__path__):
        module = importlib.import_module(f"marquee.api.schemas.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                by_name[value.__name__].add(module.__name__)
    assert by_name, "no schema found"
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}


class Body(StrictIn):
    name: str = ""


class StaffBody(CleanIn):
    name: str = ""
    day: dt.date | None = None


def test_strict_bodies_refuse_unknown_fields():
    with pytest.raises(ValidationError):
        Body.model_validate({"name": "x", "extra": 1})


def test_clean_bodies_refuse_control_characters_and_numbers_for_days():
    assert Body.model_validate({"name": "a\x00b"}).name == "a\x00b"  # the public bodies' services check texts
    with pytest.raises(ValidationError, match="Control characters"):
        StaffBody.model_validate({"name": "a\x00b"})
    with pytest.raises(ValidationError, match="ISO 8601"):
        StaffBody.model_validate({"day": 0})
    assert StaffBody.model_validate({"name": "tab\tok", "day": "2026-12-07"}).day == dt.date(2026, 12, 7)

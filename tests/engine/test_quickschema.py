"""engine.load.quickschema proves documents valid without jsonschema: it must never call
valid what jsonschema (as engine.load.schema configures it) would report an error in.
Checked on every YAML file of the repository (rulebooks, fixtures good and bad) against
every schema, and on a few values it does not model."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import StatuteError
from engine.load import schema
from engine.load.yaml import read_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("rules/**/*.yaml"), *ROOT.glob("tests/**/*.yaml")])


def documents():
    for path in FILES:
        try:
            yield path, read_yaml(path).data
        except StatuteError:
            continue


@pytest.mark.parametrize("name", schema.SCHEMA_NAMES)
def test_quick_valid_only_when_jsonschema_finds_nothing(name: str):
    quick, full = schema._quick(name), schema._validator(name)
    assert quick.check is not None, f"{name}: a keyword quickschema does not model"
    proved = 0
    for path, data in documents():
        if quick.is_valid(data):
            proved += 1
            errors = list(full.iter_errors(data))
            assert not errors, f"{path} against {name}: {errors[0].message}"
    assert name in ("result",) or proved  # every file kind has valid files here


@pytest.mark.parametrize("value", [1.5, 2.0, {"on": 1.0}, {"on": dt.date(2020, 1, 1),
                                                           "period": 202001},
                                   {"on": "2020-02-30"}, {"on": "2020-01-01", "x": 1},
                                   {"on": "2020-01-01", "period": "2020-1"}])
def test_cases_quick_never_overrules(value):
    quick, full = schema._quick("case"), schema._validator("case")
    if quick.is_valid(value):
        assert not list(full.iter_errors(value))


def test_a_valid_case_needs_no_jsonschema():
    assert schema._quick("case").is_valid({"on": dt.date(2020, 1, 1), "period": "2020-01",
                                           "facts": {"a": Decimal("1.5")}})

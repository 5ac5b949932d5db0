"""schemathesis against the ASGI app: every operation of the generated OpenAPI document,
requests drawn from its schemas (and its examples), every response checked against it.

Every check but `positive_data_acceptance` runs: a schema cannot say what the rulebook's
constraints across facts say (an illness that ends before it starts), so a schema-valid
case may rightly get 422. No 5xx may appear: the concurrency cap and deadline are raised so that 503 and 504 (the
designed ones, tested in test_serve_app.py) cannot. Examples, phases and the number of
cases per operation are fixed (derandomized), so a CI run takes the same few seconds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402

from engine.serve.app import create_app  # noqa: E402
from engine.serve.limits import Limits  # noqa: E402

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "rulebooks" / "good"
RULES = Path(__file__).resolve().parents[3] / "rules"
EXAMPLES_PER_OPERATION = 15
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


def _app(root: Path) -> object:
    return create_app(str(root), Limits(deadline_s=120, max_concurrent=64))


_TMP = Path(__import__("tempfile").mkdtemp(prefix="statute-schemathesis-"))
for _name in ("minimal", "missing", "kinds", "lists", "records", "table", "daily"):
    shutil.copytree(GOOD / _name, _TMP / _name)
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(_TMP))
shipped = schemathesis.openapi.from_asgi("/openapi.json", _app(RULES / "lt"))

_SETTINGS = settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))


@schema.parametrize()
@_SETTINGS
def test_every_operation_conforms_on_the_synthetic_rulebooks(case: object) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)  # type: ignore[attr-defined]


@shipped.parametrize()
@_SETTINGS
def test_every_operation_conforms_on_the_lt_rulebook(case: object) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)  # type: ignore[attr-defined]

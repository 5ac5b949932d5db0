"""Every worked example gives the answer its `*.expected.json` fixes.

The examples are each `rules/<jurisdiction>/<law>/examples/CASE.yaml` with a sibling
`CASE.expected.json`, and the public ones of the spec in `../shared/spec/examples/`
(`lt-*` for rules/lt/benefits-for-children; `<jurisdiction>-<law>-*` for any other
rulebook of rules/). Each is evaluated as `statute eval RULEBOOK CASE --format json`
would, in process (`engine.load`, `engine.read_case`, `evaluate_case`, `as_dict`) and
through the CLI, and compared as `../shared/tools/check_examples.py` compares: every
field the expected file gives under `decisions` (and `rulebook`, `on`, `period` when
given), decimal strings equal by their numbers, each expected citation contained in
one of the answer's citations.

Without the folder `../shared` beside the repo the shared examples FAIL, saying how to
get it, unless STATUTE_SKIP_SHARED=1, which skips them with that reason (shown in the
summary by tests/engine/conftest.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
SHARED = ROOT.parent / "shared"
SHARED_EXAMPLES = SHARED / "spec" / "examples"
# The prefix of a rulebook's examples in ../shared/spec/examples where it is not
# `<jurisdiction>-<law>-` (the spec names the LT ones `lt-*`).
SHARED_PREFIX = {"lt/benefits-for-children": "lt-"}
SKIP_SHARED = "STATUTE_SKIP_SHARED"


# --- the comparison of ../shared/tools/check_examples.py --------------------------------

def same(want: Any, have: Any) -> bool:
    """JSON equality, with decimal strings equal when their numbers are equal."""
    if isinstance(want, dict) and isinstance(have, dict):
        return want.keys() == have.keys() and all(same(want[k], have[k]) for k in want)
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(same(a, b) for a, b in zip(want, have))
    if isinstance(want, str) and isinstance(have, str) and want != have:
        try:
            return Decimal(want) == Decimal(have)
        except InvalidOperation:
            return False
    if isinstance(want, bool) or isinstance(have, bool):
        return want is have
    return want == have


def differences(expected: dict, got: dict) -> list[str]:
    """What in `got` differs from what `expected` fixes (empty: the answer is right)."""
    errors = []
    if "decisions" not in expected:
        errors.append("the expected file has no 'decisions' key (the result contract; "
                      f"it has {sorted(expected)})")
    for key in ("rulebook", "on", "period"):
        if key in expected and got.get(key) != expected[key]:
            errors.append(f"{key}: {got.get(key)!r} != {expected[key]!r}")
    if "decisions" not in got:
        errors.append(f"the answer has no 'decisions' key (it has {sorted(got)})")
    decisions = got.get("decisions", {})
    for decision, want in expected.get("decisions", {}).items():
        have = decisions.get(decision)
        if have is None:
            errors.append(f"{decision}: missing from the answer")
            continue
        for field, value in want.items():
            if field == "citations":
                for cite in value:
                    if not any(cite in c for c in have.get("citations", [])):
                        errors.append(f"{decision}.citations: {cite!r} not in "
                                      f"{have.get('citations')}")
            elif not same(value, have.get(field)):
                errors.append(f"{decision}.{field}: {have.get(field)!r} != {value!r}")
    return errors


# --- the examples ---------------------------------------------------------------------

def _rulebooks() -> list[Path]:
    return sorted(p.parent for p in RULES.glob("*/*/rulebook.yaml"))


def _with_expected(cases: list[Path]) -> list[Path]:
    return [c for c in sorted(cases) if c.with_name(f"{c.stem}.expected.json").is_file()]


def _local_examples() -> list:
    return [pytest.param(rb, case, id=f"{rb.relative_to(RULES).as_posix()}:{case.stem}")
            for rb in _rulebooks() for case in _with_expected(list(rb.glob("examples/*.yaml")))]


def _shared_examples() -> list:
    if not SHARED_EXAMPLES.is_dir():
        return [pytest.param(None, None, id="shared-examples-missing")]
    out = []
    for rb in _rulebooks():
        law = rb.relative_to(RULES).as_posix()
        prefix = SHARED_PREFIX.get(law, law.replace("/", "-") + "-")
        out += [pytest.param(rb, case, id=f"shared:{case.stem}")
                for case in _with_expected(list(SHARED_EXAMPLES.glob(f"{prefix}*.yaml")))]
    return out or [pytest.param(None, None, id="shared-examples-missing")]


LOCAL = _local_examples()
SHARED_CASES = _shared_examples()


def _missing_shared() -> None:
    """Fail (or, with STATUTE_SKIP_SHARED=1, skip) because the shared examples are absent."""
    where = (f"{SHARED_EXAMPLES} holds no example with an .expected.json for "
             f"{', '.join(p.relative_to(RULES).as_posix() for p in _rulebooks())}"
             if SHARED_EXAMPLES.is_dir() else f"{SHARED} does not exist")
    if os.environ.get(SKIP_SHARED) == "1":
        pytest.skip(f"the shared spec examples were skipped ({SKIP_SHARED}=1): {where}")
    pytest.fail(
        f"the public spec examples are missing: {where}. They live in the project's shared "
        f"folder (spec/examples/*.yaml and *.expected.json), which must sit beside the repo "
        f"as ../shared: put it there (e.g. `ln -s /path/to/shared {SHARED}`), or set "
        f"{SKIP_SHARED}=1 to skip these examples knowingly.", pytrace=False)


@lru_cache(maxsize=None)
def _load(rulebook: Path) -> engine.Rulebook:
    return engine.load(rulebook)


def _expected(case: Path) -> dict:
    return json.loads(case.with_name(f"{case.stem}.expected.json").read_text(encoding="utf-8"))


def _in_process(rulebook: Path, case: Path) -> dict:
    return _load(rulebook).evaluate_case(engine.read_case(case)).as_dict()


def _cli(rulebook: Path, case: Path) -> dict:
    r = subprocess.run([sys.executable, "-m", "engine.cli", "eval", str(rulebook), str(case),
                        "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 0, f"exit {r.returncode}: {(r.stderr or r.stdout).strip()[-2000:]}"
    assert "Traceback" not in r.stderr, r.stderr
    try:
        return json.loads(r.stdout)
    except json.JSONDecodeError as e:
        pytest.fail(f"statute eval printed no JSON ({e}):\n{r.stdout[:2000]}")


def _shown(path: Path) -> str:
    for base in (ROOT, ROOT.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix() if base == ROOT else \
                f"../{path.relative_to(base).as_posix()}"
    return str(path)


def _assert_answers(rulebook: Path, case: Path, got: dict) -> None:
    errors = differences(_expected(case), got)
    if errors:
        pytest.fail(f"{_shown(case)} against {_shown(rulebook)}:\n  " + "\n  ".join(errors),
                    pytrace=False)


def test_there_are_examples():
    assert LOCAL, f"no rules/*/*/examples/*.yaml with a sibling .expected.json under {RULES}"


@pytest.mark.parametrize("rulebook, case", LOCAL)
def test_example_in_process(rulebook, case):
    _assert_answers(rulebook, case, _in_process(rulebook, case))


@pytest.mark.parametrize("rulebook, case", LOCAL)
def test_example_through_the_cli(rulebook, case):
    _assert_answers(rulebook, case, _cli(rulebook, case))


@pytest.mark.parametrize("rulebook, case", SHARED_CASES)
def test_shared_example_in_process(rulebook, case):
    if case is None:
        _missing_shared()
    _assert_answers(rulebook, case, _in_process(rulebook, case))


@pytest.mark.parametrize("rulebook, case", SHARED_CASES)
def test_shared_example_through_the_cli(rulebook, case):
    if case is None:
        _missing_shared()
    _assert_answers(rulebook, case, _cli(rulebook, case))

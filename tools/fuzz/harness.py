#!/usr/bin/env python3
"""Fuzzing harnesses (atheris) for the three entry points that read untrusted text:
the YAML reader, the expression compiler and the case reader.

    python tools/fuzz/harness.py yaml|expr|case [CORPUS_DIR] [-max_total_time=SECONDS] [-seed=N]

The property each checks: for any input, the entry point returns a result or raises a
`StatuteError` (an `ErrorList` of them) — never any other exception. A crash is written
by libFuzzer as crash-<hash> in the current folder; keep it as a reproducer. The seeds
and run figures of each session go to tools/fuzz/RUNS.md. Install with `pip install
atheris` (not a project extra: it is for this tool only).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    import engine
    from engine.errors import StatuteError
    from engine.expr import compile_expression
    from engine.errors import Position
    from engine.evaluate.facts import case_from_data
    from engine.load.yaml import parse_bytes

RULEBOOK = engine.load(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "kinds")
LISTS = engine.load(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "lists")


def _scope():
    """The names an article of the `lists` fixture may read (facts, parameters, specials)."""
    from engine.expr import Scope
    facts = {n: f.expr_type for n, f in LISTS.facts.items()}
    enums = {n: f.values for n, f in LISTS.facts.items() if f.values}
    params = {n: p.expr_type for n, p in LISTS.parameters.items()}
    return Scope(facts, enums, params, {"on": "date", "day": "date"},
                 decisions={k: "int" for k in ()})


SCOPE = _scope()
POS = Position("<fuzz>", 1, 1)


def fuzz_yaml(data: bytes) -> None:
    try:
        parse_bytes(data, "<fuzz>")
    except StatuteError:
        pass


def fuzz_expr(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        e = compile_expression(text, SCOPE, POS)
    except StatuteError:
        return
    facts = LISTS.vocabulary.prepare({}, dt.date(2021, 3, 10))
    try:
        e.evaluate(facts, {}, {"on": dt.date(2021, 3, 10), "day": dt.date(2021, 3, 10)})
    except StatuteError:
        pass


def fuzz_case(data: bytes) -> None:
    try:
        doc = parse_bytes(data, "<fuzz>")
        case = case_from_data(None, doc)
        RULEBOOK.evaluate_case(case, trace=True).as_dict(trace=True)
    except StatuteError:
        pass


TARGETS = {"yaml": fuzz_yaml, "expr": fuzz_expr, "case": fuzz_case}

if __name__ == "__main__":
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()

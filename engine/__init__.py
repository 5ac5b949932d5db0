"""statute: legislation as versioned YAML, evaluated with an explanation that cites the law.

    import engine
    rb = engine.load(RULEBOOK_FOLDER)                  # load, check, compile: once
    result = rb.evaluate(FACTS, on="2024-03-01", trace=True)
    answer = result[DECISION_ID]                        # status, type, value, citations, trace

The pipeline, one home per stage: `load` (YAML with positions, schemas, the model),
`check` (semantic checks), `compile` (per-case code, one definition per rule role),
`evaluate` (facts, decisions in dependency order), `trace` (typed steps), `render`
(text, JSON). `kinds` holds the answer kinds and statuses; `model` the rule roles.
"""
from __future__ import annotations

from engine.errors import CaseError, ErrorList, EvaluationError, LoadError, Position, StatuteError
from engine.evaluate.facts import Case, read_case
from engine.load.build import load
from engine.result import DecisionResult, ParamRead, Result, Step
from engine.rulebook import Rulebook
from engine.evaluate.schedule import Schedule

__all__ = [
    "load", "read_case", "Rulebook", "Case", "Result", "DecisionResult", "Step", "ParamRead",
    "Schedule",
    "StatuteError", "LoadError", "CaseError", "EvaluationError", "ErrorList", "Position",
]

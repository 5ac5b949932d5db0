"""statute: legislation as versioned YAML, evaluated with an explanation that cites the law.

    import engine
    rb = engine.load("rules/lt/benefits-for-children")
    result = rb.evaluate({"child": {"birth_date": "2010-06-14"}}, on="2010-07-01", trace=True)
    result["lump_sum_child_benefit"].amount   # Decimal('1430.00')
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

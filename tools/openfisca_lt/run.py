"""Evaluate generated cases (tools/handwritten.random_case: flat facts + ``on``) with the
minimal OpenFisca package, per case (one simulation per case, built from a situation dict
as the OpenFisca Web API does) and vectorised (one simulation of N claims, inputs set as
arrays). Answers come back in handwritten.evaluate's shape,
``{benefit: (status, amount, currency, missing_facts)}``, with the float amount rounded to
the cent and turned into a Decimal (OpenFisca computes money as float32).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from openfisca_core.simulations import SimulationBuilder

from . import CountryTaxBenefitSystem
from .variables import BOOL_FACTS, DATE_FACTS, UNKNOWN

BENEFITS = ("lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit")
MISSING = {"lump_sum_child_benefit": ("lump_sum_child_benefit_missing_guardianship_start_date",
                                      "guardianship.start_date"),
           "lump_sum_settlement_benefit": ("lump_sum_settlement_benefit_missing_child_birth_date",
                                           "child.birth_date")}
ENUM_FACTS = ("parent_residence_basis", "guardianship_end_reason")
INPUTS = tuple(DATE_FACTS) + tuple(BOOL_FACTS) + ENUM_FACTS
OUTPUTS = tuple(f"{b}_{k}" for b in BENEFITS for k in ("status", "amount", "currency")) + \
    tuple(v for v, _ in MISSING.values())
PERIOD = "ETERNITY"          # the facts are ETERNITY inputs
# OpenFisca 46 cannot run a formula for the eternity period itself (its start instant is
# -1-1-1), but an ETERNITY variable may be calculated for any period: the period then only
# selects the formula version, and every formula here has one. So answers are asked for a
# fixed day; the case's own date is the ``evaluation_date`` input.
CALC_PERIOD = "2017-12-31"
_CENT = Decimal("0.01")
# OpenFisca variable -> the spec's fact name ("child_birth_date" -> "child.birth_date")
_USED = {n: n.replace("_", ".", 1) for n in INPUTS if n != "evaluation_date"}


def new_system() -> CountryTaxBenefitSystem:
    return CountryTaxBenefitSystem()


def situation(facts: dict, on: dt.date) -> dict:
    """The OpenFisca situation (JSON-style, as the Web API takes) of one case."""
    claim = {"evaluation_date": {PERIOD: on.isoformat()}}
    for of_name, name in _USED.items():
        v = facts.get(name)
        if v is None:
            continue
        claim[of_name] = {PERIOD: v.isoformat() if isinstance(v, dt.date) else v}
    return {"claims": {"c": claim}}


def _answers(values: dict, i: int) -> dict:
    out = {}
    for b in BENEFITS:
        status = str(values[f"{b}_status"][i])
        if status == "granted":
            amount = Decimal(repr(round(float(values[f"{b}_amount"][i]), 2))).quantize(_CENT)
            out[b] = (status, amount, str(values[f"{b}_currency"][i]), ())
        elif status == "undetermined":
            var, fact = MISSING[b]
            out[b] = (status, None, None, (fact,) if values[var][i] else ())
        else:
            out[b] = (status, None, None, ())
    return out


def _calculate(sim) -> dict:
    values = {}
    for name in OUTPUTS:
        a = sim.calculate(name, CALC_PERIOD)
        values[name] = a.decode_to_str() if hasattr(a, "decode_to_str") else a
    return values


def evaluate_situation(tbs, sit: dict) -> dict:
    """One case: build its simulation and calculate every answer."""
    sim = SimulationBuilder().build_from_entities(tbs, sit)
    return _answers(_calculate(sim), 0)


def evaluate_case(tbs, facts: dict, on: dt.date) -> dict:
    return evaluate_situation(tbs, situation(facts, on))


def columns(cases) -> dict[str, np.ndarray]:
    """The input arrays of N cases (absent facts get the variable's default)."""
    n = len(cases)
    cols: dict[str, np.ndarray] = {}
    unknown = np.datetime64(UNKNOWN, "D")
    for of_name in DATE_FACTS:
        if of_name == "evaluation_date":
            cols[of_name] = np.array([on for _, on in cases], dtype="datetime64[D]")
            continue
        name = _USED[of_name]
        a = np.full(n, unknown)
        for i, (f, _) in enumerate(cases):
            v = f.get(name)
            if v is not None:
                a[i] = v
        cols[of_name] = a
    for of_name, (_, default) in BOOL_FACTS.items():
        name = _USED[of_name]
        cols[of_name] = np.array([bool(v) if (v := f.get(name)) is not None else default
                                  for f, _ in cases], dtype=bool)
    for of_name, default in (("parent_residence_basis", "unknown"),
                             ("guardianship_end_reason", "none")):
        name = _USED[of_name]
        cols[of_name] = np.array([f.get(name) or default for f, _ in cases])
    return cols


def evaluate_columns(tbs, cols: dict[str, np.ndarray]) -> dict:
    """N cases in one simulation; returns the decoded output arrays."""
    n = len(cols["evaluation_date"])
    sim = SimulationBuilder().build_default_simulation(tbs, n)
    for name, a in cols.items():
        sim.set_input(name, PERIOD, a)
    return _calculate(sim)


def evaluate_many(tbs, cases) -> list[dict]:
    values = evaluate_columns(tbs, columns(cases))
    return [_answers(values, i) for i in range(len(cases))]

"""A vocabulary's fact preparation, written out once as Python for its fact types.

`Vocabulary.prepare_general` is the definition: defaults, every value checked against
its fact's type, JSON-style values coerced, constraints, the names the case stated. Most
cases sent from Python hold values already of the exact type (`date`, `Decimal`, `int`,
`bool`, a known enum text) in a flat dict; for them this module generates the loop
with only the branches the vocabulary's types need and every table a constant. Any
other value (nested groups, ISO strings, a wrong type, a value out of range) hands the
whole case to the definition, so nothing is decided here that it would decide
otherwise (tests/engine/test_prepare.py holds the two together).
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any, Callable, Mapping

__all__ = ["make_preparer"]

# fact type -> the branch that takes a value already of that exact class
_BRANCHES: dict[type, str | None] = {
    _dt.date: "if MIN <= value <= MAX:",
    Decimal: "if value.is_finite() and D0 <= value < DBIG:",
    int: "if 0 <= value < BIG:",
    bool: None,  # a bool is a bool
    str: "if len(value) <= MAX_TEXT and ((e := ENUMS.get(name)) is None or value in e):",
}


def make_preparer(exact: Mapping[str, type | None], defaults: Mapping[str, Any],
                  on_defaults: tuple[str, ...], enums: Mapping[str, Any],
                  constrain: Callable[..., None] | None, general: Callable[..., Any],
                  limits: Mapping[str, Any], stated: str) -> Callable[..., dict[str, Any]]:
    """`prepare(raw, on, doc=None)` for one vocabulary: `exact` maps each fact to the
    class taken as given (None: never), `general` is the definition it defers to."""
    kinds = {k for k in exact.values() if k is not None}
    g: dict[str, Any] = {"DICT": dict, "KIND": dict(exact), "DEFAULTS": dict(defaults),
                         "ENUMS": {n: frozenset(v) for n, v in enums.items()},
                         "GENERAL": general, "CONSTRAIN": constrain, "STATED": stated,
                         "DATE": _dt.date, "DEC": Decimal, "INT": int, "BOOL": bool,
                         "STR": str, **limits}
    names = {_dt.date: "DATE", Decimal: "DEC", int: "INT", bool: "BOOL", str: "STR"}
    lines = ["def prepare(raw, on, doc=None):",
             "    if raw.__class__ is not DICT:",
             "        return GENERAL(raw, on, doc)",
             "    out = DEFAULTS.copy()"]
    lines += [f"    out[{n!r}] = on" for n in on_defaults]
    lines += ["    for name, value in raw.items():",
              "        c = value.__class__",
              "        if KIND.get(name) is c:"]
    first = True
    for kind in (_dt.date, Decimal, int, bool, str):  # the commonest first
        if kind not in kinds:
            continue
        lines.append(f"            {'if' if first else 'elif'} c is {names[kind]}:")
        test = _BRANCHES[kind]
        pad = "                "
        if test is not None:
            lines.append(pad + test)
            pad += "    "
        lines += [pad + "out[name] = value", pad + "continue"]
        first = False
    lines += ["        return GENERAL(raw, on, doc)",
              "    out[STATED] = raw.keys()  # every name taken as given: the case's own keys"]
    if constrain is not None:
        lines.append("    CONSTRAIN(out, on, doc)")
    lines.append("    return out")
    exec(compile("\n".join(lines), "<fact preparation>", "exec"), g)  # noqa: S102
    return g["prepare"]  # type: ignore[no-any-return]

"""Compile an event decision into one Python function: the fast path.

The interpreter in `evaluator.py` walks rules one by one; this module writes the
same walk out as straight-line Python — every `when`, condition and exception
inlined from its already-checked expression source, versions selected by date
comparisons against constants — and compiles it once at load. It covers the case
where every fact it reads is known: the first missing or absent fact raises one of
`FALLBACK`, and the caller re-decides with the interpreter, which applies
three-valued logic. Both paths share `_conclude` and `_event_result`, so they give
the same answers; tests and the benchmark check that they do.

Two variants are generated from one template: without trace, and with the trace
records the interpreter would make.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from engine.expr.helpers import div
from engine.model import Decision, Rule, Version
from engine.result import DecisionResult

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["compile_event_decision"]


class _Writer:
    def __init__(self, traced: bool):
        self.traced = traced
        self.lines: list[str] = []
        self.g: dict[str, Any] = {}
        self.ids: dict[int, str] = {}
        self.money: dict[str, str] = {}  # money parameter -> variable holding its value
        self.assumed = False  # "A = True" already written at the top level
        self.whens: dict[str, str] = {}  # a top-level `when` source -> variable holding it

    def ref(self, obj: Any, prefix: str = "O") -> str:
        """A global name for `obj` in the generated module."""
        key = id(obj)
        if key not in self.ids:
            name = f"{prefix}{len(self.ids)}"
            self.ids[key] = name
            self.g[name] = obj
        return self.ids[key]

    def expr(self, e: Any) -> str:
        self.g.update(e.names)
        return f"({e.py})"

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def trace(self, indent: int, text: str) -> None:
        if self.traced:
            self.line(indent, f"TR.steps.append({text})")


def compile_event_decision(rb: "Rulebook", d: Decision,
                           helpers: dict[str, Any]) -> tuple[Callable, Callable]:
    """(untraced, traced) functions `(F, on, W, TR) -> DecisionResult` for event decision d."""
    return _build(rb, d, helpers, False), _build(rb, d, helpers, True)


def _build(rb: "Rulebook", d: Decision, helpers: dict[str, Any], traced: bool) -> Callable:
    w = _Writer(traced)
    w.g.update(helpers)
    w.g.update({"_div": div, "RB": rb, "D": d})
    cov = rb.coverage
    w.line(0, "def decide(F, on, W, TR):")
    w.line(1, "S = {'on': on}")
    w.line(1, f"a = {w.expr(d.applies_if)}")
    if not traced:  # an answer with no trace and no date: one shared, read-only object
        w.g["NA"] = DecisionResult(d.id, "not_applicable", None, None, None, (), (), None,
                                   d.type, None, None)
        w.line(1, "if not a:")
        w.line(2, "return NA")
    else:
        w.trace(1, f"('applies_if', None, {w.ref(d.applies_if)}, a, None, "
                   f"{d.applies_reading!r}, None, {_question(d)!r}, {{}})")
        w.line(1, "if not a:")
        w.line(2, "return RESULT(D, 'not_applicable', TR)")
    rule = d.applicable_date
    v0 = rule.versions[0]
    assert v0.expr is not None
    w.line(1, f"day = {w.expr(v0.expr)}")
    w.trace(1, f"('applicable_date', {w.ref(rule)}, {w.ref(v0.expr)}, day, {w.ref(v0)}, "
               f"{rule.reading!r}, None, None, {{}})")
    w.g.update({"COV_S": cov.start, "COV_E": cov.end})
    w.line(1, "if not COV_S <= day <= COV_E:")
    w.line(2, "return NOT_COVERED(RB, D, day, TR)")
    w.line(1, "S['day'] = day")
    if rb.verified_through is not None:
        w.g["VERIFIED"] = rb.verified_through
        w.line(1, "if day > VERIFIED:")
        w.line(2, "W.add(PAST_VERIFIED(RB))")
    w.line(1, "P = {}")
    if traced:
        w.line(1, "R = TR.reads")
    for i, name in enumerate(d.params):
        if rb.parameters[name].type == "money":
            w.money[name] = f"pv{i}"
        par = w.ref(rb.parameters[name], "PAR")
        w.line(1, f"pv{i} = {par}.at(day)")
        w.line(1, f"if pv{i} is None:")
        w.line(2, "raise FALLBACK_NOW")
        w.line(1, f"P[{name!r}] = pv{i}.value")
        w.line(1, f"if pv{i}.warning:")
        w.line(2, f"W.add(pv{i}.warning)")
        if rb.parameters[name].verified_through is not None:
            through = w.ref(rb.parameters[name].verified_through, "VT")
            w.line(1, f"if day > {through}:")  # Parameter.stale_after, inlined
            w.line(2, f"W.add({par}.stale_warning)")
        if traced:
            w.line(1, f"R[{name!r}] = pv{i}")
    w.line(1, "refused = []")
    w.line(1, "held = []")
    w.line(1, "cands = []")
    w.line(1, "adjusts = []")
    w.line(1, "A = False")
    for r in d.rules:
        _rule(w, r, cov.start, cov.end)
    w.g["ASSUMPTION"] = f"assumption: {cov.assumption}"
    w.line(1, "if A:")
    w.line(2, "W.add(ASSUMPTION)")
    w.line(1, "if refused:")
    w.line(2, "return RESULT(D, 'refused', TR, day, tuple(dict.fromkeys(r.cite for r in "
              "refused)))")
    if d.type == "money":
        # the common grant, written out: one amount rule applies and nothing adjusts it
        w.g.update({"Q": rb.rounding.quantum, "MODE": rb.rounding.mode, "DEC": Decimal})
        w.line(1, "if len(cands) == 1 and not adjusts:")
        w.line(2, "r, v, cur = cands[0]")
        w.line(2, "amount = v.expr.fn(F, P, S)")
        w.trace(2, "('amount', r, v.expr, amount, v, None, None, None, R)")
        w.line(2, "rounded = (amount if amount.__class__ is DEC else DEC(amount))"
                  ".quantize(Q, rounding=MODE)")
        w.trace(2, "('rounding', None, None, rounded, None, "
                   "f'{amount} rounded to {Q} ({MODE})', None, 'rounded once', R)")
        w.g.update({"DR": DecisionResult, "ID": d.id, "NEW": tuple.__new__})
        steps, facts = ("TR.steps", "F") if traced else ("None", "None")
        # the field order of DecisionResult (see result.py)
        w.line(2, "return NEW(DR, (ID, 'granted', rounded, cur, day, "
                  f"tuple(dict.fromkeys([r.cite, *held])), (), 'money', None, {steps}, {facts}))")
    w.line(1, "cands = [c[:2] for c in cands]")
    w.line(1, "out = CONCLUDE(RB, D, F, P, S, day, refused, cands, (), adjusts, held, "
              "EMPTY, TR)")
    w.line(1, "return EVENT_RESULT(RB, D, out, day, TR, F)")
    source = "\n".join(w.lines)
    code = compile(source, f"<decision {d.id}{' traced' if traced else ''}>", "exec")
    namespace: dict[str, Any] = {"__builtins__": _BUILTINS, **w.g}
    exec(code, namespace)  # noqa: S102 - built from checked expressions and constants only
    fn = namespace["decide"]
    fn.source = source  # type: ignore[attr-defined]  # for debugging and tests
    return fn  # type: ignore[no-any-return]


def _question(d: Decision) -> str:
    return f"does the case concern the {d.title.lower()}?"


_BUILTINS = {"len": len, "tuple": tuple, "dict": dict}  # what the template itself uses


def _rule(w: _Writer, r: Rule, cov_start: Any, cov_end: Any) -> None:
    R = w.ref(r, "R")
    versions = r.versions
    whole = len(versions) == 1 and versions[0].start <= cov_start and versions[0].end >= cov_end
    if whole:
        _version(w, r, R, versions[0], 1)
        return
    for j, v in enumerate(versions):
        s, e = w.ref(v.start, "DS"), w.ref(v.end, "DE")
        w.line(1, f"{'if' if j == 0 else 'elif'} {s} <= day <= {e}:")
        _version(w, r, R, v, 2)
    w.line(1, "else:")
    w.line(2, "raise FALLBACK_NOW")  # no version in force: the interpreter says not_covered


def _currency(w: _Writer, v: Version) -> str:
    """Source for the currency of an amount: that of the money parameters it reads."""
    assert v.expr is not None
    money = [p for p in v.expr.params if w.money.get(p)]
    if not money:
        return "None"
    names = [w.money[p] for p in money]
    if len(names) == 1:
        return f"{names[0]}.currency"
    return f"ONE_CURRENCY(D, ({', '.join(names)},))"


def _version(w: _Writer, r: Rule, R: str, v: Version, n: int) -> None:
    V = w.ref(v, "V")
    if v.assumed and not (n == 1 and w.assumed):
        w.line(n, "A = True")
        w.assumed = w.assumed or n == 1
    if v.expr is None:
        w.line(n, "pass  # not in force in this period")
        w.trace(n, f"({r.role!r}, {R}, None, 'not in force', {V}, None, None, None, R)")
        return
    if v.when is not None:
        cond = w.expr(v.when)
        if n == 1:  # evaluated on every path: compute each distinct `when` once
            if v.when.source not in w.whens:
                w.whens[v.when.source] = f"w{len(w.whens)}"
                w.line(n, f"{w.whens[v.when.source]} = {cond}")
            cond = w.whens[v.when.source]
        w.line(n, f"if {cond}:")
        n += 1
    if r.role == "amount":
        w.line(n, f"cands.append(({R}, {V}, {_currency(w, v)}))")
    elif r.role == "adjust":
        w.line(n, f"adjusts.append(({R}, {V}))")
    else:
        w.line(n, f"val = {w.expr(v.expr)}")
        w.trace(n, f"({r.role!r}, {R}, {w.ref(v.expr)}, val, {V}, None, None, None, R)")
        if r.role == "requires":
            w.line(n, "if val:")
            w.line(n + 1, f"held.append({r.cite!r})")
            w.line(n, "else:")
            w.line(n + 1, f"refused.append({R})")
        else:
            w.line(n, "if val:")
            w.line(n + 1, f"refused.append({R})")
    if v.when is not None and w.traced:
        w.line(n - 1, "else:")
        w.trace(n, f"({r.role!r}, {R}, {w.ref(v.when)}, 'does not apply', {V}, "
                   f"\"its 'when' does not hold for this case\", None, None, R)")

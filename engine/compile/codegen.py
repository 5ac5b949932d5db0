"""Compile each decision into straight-line Python: the one definition of every rule role.

For each decision this module writes, once, the Python that applies its rules on a
date — every version selected by date comparisons against constants, every `when`,
condition, exception, value and adjustment in rulebook order — and compiles it in two
modes from the same emitters:

- **fast**: expressions inlined from their checked source. It covers the case where
  every fact it reads is known; the first missing or absent fact raises one of
  `FALLBACK` and the caller re-decides in the other mode.
- **three-valued**: each expression evaluated with Kleene logic (`Expr.evaluate`), so a
  missing fact is `Unknown` naming it, and a decision is `undetermined` only when the
  missing fact really matters.

Both modes come in an untraced and a traced variant (the traced one records every
step through `Tracer.add`). The semantics of a role — what a false condition, an
unknown exception or an applying value rule does — are written once, here, in
`_ROLE_EMITTERS`; `engine.evaluate.decide` holds only what follows the rules
(choosing the value, rounding, building the answer), shared by all variants.

Generated functions:
    at(F, S, day, W, TR) -> Day        the rules on selecting date `day`
    decide(F, S, W, TR) -> result      event decisions: applies_if, applicable date, at
    decide(F, S, W, TR, by_day)        summed decisions: applies_if, then the days' shares
    each_day(F, S, W, TR) -> Day       summed decisions: the selecting date of S['day'], at
    at_h, each_day_h(..., H)           the fast untraced sum's twins of the two above, reading
                                       the parts alike on every day from H (compile.hoist)

The fast untraced `decide` of a sum finds its range and cut points inline and computes
the hoisted parts once, before deciding its segments (`_segments_inline`).
"""
from __future__ import annotations

import ast
import inspect
import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from bisect import bisect_right
from decimal import Decimal

from engine.compile.hoist import Hoister
from engine.compile.segments import AFTER, BEFORE, BOTH, landmark
from engine.evaluate.decide import Day, _unique
from engine.expr import Unknown
from engine.expr.helpers import CITES, div
from engine.kinds import KINDS
from engine.model import Decision, Rule, Version
from engine.render.messages import Message
from engine.result import DecisionResult, make_result
from engine.trace import Tracer

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Compiled", "compile_decision"]


@dataclass(frozen=True)
class Compiled:
    """The four variants of one decision's `decide` (and `each_day` for monthly ones)."""

    fast: Callable[..., Any]
    fast_traced: Callable[..., Any]
    three: Callable[..., Any]
    three_traced: Callable[..., Any]
    sources: tuple[str, ...]  # the generated Python, for debugging and tests


_STEP_FIELDS = tuple(inspect.signature(Tracer.add).parameters)[1:]  # kind .. ctx
assert _STEP_FIELDS[-1] == "ctx"


class _Writer:
    def __init__(self, three: bool, traced: bool, inline: bool = True):
        self.three = three
        self.traced = traced
        self.inline = inline  # three-valued: expressions first run inline (`assign`)
        self.lines: list[str] = []
        self.g: dict[str, Any] = {}
        self.ids: dict[int, str] = {}
        self.whens: dict[str, str] = {}  # a top-level `when` source -> variable holding it
        self.pvs: dict[str, str] = {}  # parameter -> variable holding its value in force
        self.late: set[str] = set()  # parameters whose series begins inside the coverage
        self.decision: Any = None
        self.money_params: set[str] = set()
        self.event = False  # `at` answers an event decision (a result, not a Day)
        self.hoist: Hoister | None = None  # set: day-invariant parts become names (hoist.py)

    def done(self, day_source: str) -> str:
        """Source returning `day_source` (a Day) as `at` answers: a Day, or for an event
        decision its result."""
        return f"EVENT_RESULT(RB, D, {day_source}, day, TR)" if self.event else day_source

    def ref(self, obj: Any, prefix: str = "O") -> str:
        """A global name for `obj` in the generated module."""
        key = id(obj)
        if key not in self.ids:
            name = f"{prefix}{len(self.ids)}"
            self.ids[key] = name
            self.g[name] = obj
        return self.ids[key]

    def expr(self, e: Any) -> str:
        """Source that evaluates `e` in this mode."""
        if self.three:
            return f"{self.ref(e, 'E')}.evaluate(F, P, S)"
        self.g.update(e.names)
        if self.hoist is not None:
            return f"({self.hoist.rewrite(e.py, e.names)})"
        return f"({e.py})"

    def assign(self, indent: int, target: str, e: Any) -> None:
        """`target = e`. Three-valued, an expression is first run as the fast mode writes
        it, inline: with its facts known that is `e.evaluate`'s own first step, and when
        it fails (a fact missing) `e.evaluate` decides it as the definition does. An
        expression that cites is left to `e.evaluate` (a half-run could cite twice)."""
        if not (self.three and self.inline) or e.cites or not e.py:
            self.line(indent, f"{target} = {self.expr(e)}")
            return
        self.g.update(e.names)
        self.line(indent, "try:")
        self.line(indent + 1, f"{target} = ({e.py})")
        self.line(indent, "except Exception:")
        self.line(indent + 1, f"{target} = {self.expr(e)}")

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def trace(self, indent: int, *args: str) -> None:
        """`TR.add(*args)` written as the record it appends (engine.trace.Tracer.add is
        the definition: the same fields in the same order), a call less per step."""
        if not self.traced:
            return
        fields = ["None"] * len(_STEP_FIELDS)
        for k, a in enumerate(args):
            name, eq, value = a.partition("=")
            if eq and name.isidentifier() and not value.startswith("="):
                fields[_STEP_FIELDS.index(name)] = value
            else:
                fields[k] = a
        fields.insert(_STEP_FIELDS.index("ctx"), "TR.reads")
        self.line(indent, f"TR.steps.append(({', '.join(fields)}))")


def compile_decision(rb: "Rulebook", d: Decision, helpers: dict[str, Any],
                     inline: bool = True) -> Compiled:
    """Compile decision `d` in every mode; `helpers` are engine.evaluate.decide's pieces.
    `inline=False` leaves every expression of the three-valued mode to `Expr.evaluate`
    (the tests hold the inlined mode to it)."""
    variants, sources = [], []
    for three, traced in ((False, False), (False, True), (True, False), (True, True)):
        fn, source = _build(rb, d, helpers, three, traced, inline)
        variants.append(fn)
        sources.append(source)
    return Compiled(variants[0], variants[1], variants[2], variants[3], tuple(sources))


def helpers_na(d: Decision) -> Any:
    """The one not_applicable answer of `d` without trace: read-only, shared by all cases."""
    from engine.result import make_result
    return make_result(d.id, "not_applicable", d.type, None, None, None, (), (), None, None)


def _build(rb: "Rulebook", d: Decision, helpers: dict[str, Any], three: bool,
           traced: bool, inline: bool = True) -> tuple[Callable, str]:
    w = _Writer(three, traced, inline)
    w.decision = d
    w.event = d.sum is None
    w.g.update(helpers)
    w.g.update({"_div": div, "RB": rb, "D": d, "DATE": _dt.date, "NO_PARAMETERS": {},
                "EV": helpers["THREE_EV"] if three else helpers["FAST_EV"]})
    if d.sum is None:
        _event(w, rb, d)
    else:
        _at(w, rb, d)
        _each_day(w, d)
        if not three and d.sum.plan is not None:
            # the same rules once more, their day-invariant parts computed once per case
            w.hoist, w.whens = Hoister(), {}
            mark = len(w.lines)
            _at(w, rb, d, "at_h")
            _each_day(w, d, "_h")
            if not w.hoist.parts:  # nothing alike on every day: no twin
                del w.lines[mark:]
                w.hoist = None
        hoister, w.hoist = w.hoist, None
        _summed(w, d, hoister)
    source = "\n".join(w.lines)
    variant = f"{'three-valued' if three else 'fast'}{' traced' if traced else ''}"
    code = compile(source, f"<decision {d.id} {variant}>", "exec")
    namespace: dict[str, Any] = {"__builtins__": _BUILTINS, **w.g}
    exec(code, namespace)  # noqa: S102 - built from checked expressions and constants only
    return namespace["decide"], source


_BUILTINS = {"len": len, "tuple": tuple, "dict": dict, "sorted": sorted, "set": set,
             "Exception": Exception, "range": range}  # what the template itself uses
_UNSET = object()  # no currency seen yet (None is a currency: of a sum of days)
_PLAIN_KINDS = frozenset({"money", "days", "int", "decimal", "date", "bool"})  # no check after


def _applies(w: _Writer, d: Decision) -> None:
    """applies_if: false -> not_applicable; unknown -> undetermined."""
    if w.three:
        w.line(1, "P = NO_PARAMETERS")  # applies_if and the applicable date read none
    w.assign(1, "a", d.applies_if)
    w.trace(1, "'applies_if'", "None", w.ref(d.applies_if, "E"), "a", "None",
            repr(d.applies_reading), "None", repr(f"does the case concern {d.title}?"),
            "ctx=(NO_PARAMETERS, dict(S))")
    w.line(1, "if a is not True:")
    if not w.traced:  # the common answer, with no trace and no date: one shared object
        w.g["NA"] = helpers_na(d)
        w.line(2, "if a is False:")
        w.line(3, "return NA")
    w.line(2, "return NOT_APPLIES(D, a, TR)")


def _select(w: _Writer, d: Decision, indent: int, unknown: str) -> None:
    """The selecting date into `day`; `unknown` is the statement for an unknown date."""
    rule = d.applicable_date
    v0 = rule.versions[0]
    assert v0.expr is not None
    w.assign(indent, "day", v0.expr)
    w.trace(indent, "'applicable_date'", w.ref(rule, "R"), w.ref(v0.expr, "E"), "day",
            w.ref(v0, "V"), repr(rule.reading))
    w.line(indent, "if day.__class__ is not DATE:")
    w.line(indent + 1, unknown)
    w.line(indent, "S['applicable_date'] = day")


def _event(w: _Writer, rb: "Rulebook", d: Decision) -> None:
    """An event decision in one function: applies_if, the applicable date, the rules."""
    cov = rb.coverage
    w.g.update({"COV_S": cov.start, "COV_E": cov.end})
    w.line(0, "def decide(F, S, W, TR, by_day=False):")
    _applies(w, d)
    _select(w, d, 1, "return UNKNOWN_DATE(D, day, TR)")
    w.line(1, "if not COV_S <= day <= COV_E:")
    if w.traced:
        w.line(2, "return NOT_COVERED(RB, D, day, TR)")
    else:  # what NOT_COVERED answers without a trace, without the calls
        w.g.update({"MAKE": make_result, "ID": d.id, "KIND": d.type})
        w.line(2, "return MAKE(ID, 'not_covered', KIND, None, None, day, (), (), None, None)")
    _rules_on(w, rb, d)


def _each_day(w: _Writer, d: Decision, suffix: str = "") -> None:
    """`each_day`, or with suffix `_h` its twin reading the hoisted parts `H`."""
    extra = ", H" if suffix else ""
    w.line(0, f"def each_day{suffix}(F, S, W, TR{extra}):")
    if w.three:
        w.line(1, "P = NO_PARAMETERS")
    _select(w, d, 1, "return UNKNOWN_DAY(D, day)")
    w.line(1, f"return at{suffix}(F, S, day, W, TR{extra})")


def _summed(w: _Writer, d: Decision, hoister: Hoister | None = None) -> None:
    w.line(0, "def decide(F, S, W, TR, by_day=False):")
    _applies(w, d)
    spec = d.sum
    assert spec is not None
    if spec.plan is None:  # every day decided: the definition's loop
        w.line(1, "return SUM_RESULT(RB, D, F, S, W, TR, each_day, by_day)")
        return
    _segments_inline(w, d, hoister)


def _segments_inline(w: _Writer, d: Decision, hoister: Hoister | None) -> None:
    """The sum (fast, or three-valued when a fact is missing): what `SUM_RESULT` does
    before its segments — the range and the cut points
    (engine.compile.segments.cut_points) — written out with the range's and every
    landmark's expression inlined; anything out of the common way (an unknown or empty
    range, a range too long, a failing expression) goes to `SUM_RESULT` itself. The
    hoisted parts (fast mode only) are computed first, all in one `try`: if one fails,
    the segments are decided by the plain `each_day`, as the definition decides them.
    Traced, the sum's step is recorded as `SUM_RESULT` records it and the segments are
    left to `SUM_SEGMENTS`, which records theirs."""
    spec = d.sum
    assert spec is not None and spec.plan is not None
    plan = spec.plan
    w.g.update({"LANDMARK": landmark, "ONE": _dt.timedelta(days=1), "BISECT": bisect_right})
    w.line(1, "if by_day:")
    w.line(2, "return SUM_RESULT(RB, D, F, S, W, TR, each_day, by_day)")
    w.line(1, "P = NO_PARAMETERS")
    w.line(1, "try:")
    w.assign(2, "start", spec.start)
    w.assign(2, "end", spec.end)
    w.line(1, "except Exception:  # unknown, or failing: as the definition answers it")
    w.line(2, "return SUM_RESULT(RB, D, F, S, W, TR, each_day, False)")
    w.line(1, "if start.__class__ is not DATE or end.__class__ is not DATE or end < start "
              "or (end - start).days >= MAX_SUM_DAYS:")
    w.line(2, "return SUM_RESULT(RB, D, F, S, W, TR, each_day, False)")
    if w.traced:  # as SUM_RESULT records it
        w.line(1, f"TR.add('sum', None, {w.ref(spec.start, 'E')}, f'{{start}}..{{end}}', None, "
                  f"{w.ref(spec.reading)}, {w.ref(spec.cite)}, "
                  f"{w.ref(f'the days summed: {spec.start.source} .. {spec.end.source}')})")
    parts = hoister.parts if hoister is not None else []
    if parts:
        w.line(1, "try:")
        for var, source in parts:
            w.line(2, f"{var} = {source}")
        w.line(1, "except Exception:  # a part the rules might not reach failed: without them")
        w.line(2, "H = None")
        w.line(1, "else:")
        w.line(2, f"H = ({', '.join(v for v, _ in parts)},)")
    w.line(1, "pts = [start]")
    compiled = plan.compiled or (None,) * len(plan.landmarks)
    sides = plan.sides or (BOTH,) * len(plan.landmarks)
    for tree, e, side in zip(plan.landmarks, compiled, sides):
        T, X = w.ref(tree, "LT"), w.ref(e, "LX")
        known = hoister.lookup(e.py, e.names) if hoister and parts and e is not None \
            else None
        k = 1
        if known is not None:  # computed with the hoisted parts: the same value
            w.line(1, "if H is not None:")
            w.line(2, f"v = {known}")
            w.line(1, "else:")
            k = 2
        if e is None:
            w.line(k, f"v = LANDMARK({T}, {X}, F, S)")
        else:
            w.line(k, "try:")
            w.assign(k + 1, "v", e)
            w.line(k, "except Exception:")
            w.line(k + 1, f"v = LANDMARK({T}, {X}, F, S)")
        w.line(1, "if v.__class__ is DATE:")
        if side & BEFORE:
            w.line(2, "if start < v <= end:")
            w.line(3, "pts.append(v)")
        if side & AFTER:
            w.line(2, "if start <= v < end:")
            w.line(3, "pts.append(v + ONE)")
    if plan.monthly:
        w.line(1, "m = DATE(start.year + (start.month == 12), start.month % 12 + 1, 1)")
        w.line(1, "while m <= end:")
        w.line(2, "pts.append(m)")
        w.line(2, "m = DATE(m.year + (m.month == 12), m.month % 12 + 1, 1)")
    if plan.dated:
        w.line(1, "vd = VERSION_DATES(RB, D)")
        w.line(1, "pts.extend(vd[BISECT(vd, start):BISECT(vd, end)])")
    w.line(1, "if len(pts) > 1:")
    w.line(2, "pts = sorted(set(pts))")
    if parts:
        w.line(1, "if H is None:")
        w.line(2, "return SUM_SEGMENTS(RB, D, F, S, W, None, each_day, pts, start, end, "
                  "(end - start).days + 1, True)")
    if w.traced:
        day = "each_day"
        if parts:  # each segment's rules with the hoisted parts: the same steps
            w.line(1, "day = each_day if H is None else "
                      "(lambda F, S, W, TR: each_day_h(F, S, W, TR, H))")
            day = "day"
        w.line(1, f"return SUM_SEGMENTS(RB, D, F, S, W, TR, {day}, pts, start, end, "
                  "(end - start).days + 1, True)")
        return
    _segment_loop(w, d, "each_day_h(F, S, W, None, H)" if parts else "each_day(F, S, W, None)")


def _segment_loop(w: _Writer, d: Decision, each_day: str) -> None:
    """`SUM_SEGMENTS`'s loop for this decision, untraced (engine.evaluate.decide is the
    definition): each segment decided, its share of one day worked out with `each`
    inlined, alike runs merged; the answer from them by the same `SUM_END`. A share that
    fails (or would be unknown) sends the whole sum to `SUM_SEGMENTS` instead."""
    spec = d.sum
    assert spec is not None
    w.g.update({"YES": d.yes})
    if spec.each is None:
        share = "out.value * sd"  # sd: 1 for the share of one day
    else:
        w.g.update(spec.each.names)
        share = _bind(spec.each.py, {"value": "sv", "days": "sd"})
    w.line(1, "n = len(pts)")
    w.line(1, "segs = []")
    w.line(1, "for k in range(n):")
    w.line(2, "first = pts[k]")
    w.line(2, "last = pts[k + 1] - ONE if k + 1 < n else end")
    w.line(2, "S['day'] = first")
    w.line(2, f"out = {each_day}")
    w.line(2, "if k == 0:")
    w.line(3, "selected = S.get('applicable_date', start)")
    w.line(2, "if out.status == YES:")
    w.line(3, "sv, sd = out.value, 1")
    _try(w, 3, f"unit = {share}", "SUM_SEGMENTS(RB, D, F, S, W, None, each_day, pts, start, "
         "end, (end - start).days + 1, True)")
    w.line(2, "else:")
    w.line(3, "unit = None")
    w.line(2, "if segs:")
    w.line(3, "p = segs[-1]")
    w.line(3, "if p[3] == unit and ALIKE(p[2], out):")
    w.line(4, "segs[-1] = (p[0], last, out, unit)")
    w.line(4, "continue")
    w.line(2, "segs.append((first, last, out, unit))")
    _sum_end_inline(w, d, share)


def _sum_end_inline(w: _Writer, d: Decision, share: str) -> None:
    """`SUM_END` (engine.evaluate.decide._sum_end, the definition) written out for this
    decision, untraced: the status that prevails; for a status other than yes its
    citations and missing facts; for yes the runs' shares (`each` inlined) added and
    rounded once. What it does not write out (mixed currencies, a kind with a check after,
    a share that fails) it leaves to `SUM_END`, which answers or raises as defined."""
    w.g.update({"MAKE": make_result, "DEC": Decimal, "Q": w.g["RB"].rounding.quantum,
                "MODE": w.g["RB"].rounding.mode, "ID": d.id, "KIND": d.type, "NO": d.no,
                "UNIQUE": _unique, "FROZEN": frozenset, "UNSET": _UNSET})
    w.line(1, "sts = {o.status for _, _, o, _ in segs}")
    w.line(1, "for st in ('undetermined', 'not_covered', YES, NO):")
    w.line(2, "if st in sts:")
    w.line(3, "break")
    w.line(1, "else:")
    w.line(2, "return SUM_END(RB, D, F, S, None, selected, segs)")
    w.line(1, "if st != YES:")
    w.line(2, "S['day'] = segs[0][0]")
    w.line(2, "if len(segs) == 1:")
    w.line(3, "out = segs[0][2]")
    w.line(3, "cites, m = UNIQUE(out.citations), out.missing")
    w.line(2, "else:")
    w.line(3, "cites = UNIQUE([c for _, _, o, _ in segs if o.status == st for c in o.citations])")
    w.line(3, "m = FROZEN().union(*[o.missing for _, _, o, _ in segs])")
    w.line(2, "return MAKE(ID, st, KIND, None, None, selected, cites, "
              "tuple(sorted(m)) if m else (), None, None)")
    if d.type not in _PLAIN_KINDS:
        w.line(1, "return SUM_END(RB, D, F, S, None, selected, segs)")
        return
    w.line(1, "total = 0")
    w.line(1, "cur = UNSET")
    w.line(1, "for first, last, out, unit in segs:")
    w.line(2, "if out.status != YES:")
    w.line(3, "continue")
    w.line(2, "if cur is UNSET:")
    w.line(3, "cur = out.currency")
    w.line(2, "elif out.currency != cur:")
    w.line(3, "return SUM_END(RB, D, F, S, None, selected, segs)  # it names the currencies")
    w.line(2, "S['day'] = first")
    w.line(2, "sd = (last - first).days + 1")
    w.line(2, "if sd == 1:")
    w.line(3, "part = unit")
    w.line(2, "else:")
    w.line(3, "sv = out.value")
    _try(w, 3, f"part = {share}", "SUM_END(RB, D, F, S, None, selected, segs)")
    w.line(2, "total += part")
    if d.type == "money":
        w.line(1, "total = (total if total.__class__ is DEC else DEC(total))"
                  ".quantize(Q, rounding=MODE)")
    w.line(1, "if len(segs) == 1:")
    w.line(2, "cites = segs[0][2].citations")
    w.line(1, "else:")
    w.line(2, "cites = UNIQUE(["
              "*(c for _, _, o, _ in segs if o.status == YES for c in o.citations),")
    w.line(2, "               "
              "*(c for _, _, o, _ in segs if o.status == NO for c in o.citations)])")
    w.line(1, "return MAKE(ID, YES, KIND, total, cur, selected, cites, (), None, None)")


def _try(w: _Writer, n: int, statement: str, otherwise: str) -> None:
    """`statement`, or on any failure the answer `otherwise` (the definition's path)."""
    w.line(n, "try:")
    w.line(n + 1, statement)
    w.line(n, "except Exception:")
    w.line(n + 1, f"return {otherwise}")


def _bind(py: str, names: dict[str, str]) -> str:
    """`py` with each S['name'] of `names` read from the local variable it maps to."""
    class _Locals(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            if isinstance(node.value, ast.Name) and node.value.id == "S" \
                    and isinstance(node.slice, ast.Constant) and node.slice.value in names:
                return ast.copy_location(ast.Name(names[node.slice.value], ast.Load()), node)
            return self.generic_visit(node)
    return ast.unparse(_Locals().visit(ast.parse(py, mode="eval")).body)


def _at(w: _Writer, rb: "Rulebook", d: Decision, name: str = "at") -> None:
    """The rules of `d` on the selecting date `day`: versions, parameters, every role."""
    cov = rb.coverage
    w.g.update({"COV_S": cov.start, "COV_E": cov.end})
    w.line(0, f"def {name}(F, S, day, W, TR{', H' if w.hoist else ''}):")
    head = len(w.lines)
    w.line(1, "if not COV_S <= day <= COV_E:")
    w.line(2, "return OUTSIDE_COVERAGE(RB, day, TR)")
    _rules_on(w, rb, d)
    if w.hoist is not None and w.hoist.parts:
        w.lines.insert(head, "    " + ", ".join(v for v, _ in w.hoist.parts) + ", = H")


def _rules_on(w: _Writer, rb: "Rulebook", d: Decision) -> None:
    """The body that applies the rules of `d` on `day` and concludes (in `at`, or inline
    in an event decision's `decide`)."""
    cov = rb.coverage
    if rb.verified_through is not None:
        w.g["VERIFIED"] = rb.verified_through
        w.line(1, "if day > VERIFIED:")
        w.line(2, "W.add(PAST_VERIFIED(RB))")
    w.line(1, "P = {}")
    if w.traced:
        w.line(1, "R = TR.reads")
    for i, name in enumerate(d.params):
        param = rb.parameters[name]
        par = w.ref(param, "PAR")
        w.pvs[name] = f"pv{i}"
        if param.carries_currency:
            w.money_params.add(name)
        w.line(1, f"pv{i} = {par}.at(day)")
        k = 1
        if param.values and param.values[0].start > cov.start:
            # a series that begins inside the coverage (a part of an act added later):
            # missing only matters to a rule that reads it (checked where one does)
            w.late.add(name)
            w.line(1, f"if pv{i} is not None:")
            k = 2
        else:
            w.line(1, f"if pv{i} is None:")
            w.line(2, f"return {w.done(f'NO_PARAMETER({name!r}, day, TR)')}")
        w.line(k, f"P[{name!r}] = pv{i}.value")
        w.line(k, f"if pv{i}.warning:")
        w.line(k + 1, f"W.add(pv{i}.warning)")
        if param.verified_through is not None:
            through = w.ref(param.verified_through, "VT")
            w.line(k, f"if day > {through}:")
            # the warning built once, here: it is a Message, and this runs per segment
            w.line(k + 1, f"W.add({w.ref(param.stale_warning, 'SW')})")
        if w.traced:
            w.line(k, f"R[{name!r}] = pv{i}")
    for name in d.series:  # read at dates the rules compute: at(name, date)
        w.line(1, f"P[{'@' + name!r}] = {w.ref(rb.parameters[name], 'PAR')}")
    if d.series and w.traced:
        w.line(1, "R['@reads'] = P.setdefault('@reads', [])")
    if w.traced:  # what each step's expression read, for its arithmetic (one copy per day:
        # the rules below change neither, and a sum's next day must not change this one's)
        w.line(1, "C = (P, dict(S))")
    w.line(1, "refused = []")
    w.line(1, "values = []")
    # lists only a decision's rules can fill; otherwise the shared empty tuple
    may_open = w.three and any(r.role == "value" and any(v.when for v in r.versions)
                               for r in d.rules)
    w.line(1, "opens = []" if may_open else "opens = ()")
    w.line(1, "adjusts = []" if any(r.role == "adjust" for r in d.rules) else "adjusts = ()")
    w.line(1, "unknown = EMPTY")
    w.line(1, "cur = None")
    w.line(1, "A = False")
    top_assumed = [False]
    for r in d.rules:
        _rule(w, r, cov.start, cov.end, top_assumed)
    w.g["ASSUMPTION"] = Message("assumption: {text}", text=cov.assumption)  # the law's words
    w.line(1, "if A:")
    w.line(2, "W.add(ASSUMPTION)")
    if d.type in _PLAIN_KINDS:
        # CONCLUDE specialised to its most common case, the one answer a lump sum mostly
        # gets: nothing refused or open, one value rule applies and nothing adjusts it
        # (what CONCLUDE then does, without the call); every other case goes to CONCLUDE
        # a result is built as make_result builds it (engine.result), without the call
        w.g.update({"MAKE": make_result, "UNKNOWN": Unknown, "DEC": Decimal, "DAY": Day,
                    "Q": rb.rounding.quantum, "MODE": rb.rounding.mode, "YES": d.yes,
                    "ID": d.id, "KIND": d.type, "NEW": tuple.__new__, "DR": DecisionResult})
        steps = "TR.steps, F" if w.traced else "None, None"
        if w.event:  # a refusal, as CONCLUDE and EVENT_RESULT answer it
            w.g["NO"] = d.no
            w.line(1, "if refused:")
            w.line(2, "cited = (refused[0].cite,) if len(refused) == 1 else "
                      "tuple(dict.fromkeys([r.cite for r in refused]))")
            w.line(2, f"return NEW(DR, (ID, NO, KIND, None, None, day, cited, (), {steps}, ()))")
        else:  # a refused day of a sum, as CONCLUDE answers it
            w.g["NO"] = d.no
            w.line(1, "if refused:")
            w.line(2, "return DAY(NO, None, None, (refused[0].cite,) if len(refused) == 1 else "
                      "tuple(dict.fromkeys([r.cite for r in refused])), EMPTY, None)")
        cond = "not refused and not opens and not unknown and len(values) == 1"
        if any(r.role == "adjust" for r in d.rules):
            cond += " and not adjusts"
        w.line(1, f"if {cond}:")
        w.line(2, "r, v = values[0]")
        cites = any(v.expr is not None and v.expr.cites for r in d.rules if r.role == "value"
                    for v in r.versions)
        if cites:  # cite() in a value: its provisions follow the rule's (as CONCLUDE)
            w.g["CITES"] = CITES
            w.line(2, "S.pop(CITES, None)")
        w.line(2, "value = v.expr.evaluate(F, P, S)" if w.three else "value = v.expr.fn(F, P, S)")
        cited = "tuple(dict.fromkeys((r.cite, *S.pop(CITES, ()))))" if cites else "(r.cite,)"
        w.line(2, "if value.__class__ is not UNKNOWN and value is not None:")
        w.trace(3, "'value'", "r", "v.expr", "value", "v", "ctx=C")
        if w.event:
            if d.type == "money" and w.traced:
                w.line(3, "value = ROUND_MONEY(RB, value, TR)")
            elif d.type == "money":
                w.line(3, "value = (value if value.__class__ is DEC else DEC(value))"
                          ".quantize(Q, rounding=MODE)")
            w.line(3, f"return NEW(DR, (ID, YES, KIND, value, cur, day, {cited}, (), {steps}, ()))")
        else:
            w.line(3, f"return DAY(YES, value, cur, {cited}, EMPTY, r.id)")
    w.line(1, "return " + w.done("CONCLUDE(RB, D, F, P, S, day, refused, values, opens, "
                                  "adjusts, unknown, TR, EV)"))


def _rule(w: _Writer, r: Rule, cov_start: Any, cov_end: Any, top_assumed: list[bool]) -> None:
    R = w.ref(r, "R")
    versions = r.versions
    if len(versions) == 1 and versions[0].start <= cov_start and versions[0].end >= cov_end:
        _version(w, r, R, versions[0], 1, top_assumed)
        return
    for j, v in enumerate(versions):
        s, e = w.ref(v.start, "DS"), w.ref(v.end, "DE")
        w.line(1, f"{'if' if j == 0 else 'elif'} {s} <= day <= {e}:")
        _version(w, r, R, v, 2, top_assumed)
    w.line(1, "else:")
    w.line(2, f"return {w.done(f'NO_VERSION({R}, day, TR)')}")


def _need_params(w: _Writer, params: tuple[str, ...], n: int) -> None:
    """A rule about to read a series that has no value on `day`: not_covered."""
    for name in params:
        if name in w.late:
            w.line(n, f"if {w.pvs[name]} is None:")
            w.line(n + 1, f"return {w.done(f'NO_PARAMETER({name!r}, day, TR)')}")


def _version(w: _Writer, r: Rule, R: str, v: Version, n: int, top_assumed: list[bool]) -> None:
    V = w.ref(v, "V")
    if v.assumed and not top_assumed[0]:
        w.line(n, "A = True")
        top_assumed[0] = n == 1
    if v.expr is None:
        w.line(n, "pass  # not in force in this period")
        if r.row is None:  # a table not in force is silent, as its rows that do not match
            w.trace(n, repr(r.role), R, "None", "'not in force'", V)
        return
    when = None
    if v.when is not None:
        _need_params(w, v.when.params, n)
        if n == 1:  # evaluated on every path: compute each distinct `when` once
            if v.when.source not in w.whens:
                w.whens[v.when.source] = f"w{len(w.whens)}"
                w.assign(n, w.whens[v.when.source], v.when)
            when = w.whens[v.when.source]
        else:
            w.assign(n, "wv", v.when)
            when = "wv"
        # fast mode: no value is ever unknown (a missing fact falls back to the three-valued
        # mode), so a `when` is true or false and the checks below are plain truth tests
        w.line(n, f"if {when} is not False:" if w.three else f"if {when}:")
        n += 1
    _need_params(w, v.expr.params, n)
    _ROLE_EMITTERS[r.role](w, R, V, v, when, n)
    if when is not None and w.traced and r.row is None:  # a table traces its matching row
        w.line(n - 1, "else:")
        w.trace(n, repr(r.role), R, w.ref(v.when, "E"), "'does not apply'", V,
                "\"its 'when' does not hold for this case\"", "ctx=C")


# -- the roles: what each does, written once for every mode -------------------------
# `when` is None (the rule always applies) or the variable holding its value, which is
# True or, in the three-valued mode, Unknown (False was filtered out above).

def _requires(w: _Writer, R: str, V: str, v: Version, when: str | None, n: int) -> None:
    """A condition: false refuses; unknown leaves the decision open."""
    w.assign(n, "val", v.expr)
    w.trace(n, "'requires'", R, w.ref(v.expr, "E"), "val", V,
            f"WHEN_NOTE({when})" if when else "None", "ctx=C")
    if not w.three:  # fast: val and `when` are true or false (the `when` held to get here)
        w.line(n, "if not val:")
        w.line(n + 1, f"refused.append({R})")
        return
    w.line(n, "if val is not True:")
    if when:
        w.line(n + 1, f"if val is False and {when} is True:")
    else:
        w.line(n + 1, "if val is False:")
    w.line(n + 2, f"refused.append({R})")
    w.line(n + 1, "else:")
    w.line(n + 2, f"unknown = unknown | NAMES(val){f' | NAMES({when})' if when else ''}")


def _unless(w: _Writer, R: str, V: str, v: Version, when: str | None, n: int) -> None:
    """An exception: established, it refuses; unknown leaves the decision open."""
    w.assign(n, "val", v.expr)
    w.trace(n, "'unless'", R, w.ref(v.expr, "E"), "val", V,
            f"WHEN_NOTE({when})" if when else "None", "ctx=C")
    if not w.three:  # fast: true or false
        w.line(n, "if val:")
        w.line(n + 1, f"refused.append({R})")
        return
    w.line(n, f"if val is True{f' and {when} is True' if when else ''}:")
    w.line(n + 1, f"refused.append({R})")
    w.line(n, "elif val is not False:")
    w.line(n + 1, f"unknown = unknown | NAMES(val){f' | NAMES({when})' if when else ''}")


def _value(w: _Writer, R: str, V: str, v: Version, when: str | None, n: int) -> None:
    """A value rule that applies is a candidate; one whose `when` is unknown stays open.
    `cur` is the currency of the candidate (used when it is the only one)."""
    if when is None or not w.three:  # fast: the `when` held to get here
        w.line(n, f"values.append(({R}, {V}))")
        w.line(n, f"cur = {_currency_source(w, v)}")
        return
    w.line(n, f"if {when} is True:")
    w.line(n + 1, f"values.append(({R}, {V}))")
    w.line(n + 1, f"cur = {_currency_source(w, v)}")
    w.line(n, "else:")
    w.line(n + 1, f"opens.append(({R}, {V}, {when}))")


def _adjust(w: _Writer, R: str, V: str, v: Version, when: str | None, n: int) -> None:
    """An adjustment that applies changes the value, in its stated order."""
    if when is None or not w.three:  # fast: the `when` held to get here
        w.line(n, f"adjusts.append(({R}, {V}))")
        return
    w.line(n, f"if {when} is True:")
    w.line(n + 1, f"adjusts.append(({R}, {V}))")
    w.line(n, "else:")
    w.line(n + 1, f"unknown = unknown | NAMES({when})")


def _currency_source(w: _Writer, v: Version) -> str:
    """The currency of a value computed by `v` (as engine.evaluate.decide._currency)."""
    d = w.decision
    if not KINDS[d.type].money or v.expr is None:
        return "None"
    money = [w.pvs[p] for p in v.expr.params if p in w.money_params]
    if len(money) == 1 and not v.expr.decisions:
        return f"{money[0]}.currency"
    if not money and not v.expr.decisions:
        return repr(d.currency)
    return f"CURRENCY(RB, D, [{w.ref(v.expr, 'E')}], day, F)"


_ROLE_EMITTERS: dict[str, Callable[[_Writer, str, str, Version, str | None, int], None]] = {
    "requires": _requires, "unless": _unless, "value": _value, "adjust": _adjust,
}

"""Segments, not days: where a sum over days can change its per-day outcome.

A decision summed over a range of days decides its rules once per day. Most days
decide alike: the outcome can change only where `day` crosses a date the case fixes
(a birthday, a fact's date, a limit computed from facts), where a month begins (when
`day` is read through month_start, days_in_month, ...), or where a rule version or a
parameter value begins (when the selecting date follows `day`). This module reads
the expressions once, at load, and says which of those cut points the sum needs; at
run time the sum decides one day per segment between cuts.

When `day` is used any other way (days_between(day, x), add_days(day, n), arithmetic),
no plan is made and the sum is decided day by day: never a wrong answer for speed.
A property test checks that segments give the day-by-day answer.
"""
from __future__ import annotations

import ast
import bisect
import datetime as _dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from engine.expr import evaluate3

__all__ = ["SegmentPlan", "plan_segments", "cut_points", "landmark"]

# helpers whose value, read of `day`, is the same for every day of a month
_MONTHLY = frozenset({"month_start", "month_end", "days_in_month", "month", "year"})
_CONSTANT_SPECIALS = frozenset({"on", "period_start"})
_NO_PARAMS: Mapping[str, Any] = {}


@dataclass(frozen=True)
class SegmentPlan:
    """The cut points a sum needs: landmark dates (trees evaluated on the case's facts),
    month starts, and rule-version and parameter-value starts."""

    landmarks: tuple[ast.Expression, ...]
    monthly: bool
    dated: bool
    # each landmark compiled (engine.expr.Expr, the loader's work), or None: walk its tree
    compiled: tuple[Any, ...] = ()
    # per landmark D, where the days compared with it can change: BEFORE (between D - 1
    # and D: `day < D`, `day >= D`), AFTER (between D and D + 1: `day > D`, `day <= D`),
    # or both (`==`, `!=`, anything else); empty: both for every landmark
    sides: tuple[int, ...] = ()


def plan_segments(trees: Iterable[ast.AST], selector: ast.AST, params: Iterable[str],
                  specials: Iterable[str] = ("day", "applicable_date", "value", "days")
                  ) -> SegmentPlan | None:
    """The plan for a sum whose per-day expressions are `trees` and whose selecting date
    is `selector` (both checked, definitions expanded); None: decide day by day."""
    param_names, varying = set(params), set(specials) - _CONSTANT_SPECIALS
    landmarks: dict[str, ast.Expression] = {}
    sides: dict[str, int] = {}
    monthly = False
    for tree in (*trees, selector):
        parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Name) and node.id in varying):
                continue
            if node.id != "day":
                # the selecting date or a value read in a rule: piecewise like `day` only
                # through the selector, which is planned below
                if node.id == "applicable_date" and not _reads(selector, varying):
                    continue  # a fixed selecting date: constant over the sum
                if node.id in ("value", "days"):
                    continue  # `each` reads the day's value and the run's length
                return None
            parent = parents.get(id(node))
            if isinstance(parent, ast.Call) and getattr(parent.func, "id", None) in _MONTHLY:
                monthly = True
                continue
            if tree is selector and isinstance(parent, ast.Expression):
                continue  # the selecting date is the day itself: versions cut it
            if isinstance(parent, ast.Compare):
                items = [parent.left, *parent.comparators]
                i = next(k for k, item in enumerate(items) if item is node)
                for j, other in enumerate(items):
                    if other is node:
                        continue
                    if _reads(other, varying) or _reads(other, param_names):
                        return None
                    key = ast.dump(other)
                    landmarks.setdefault(key, ast.Expression(other))
                    side = _side(parent.ops[i], True) if j == i + 1 else \
                        _side(parent.ops[j], False) if j == i - 1 else BOTH
                    sides[key] = sides.get(key, 0) | side
                continue
            return None
    dated = _reads(selector, {"day"}) and not _only_monthly(selector)
    return SegmentPlan(tuple(landmarks.values()), monthly or _only_monthly(selector), dated,
                       sides=tuple(sides[k] for k in landmarks))


BEFORE, AFTER, BOTH = 1, 2, 3
_MIRROR = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _side(op: ast.cmpop, day_first: bool) -> int:
    """Where `day op D` (or, `day_first` false, `D op day`) can change its truth."""
    kind = type(op) if day_first else _MIRROR.get(type(op), type(op))
    if kind in (ast.Lt, ast.GtE):
        return BEFORE  # true up to D - 1, false from D (or the reverse)
    if kind in (ast.Gt, ast.LtE):
        return AFTER  # true up to D, false from D + 1 (or the reverse)
    return BOTH


def _reads(node: ast.AST, names: set[str] | frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _only_monthly(selector: ast.AST) -> bool:
    body = selector.body if isinstance(selector, ast.Expression) else selector
    return isinstance(body, ast.Call) and getattr(body.func, "id", None) in _MONTHLY


def landmark(tree: ast.Expression, expr: Any, F: Mapping[str, Any],
             S: Mapping[str, Any]) -> Any:
    """A landmark's value on the case's facts (a date, or anything else: no cut); a
    failure meets every day alike, so it cuts nothing either."""
    try:
        return expr.evaluate(F, _NO_PARAMS, S) if expr is not None else \
            evaluate3(tree, F, {}, S)
    except (ArithmeticError, ValueError, TypeError, KeyError, OverflowError, RuntimeError):
        return None  # (RuntimeError: a failure the compiled expression words as an
        # EvaluationError)


def cut_points(plan: SegmentPlan, F: Mapping[str, Any], S: Mapping[str, Any],
               start: _dt.date, end: _dt.date, version_dates: Iterable[_dt.date]) -> list[_dt.date]:
    """The first day of every segment of start..end: where an outcome may change.

    A landmark date D cuts the range at D (the days before it may differ from D) and at
    D + 1 (D itself may differ from the days after it), each only where a comparison
    with D can change there (plan.sides); only cuts inside the range count, so a
    birthday years away costs one comparison."""
    one = _dt.timedelta(days=1)
    points = [start]
    compiled = plan.compiled or (None,) * len(plan.landmarks)
    sides = plan.sides or (BOTH,) * len(plan.landmarks)
    for tree, expr, side in zip(plan.landmarks, compiled, sides):
        v = landmark(tree, expr, F, S)
        if v.__class__ is _dt.date:
            if side & BEFORE and start < v <= end:
                points.append(v)
            if side & AFTER and start <= v < end:
                points.append(v + one)
    if plan.monthly:
        m = _dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        while m <= end:
            points.append(m)
            m = _dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    if plan.dated:  # sorted: only those inside the range
        dates = version_dates if isinstance(version_dates, tuple) else tuple(sorted(version_dates))
        points.extend(dates[bisect.bisect_right(dates, start):bisect.bisect_right(dates, end)])
    return sorted(set(points)) if len(points) > 1 else points

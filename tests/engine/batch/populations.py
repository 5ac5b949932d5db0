"""Generated populations of any rulebook, for holding the batch to the per-case path.

The strategies are built from the rulebook itself, never from a hand-written list of its
facts: each fact's type, enum values and optional presence come from `facts.yaml`; dates
fall around the dates the law changes on (coverage, rule versions, parameter values) and
the shipped examples' dates; and the shipped examples' cases are drawn too, perturbed
(facts dropped, replaced, dates moved), so most rows reach the rules a real case reaches
rather than stopping at an undetermined first condition. Cells are text, as a CSV gives
them: the batch types them by the vocabulary, `row_facts` the same way for the per-case
path.
"""
from __future__ import annotations

import datetime as _dt
import glob
import json
import os
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import strategies as st

from engine import dates

__all__ = ["population", "case", "examples", "landmarks", "BATCH_TYPES"]

BATCH_TYPES = ("date", "bool", "int", "money", "decimal", "enum", "string", "list")
"""Fact types an input column of the batch carries (lists: of whole numbers or true/false,
as a JSON array in a text cell)."""
LISTS = ("list[int]", "list[bool]")


def examples(root: str) -> list[dict[str, str]]:
    """The shipped example cases of `root` (examples/*.yaml and cases.jsonl), flattened to
    text cells by dotted fact name, with `on` (and `period` where given)."""
    import json
    out = []
    for path in sorted(glob.glob(os.path.join(root, "examples", "*.yaml"))):
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        if isinstance(doc, dict) and "facts" in doc:
            out.append(_flat(doc))
    jsonl = os.path.join(root, "examples", "cases.jsonl")
    if os.path.exists(jsonl):
        with open(jsonl, encoding="utf-8") as fh:
            out.extend(_flat(json.loads(line)) for line in fh if line.strip())
    return out


def _text(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return json.dumps(v)
    return None if v is None else str(v)


def _flat(doc: dict) -> dict[str, Any]:
    row: dict[str, Any] = {"on": str(doc["on"])}
    if doc.get("period"):
        row["period"] = str(doc["period"])[:7]
    for group, fs in (doc.get("facts") or {}).items():
        if isinstance(fs, dict):
            for k, v in fs.items():
                row[f"{group}.{k}"] = _text(v)
        else:
            row[group] = _text(fs)
    return row


def landmarks(rb: Any, shipped: list[dict[str, Any]]) -> list[_dt.date]:
    """The dates where answers change or cases live: coverage, versions, parameter
    values, the examples' dates (sorted, within the dates the engine reads)."""
    out = {rb.coverage.start}
    if not rb.coverage.open:
        out.add(rb.coverage.end)
    for d in rb.decisions.values():
        for r in (d.applicable_date, *d.rules):
            for v in r.versions:
                out.add(v.start)
                if v.end < dates.MAX_DATE:
                    out.add(v.end)
    for p in rb.parameters.values():
        out.update(pv.start for pv in p.values)
    for row in shipped:
        for k, v in row.items():
            if k == "period" or not isinstance(v, str):
                continue
            try:
                out.add(_dt.date.fromisoformat(v))
            except ValueError:
                pass
    lo, hi = _dt.date(1900, 1, 1), _dt.date(2150, 1, 1)
    return sorted(x for x in out if lo <= x <= hi)


def _near(marks: list[_dt.date], spread: int = 800) -> st.SearchStrategy[_dt.date]:
    """A date close to one of `marks`: the same day, a day either side, or further."""
    offset = st.one_of(st.sampled_from([0, -1, 1]), st.integers(-40, 40),
                       st.integers(-spread, spread))
    return st.builds(lambda m, k: min(max(m + _dt.timedelta(days=k), _dt.date(1850, 1, 1)),
                                      _dt.date(2190, 1, 1)),
                     st.sampled_from(marks), offset)


def _values(rb: Any, shipped: list[dict[str, Any]], name: str, fact: Any,
            marks: list[_dt.date]) -> st.SearchStrategy[Any]:
    """The text cells of one fact: values of its type, and those the examples give."""
    seen = sorted({r[name] for r in shipped if isinstance(r.get(name), str)})
    if fact.type == "list":
        item = st.integers(0, 40) if fact.expr_type == "list[int]" else st.booleans()
        gen: st.SearchStrategy[Any] = st.lists(item, max_size=min(fact.max_items, 8)) \
            .map(json.dumps)
        return st.one_of(gen, st.sampled_from(seen)) if seen else gen
    if fact.type == "date":
        gen = _near(marks).map(str)
    elif fact.type == "bool":
        gen = st.sampled_from(["true", "false"])
    elif fact.type == "int":
        gen = st.one_of(st.integers(0, 3), st.integers(0, 40), st.integers(0, 2100)).map(str)
    elif fact.type in ("money", "decimal"):
        gen = st.one_of(st.decimals(0, 500, places=2), st.decimals(0, 5_000_000, places=2),
                        st.sampled_from([Decimal(0), Decimal("0.01")])).map(str)
    elif fact.type == "enum":
        gen = st.sampled_from(sorted(fact.values))
    else:  # a string: the examples' strings, altered, or any short text
        gen = st.text(alphabet="0123456789- abc", max_size=16)
        if seen:
            gen = st.one_of(st.sampled_from(seen), st.sampled_from(seen).flatmap(_altered), gen)
    if seen and fact.type not in ("string", "enum"):
        gen = st.one_of(gen, st.sampled_from(seen))
    return gen


def _altered(s: str) -> st.SearchStrategy[str]:
    """`s` with one character replaced, removed or doubled."""
    if not s:
        return st.just(s)
    return st.builds(lambda k, c, how: (s[:k] + c + s[k + 1:], s[:k] + s[k + 1:],
                                        s[:k] + s[k] + s[k:])[how],
                     st.integers(0, len(s) - 1), st.sampled_from("0123456789-"),
                     st.integers(0, 2))


def case(rb: Any, root: str) -> st.SearchStrategy[dict[str, Any]]:
    """One row: a shipped example perturbed, or a case drawn fact by fact."""
    shipped = examples(root)
    marks = landmarks(rb, shipped)
    names = [n for n, fa in rb.facts.items() if fa.type in BATCH_TYPES
             and (fa.type != "list" or fa.expr_type in LISTS)]
    values = {n: _values(rb, shipped, n, rb.facts[n], marks) for n in names}

    @st.composite
    def fresh(draw: Any) -> dict[str, Any]:
        row: dict[str, Any] = {"on": str(draw(_near(marks)))}
        if draw(st.booleans()):
            row["period"] = str(draw(_near(marks)))[:7]
        for n in names:
            if draw(st.integers(0, 3)):  # given three times in four
                row[n] = draw(values[n])
        return row

    @st.composite
    def perturbed(draw: Any) -> dict[str, Any]:
        base = dict(draw(st.sampled_from(shipped)))
        for n in names:
            how = draw(st.integers(0, 11))
            if how == 0:
                base.pop(n, None)
            elif how == 1:
                base[n] = draw(values[n])
        if draw(st.integers(0, 2)) == 0:  # another day: mostly near the example's own
            on = _dt.date.fromisoformat(base["on"])
            base["on"] = str(draw(st.one_of(_near([on], 60), _near(marks))))
        return {k: v for k, v in base.items() if k in ("on", "period") or k in names}

    return st.one_of(perturbed(), perturbed(), fresh()) if shipped else fresh()


def population(rb: Any, root: str, max_size: int = 30) -> st.SearchStrategy[list[dict]]:
    return st.lists(case(rb, root), min_size=1, max_size=max_size)

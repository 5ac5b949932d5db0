"""A rulebook's decisions compiled once to a column plan, then run on frames of cases.

`compile_plan(rb, decisions)` checks at once that every decision asked has a column form
(else `PlanError` names the decision, the rule and the construct: the batch refuses,
it never falls back per row). `Plan.run(frame)` takes a frame of raw fact columns
(dotted names) with `on` (and optionally `period`) and returns one row per input row:
its number, and per decision status, value, currency (money), citations; rows the
per-case path would refuse (a bad value, a broken constraint, an evaluation error) are
listed in `errors` with their row number and column, their answers left empty.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable

import polars as pl

from engine import dates
from engine.batch.columns import (DEC, LIST_TYPES, OUTSIDE, POLARS_TYPES, STATED, Col, Env,
                                  Unsupported, column, stated_facts)
from engine.batch.decisions import FROM, ON, PERIOD, ROW, event_columns, sum_columns
from engine.batch.plan import PlanError, f
from engine.expr.limits import MAX_AMOUNT
from engine.model import NO_DEFAULT

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Plan", "PlanError", "RowError", "compile_plan", "RESERVED"]

ENGINE: Any = "streaming"
"""Polars engine of a chunk: its streaming engine, which measured 1.27 against 1.42 µs a
row for the in-memory one on 100k LT rows (tools/bench_batch.py); chunks stream too."""

RESERVED = ("name", "on", "period")
"""Input columns that are not facts: a case's name, its evaluation date, its month."""


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as a reader counts the rows of the input
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass
class Plan:
    rb: "Rulebook"
    ids: tuple[str, ...]  # what is asked, in the order asked
    order: tuple[str, ...]  # what is decided, in dependency order
    facts: dict[str, str] = field(repr=False)  # fact -> its type in expressions
    nullable: frozenset[str] = field(repr=False)
    stated: frozenset[str] = field(default=frozenset(), repr=False)  # read by stated()

    def run(self, raw: pl.DataFrame, first_row: int = 1, on: _dt.date | None = None,
            period: _dt.date | None = None) -> tuple[pl.DataFrame, list[RowError]]:
        """Decide every row of `raw`; rows are numbered from `first_row`."""
        typed, errors = self.prepare(raw, first_row, on, period)
        frame = typed.lazy()
        for i in self.order:
            d = self.rb.decisions[i]
            frame = (sum_columns if d.sum is not None else event_columns)(
                self.rb, d, frame, self.facts, self.nullable)
            if d.sum is not None:  # its days read the frame many times: one plan each
                frame = frame.collect(engine=ENGINE).lazy()
        keep = [ROW] + (["name"] if "name" in raw.columns else [])
        outs = [c for i in self.ids for c in _columns(self.rb, i)]
        errs = [f"{i}.@error" for i in self.order]
        # what a no-value answer cites: the citations of the decision it read
        extra = [c for i in self.order for c in (f"{i}.citations", f"{i}.{FROM}")
                 if c not in outs]
        result = frame.select(*keep, *outs, *extra, *errs).collect(engine=ENGINE)
        flagged = result.filter(pl.any_horizontal(errs)) if errs else result.head(0)
        for row in flagged.iter_rows(named=True):
            for i in self.order:
                if row[f"{i}.@error"]:
                    errors.append(RowError(row[ROW], i, "the per-case path raises an "
                                           "evaluation error here; run it with --explain-rows "
                                           f"{row[ROW]} to see it"))
        bad = {e.row for e in errors}
        result = _decode_citations(self.rb, self.order, result.drop(errs))
        result = result.select(*keep, *outs)
        if bad:  # a row refused per case has no answers here either
            result = result.with_columns(
                [pl.when(pl.col(ROW).is_in(sorted(bad))).then(None).otherwise(pl.col(c))
                 .alias(c) for c in outs])
        return result.rename({ROW: "row"}), errors

    def prepare(self, raw: pl.DataFrame, first_row: int, on: _dt.date | None,
                period: _dt.date | None) -> tuple[pl.DataFrame, list[RowError]]:
        """Typed fact columns with defaults, `on` and the month; bad cells as errors."""
        n = raw.height
        errors: list[RowError] = []
        unknown = [c for c in raw.columns if c not in self.rb.facts and c not in RESERVED]
        if unknown:
            import difflib

            from engine.batch.io import InputError
            near = difflib.get_close_matches(unknown[0], list(self.rb.facts), 1)
            raise InputError(f"column {unknown[0]!r} is not a fact of {self.rb.id}"
                             + (f" (did you mean {near[0]!r}?)" if near else "")
                             + (f"; {len(unknown) - 1} more unknown" if len(unknown) > 1 else ""))
        cols: dict[str, pl.Series] = {ROW: pl.Series(ROW, range(first_row, first_row + n),
                                                     dtype=pl.Int64)}
        on_s = _dates(raw, "on", errors, cols[ROW]) if "on" in raw.columns else None
        if on_s is None:
            if on is None:
                raise PlanError("the input has no 'on' column; give --on DATE")
            on_s = _repeat(ON, on, n, pl.Date)
        elif on is not None:
            on_s = on_s.fill_null(on)
        missing_on = on_s.is_null()
        for r in cols[ROW].filter(missing_on & ~_bad_rows(errors, cols[ROW])):
            errors.append(RowError(r, "on", "no evaluation date"))
        cols[ON] = on_s.alias(ON)
        if period is not None:
            cols[PERIOD] = _repeat(PERIOD, period, n, pl.Date)
        elif "period" in raw.columns:
            text = raw["period"].cast(pl.Utf8)
            p = (text + "-01").str.to_date("%Y-%m-%d", strict=False)
            for r, v in zip(cols[ROW].filter(p.is_null() & text.is_not_null()),
                            text.filter(p.is_null() & text.is_not_null())):
                errors.append(RowError(r, "period", f"{v!r} is not a month YYYY-MM"))
            cols[PERIOD] = p.fill_null(on_s.dt.month_start()).alias(PERIOD)
        else:
            cols[PERIOD] = on_s.dt.month_start().alias(PERIOD)
        for name, fact in self.rb.facts.items():
            if fact.type == "list" and fact.expr_type in LIST_TYPES:
                cols[name] = _typed_list(raw, name, fact, errors, cols[ROW])
                continue
            if fact.type not in POLARS_TYPES and name not in raw.columns:
                continue  # a list or record fact no decision asked reads (else refused)
            s = _typed(raw, name, fact, errors, cols[ROW])
            if name in self.stated:  # what the case wrote, before any default
                cols[STATED + name] = s.is_not_null().alias(STATED + name)
            if fact.default_from == "on":
                s = s.fill_null(on_s)
            elif fact.default is not NO_DEFAULT and fact.default is not None:
                s = s.fill_null(_default(fact))
            cols[name] = s.alias(name)
        frame = pl.DataFrame(cols)
        for c in self.rb.constraints:
            try:
                ok = column(c.expr.tree, Env(self.facts, self.nullable, {},
                                             {"on": Col(pl.col(ON), "date")})).e
            except Unsupported as e:
                raise PlanError(f"constraint {c.id}: {e} has no column form yet") from None
            broken = frame.select(ROW, f(ok).alias("b")).filter(pl.col("b"))[ROW]
            for r in broken:
                errors.append(RowError(r, ", ".join(c.expr.facts),
                                       f"{c.message} ({c.cite}): the case breaks constraint "
                                       f"{c.id!r} ({c.expr.source})"))
        if errors:  # a bad row is decided by nobody: its facts are nulled and its answers too
            rows = sorted({e.row for e in errors})
            frame = frame.with_columns(pl.when(pl.col(ROW).is_in(rows)).then(
                pl.col(ON).fill_null(_dt.date(2000, 1, 1))).otherwise(pl.col(ON)).alias(ON))
        if "name" in raw.columns:
            frame = frame.with_columns(raw["name"].cast(pl.Utf8).alias("name"))
        return frame, errors


def _repeat(name: str, value: Any, n: int, dtype: Any) -> pl.Series:
    """`n` times `value` as a column, built by Polars (a Python list of n items is slow)."""
    return pl.repeat(value, n, dtype=dtype, eager=True).alias(name)


def compile_plan(rb: "Rulebook", decisions: Iterable[str] | None = None) -> Plan:
    """The column plan of `decisions` (default: all), compiled and checked now."""
    ids = tuple(decisions) if decisions is not None else rb.order_asked
    unknown = [i for i in ids if i not in rb.decisions]
    if unknown:
        raise PlanError(f"unknown decision {unknown[0]!r}; this rulebook decides "
                        f"{', '.join(rb.decisions)}")
    steps, _ = rb.plan(ids)
    order = tuple(s[0] for s in steps)
    facts = {n: fa.expr_type for n, fa in rb.facts.items()}
    nullable = frozenset(n for n, fa in rb.facts.items()
                         if fa.default is None and fa.default_from is None)
    plan = Plan(rb, ids, order, facts, nullable, frozenset(stated_facts(_trees(rb))))
    probe = pl.DataFrame({"on": pl.Series([], dtype=pl.Date)})
    plan.run(probe, 1, None, _dt.date(2000, 1, 1))
    return plan


def _trees(rb: "Rulebook") -> Iterable[Any]:
    """Every expression tree of the rulebook's decisions and constraints."""
    from engine.batch.decisions import _trees as trees_of
    for d in rb.decisions.values():
        yield from trees_of(d)
    for c in rb.constraints:
        yield c.expr.tree


def _decode_citations(rb: "Rulebook", ids: tuple[str, ...], result: pl.DataFrame
                      ) -> pl.DataFrame:
    """Each decision's citation masks written out as lists of citations, once per
    distinct mask sequence (a population has few)."""
    from engine.batch.plan import CiteTable
    for i in ids:
        name = f"{i}.citations"
        table = CiteTable(rb.decisions[i])
        masks = result[name]
        longest: Any = masks.list.len().max() if masks.len() else 0
        if masks.len() and (longest or 0) <= 1 and table.width == 1:  # an event's one mask
            key = masks.list.first()
            distinct = key.unique().to_list()
            lists = [table.decode([k]) if k is not None else None for k in distinct]
            dtype: Any = pl.Int64
        else:
            key = pl.select(table.key(pl.lit(masks))).to_series()
            distinct = key.unique().to_list()
            lists = [table.decode_key(k) if k is not None else None for k in distinct]
            dtype = pl.Utf8
        lookup = pl.DataFrame({"@key": pl.Series(distinct, dtype=dtype),
                               name: pl.Series(lists, dtype=pl.List(pl.Utf8))})
        decoded = pl.DataFrame({"@key": key}).join(lookup, on="@key", how="left",
                                                   maintain_order="left", nulls_equal=True)
        result = result.with_columns(decoded[name])
        src = pl.col(f"{i}.{FROM}")
        if result[f"{i}.{FROM}"].is_not_null().any():  # outside a series: no citations
            cites: Any = pl.when(src == OUTSIDE).then(pl.lit([], dtype=pl.List(pl.Utf8))) \
                .otherwise(pl.col(name))
            for j in rb.decisions[i].depends:
                cites = pl.when(src == j).then(pl.col(f"{j}.citations")).otherwise(cites)
            result = result.with_columns(cites.alias(name))
    return result


def _columns(rb: "Rulebook", i: str) -> list[str]:
    from engine.kinds import KINDS
    out = [f"{i}.status", f"{i}.value"]
    kind = KINDS[rb.decisions[i].type]
    if kind.money:
        out.extend((f"{i}.amount", f"{i}.currency") if not kind.fields else (f"{i}.currency",))
    return out + [f"{i}.citations"]


def _bad_rows(errors: list[RowError], rows: pl.Series) -> pl.Series:
    return rows.is_in([e.row for e in errors])


def _default(fact: Any) -> Any:
    v = fact.default
    if fact.type in ("money", "decimal"):
        return pl.lit(Decimal(str(v))).cast(DEC)
    if fact.type == "date" and isinstance(v, str):
        return pl.lit(dates.parse_date(v))
    return pl.lit(v)


_DECIMAL_RE = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
_BIG = int(MAX_AMOUNT)


_ITEM_RE = {"list[int]": r"(0|[1-9][0-9]{0,14})", "list[bool]": r"(true|false)"}


def _typed_list(raw: pl.DataFrame, name: str, fact: Any, errors: list[RowError],
                rows: pl.Series) -> pl.Series:
    """A list fact's column: a JSON array in a text cell (as JSONL and CSV give it) or a
    list column (Parquet), of at most `max_items` items of its type; anything else is a
    row error naming the column."""
    want = LIST_TYPES[fact.expr_type]
    n = raw.height
    if name not in raw.columns:
        default = fact.default if fact.default is not NO_DEFAULT else None
        return pl.Series(name, [list(default) if default is not None else None] * n,
                         dtype=want)
    s = raw[name]
    if isinstance(s.dtype, pl.List):
        out = s.cast(want, strict=False)
        wrong = s.is_not_null() & (out.is_null() | out.list.eval(pl.element().is_null()
                                                                 .any()).list.first())
    else:
        text = s.cast(pl.Utf8).str.strip_chars()
        item = _ITEM_RE[fact.expr_type]
        okay = text.str.contains(rf"^\[\s*({item}(\s*,\s*{item})*)?\s*\]$").fill_null(False)
        safe = pl.select(pl.when(pl.lit(okay)).then(pl.lit(text)).otherwise(pl.lit("[]"))
                         .alias(name)).to_series()
        out = safe.str.json_decode(want)
        wrong = s.is_not_null() & ~okay
    if fact.type == "list" and fact.expr_type == "list[int]":
        wrong = wrong | (s.is_not_null() & (out.list.max() >= _BIG).fill_null(False))
    wrong = wrong | (s.is_not_null() & (out.list.len() > fact.max_items).fill_null(False))
    for r, v in zip(rows.filter(wrong), s.filter(wrong)):
        errors.append(RowError(r, name, f"{v!r} is not a list of at most {fact.max_items} "
                                        f"items of {fact.of} (a JSON array)"))
    given = s.is_not_null() & ~wrong
    return pl.select(pl.when(pl.lit(given)).then(pl.lit(out)).otherwise(None)
                     .alias(name)).to_series()


def _typed(raw: pl.DataFrame, name: str, fact: Any, errors: list[RowError],
           rows: pl.Series) -> pl.Series:
    """The column of fact `name`, typed; each cell that is not a value of its type is an
    error naming the row and the column (the message the per-case reader would give)."""
    want = POLARS_TYPES.get(fact.type)
    n = raw.height
    if name not in raw.columns:
        return _repeat(name, None, n, want or pl.Utf8)
    if want is None:
        raise PlanError(f"fact {name} is a {fact.type}; the batch reads scalar facts only, yet")
    s = raw[name]
    given = s.is_not_null()
    dt = s.dtype
    if fact.type == "date":
        out = s if dt == pl.Date else s.cast(pl.Utf8).str.to_date("%Y-%m-%d", strict=False)
        wrong = given & (out.is_null() | (out < dates.MIN_DATE) | (out > dates.MAX_DATE))
        why = "is not a date YYYY-MM-DD in 1800-01-01..2200-12-31"
    elif fact.type == "bool":
        if dt == pl.Boolean:
            out = s
        else:
            text = s.cast(pl.Utf8)
            out = _repeat(name, None, n, pl.Boolean)
            out = pl.select(pl.when(text == "true").then(True).when(text == "false").then(False)
                            .otherwise(None).alias(name)).to_series() if n else out
        wrong = given & out.is_null()
        why = "is not true or false"
    elif fact.type == "int":
        out = s.cast(pl.Int64, strict=False) if not dt.is_float() else \
            _repeat(name, None, n, pl.Int64)
        if dt == pl.Utf8 or dt == pl.String:
            out = s.str.strip_chars().cast(pl.Int64, strict=False)
        wrong = given & (out.is_null() | (out < 0) | (out >= _BIG))
        why = f"is not a whole number from 0 to {_BIG - 1}"
    elif fact.type in ("money", "decimal"):
        if dt.is_float():
            out = _repeat(name, None, n, DEC)
            why = "is a float; pass money as a string or a decimal, never a float"
        else:
            text = s.cast(pl.Utf8).str.strip_chars()
            okay = text.str.contains(_DECIMAL_RE)
            out = pl.select(pl.when(pl.lit(okay)).then(pl.lit(text)).otherwise(None)
                            .alias(name)).to_series()
            big = out.str.replace(r"^-", "").str.split(".").list.first().str.len_chars() > 15
            out = pl.select(pl.when(pl.lit(big)).then(None).otherwise(pl.lit(out))
                            .str.to_decimal(scale=20).cast(DEC, strict=False)
                            .alias(name)).to_series()
            neg = text.str.starts_with("-")
            out = pl.select(pl.when(pl.lit(neg)).then(None).otherwise(pl.lit(out))
                            .alias(name)).to_series()
            why = f"is not a {fact.type} amount of 0 or more under {_BIG} (digits, e.g. 300.50)"
        wrong = given & out.is_null()
    else:  # enum, string
        out = s.cast(pl.Utf8)
        if fact.values is not None:
            wrong = given & ~out.is_in(sorted(fact.values))
            why = f"is not one of {', '.join(sorted(fact.values))}"
        else:
            wrong = _repeat("", False, n, pl.Boolean)
            why = ""
    if wrong.any():
        for r, v in zip(rows.filter(wrong), s.filter(wrong)):
            errors.append(RowError(r, name, f"{v!r} {why}"))
        out = pl.select(pl.when(pl.lit(wrong)).then(None).otherwise(pl.lit(out))
                        .alias(name)).to_series()
    return out.alias(name)


def _dates(raw: pl.DataFrame, name: str, errors: list[RowError], rows: pl.Series) -> pl.Series:
    s = raw[name]
    out = s if s.dtype == pl.Date else s.cast(pl.Utf8).str.to_date("%Y-%m-%d", strict=False)
    wrong = s.is_not_null() & out.is_null()
    for r, v in zip(rows.filter(wrong), s.filter(wrong)):
        errors.append(RowError(r, name, f"{v!r} is not a date YYYY-MM-DD"))
    return out.alias(ON)

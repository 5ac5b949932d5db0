"""Decisions → column expressions: the per-case semantics of each rule role, as columns.

This is the column twin of `engine.compile.codegen` (the roles) and of
`engine.evaluate.decide` (`_conclude`, `_event_result`, `_sum_result`): the same order
of precedence (not_applicable, undetermined date, not_covered, refused, undetermined,
granted), the same minimal citations, the same rounding. It reads the same model
(`Decision`, `Rule`, `Version`) and the same checked trees (`Expr.tree`), never a
second encoding of the law; `tests/engine/batch/test_one_semantics.py` holds it to
`Rulebook.evaluate` row by row.

Every decision produces, per row: status, value (unrounded for a day of a sum; the
answer's value otherwise), currency, citations (a list) and an error flag (the
per-case path would raise an EvaluationError: two value rules apply and none
overrides, a division by zero, a value outside a finding's values).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from engine.batch.columns import (DEC, ROUND_MODES, Col, Dep, Env, Unsupported, cite_calls,
                                  cite_flags, column, dec_lit, first_nv)
from engine.kinds import KINDS
from engine.model import Decision, Rule

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Outcome", "PlanError", "rules_on", "CiteTable", "NO_CITES", "param_env"]

NO_CITES = pl.lit(0, dtype=pl.Int64)
"""Citations travel as a bit mask per row (a bit per rule, and one per fixed list of
citations a branch gives); the lists are written out once per distinct mask
(`CiteTable.decode`), not built per row. A decision with more entries than one Int64
holds has a mask of several words (a struct of Int64 fields, `CiteTable.WORD` bits each)."""


class PlanError(Unsupported):
    """A decision the batch refuses to compile, naming the rule and the construct."""


class CiteTable:
    """The citations a decision can give, one bit each: a bit per rule in the order of
    `Decision.rules` (requires, unless, value, then adjust by order: the order the
    per-case path cites them in), then the fixed lists (the applicable date's rule, every
    value rule, the sum's provision, the empty range's)."""

    def __init__(self, d: Decision):
        self.entries: list[tuple[str, ...]] = []
        self.rules: dict[str, int] = {}
        self.calls: dict[tuple[str, int, str], int] = {}  # (rule, version, provision)
        for r in d.rules:  # a rule, then what its value's cite() calls name (cited after it)
            self.rules[r.id] = len(self.entries)
            self.entries.append((r.cite,))
            if r.role not in ("value", "adjust"):
                continue
            for k, v in enumerate(r.versions):
                found = [c for tree in value_trees(v.expr) for c in cite_calls(tree)]
                for c in dict.fromkeys(found):
                    self.calls[(r.id, k, c)] = len(self.entries)
                    self.entries.append((c,))
        fixed = {"date": (d.applicable_date.cite,),
                 "values": tuple(dict.fromkeys(r.cite for r in d.rules if r.role == "value")),
                 "sum": (d.sum.cite,) if d.sum else (),
                 "empty": (d.sum.empty_cite,) if d.sum and d.sum.empty_cite else ()}
        self.fixed = {}
        for key, cites in fixed.items():
            self.fixed[key] = len(self.entries)
            self.entries.append(cites)
        self.width = -(-len(self.entries) // self.WORD)  # words of a mask

    WORD = 62
    """Bits of one word of a mask (an Int64, its sign bit never set)."""

    def rule(self, r: Rule) -> int:
        """The entry (bit number) of rule `r`."""
        return self.rules[r.id]

    def call(self, r: Rule, version: int, provision: str) -> int:
        return self.calls[(r.id, version, provision)]

    def _words(self, entries: list[tuple[Any, int]]) -> Any:
        """The mask whose bit k is set where k's flag holds (a flag of True: always)."""
        words = []
        for w in range(self.width):
            parts = [(flag, 1 << (k - w * self.WORD)) for flag, k in entries
                     if w * self.WORD <= k < (w + 1) * self.WORD]
            if not parts:
                words.append(NO_CITES)
            elif all(flag is True for flag, _ in parts):
                words.append(pl.lit(sum(b for _, b in parts), dtype=pl.Int64))
            else:
                words.append(pl.sum_horizontal([
                    pl.lit(b, dtype=pl.Int64) if flag is True else
                    pl.when(flag).then(pl.lit(b, dtype=pl.Int64)).otherwise(NO_CITES)
                    for flag, b in parts]))
        if self.width == 1:
            return words[0]
        return pl.struct([x.alias(f"w{k}") for k, x in enumerate(words)])

    def mask(self, parts: list[tuple[Any, int]]) -> Any:
        """The mask of the entries whose flag holds (an entry named by several parts, as
        two cite() of one provision, is set where any of them holds: bits never add up)."""
        flags: dict[int, list[Any]] = {}
        for flag, k in parts:
            flags.setdefault(k, []).append(flag)
        return self._words([(fs[0] if len(fs) == 1 else pl.any_horizontal(fs), k)
                            for k, fs in flags.items()])

    def lit(self, key: str) -> Any:
        return self._words([(True, self.fixed[key])])

    @property
    def none(self) -> Any:
        return self._words([])

    def key(self, masks: Any) -> Any:
        """A list of masks as text ("w0:w1,w0:w1"): a join key for decoding them."""
        if self.width == 1:
            return masks.list.eval(pl.element().cast(pl.Utf8)).list.join(",")
        return masks.list.eval(pl.concat_str(
            [pl.element().struct.field(f"w{k}").cast(pl.Utf8) for k in range(self.width)],
            separator=":")).list.join(",")

    def decode_key(self, key: str) -> list[str]:
        masks = []
        for part in (x for x in key.split(",") if x):
            m = 0
            for k, word in enumerate(part.split(":")):
                m |= int(word) << (k * self.WORD)
            masks.append(m)
        return self.decode(masks)

    def decode(self, masks: list[int]) -> list[str]:
        """The citations of a row: each mask's entries in bit order, masks in order,
        each citation once (as decide._unique)."""
        out: list[str] = []
        for m in masks:
            k = 0
            while m:
                if m & 1:
                    out.extend(self.entries[k])
                m >>= 1
                k += 1
        return list(dict.fromkeys(out))


def t(x: Any) -> Any:
    """Known true (an unknown is not true)."""
    return x.fill_null(False)


def f(x: Any) -> Any:
    """Known false."""
    return (~x).fill_null(False)


def any_of(xs: list) -> Any:
    return pl.any_horizontal(xs) if xs else pl.lit(False)


@dataclass
class Outcome:
    """What the rules decide on a selecting date, per row (a `Day` of decide.py)."""

    status: Any
    value: Any
    currency: Any
    cites: Any
    rule: Any
    error: Any
    stages: list = field(default_factory=list)  # [{column: expr}], to add in order first
    shared: list = field(default_factory=list)  # [(column, expr)] after stages[0], in order
    nv: Any = None  # the first decision with no value the rules read (NoValue), or null

    def apply(self, frame: Any) -> Any:
        """`frame` with the intermediate columns the outcome's expressions read."""
        for k, stage in enumerate(self.stages):
            if stage:
                frame = frame.with_columns(**stage)
            if k == 0:
                for name, expr in self.shared:
                    frame = frame.with_columns(expr.alias(name))
        return frame


def param_env(rb: "Rulebook", d: Decision, day: Any) -> tuple[dict[str, Col], dict[str, Any],
                                                               dict[str, Any]]:
    """Each parameter `d` reads, as its value, currency and "no value" on `day`."""
    values: dict[str, Col] = {}
    currencies: dict[str, Any] = {}
    missing: dict[str, Any] = {}
    for name in d.params:
        p = rb.parameters[name]
        if p.fields is not None:  # a record: each field its own column, `name.field`
            for fname, ftype in p.fields.items():
                values[f"{name}.{fname}"] = _series(d, f"{name}.{fname}", ftype,
                                                    [(pv.start, pv.value.get(fname))
                                                     for pv in p.values], day)
        else:
            values[name] = _series(d, name, p.type, [(pv.start, pv.value) for pv in p.values],
                                   day)
        c: Any = pl.lit(None, dtype=pl.Utf8)
        for pv in p.values:  # the last value starting on or before the day (Parameter.at)
            c = pl.when(day >= pl.lit(pv.start)).then(pl.lit(pv.currency, dtype=pl.Utf8)) \
                .otherwise(c)
        currencies[name] = c if p.carries_currency else None
        missing[name] = day < pl.lit(p.values[0].start) if p.values else pl.lit(True)
    return values, currencies, missing


def _series(d: Decision, name: str, type_: str, values: list[tuple[Any, Any]], day: Any) -> Col:
    """A parameter's value in force on `day` (Parameter.at): the last starting on or
    before it, as a when-chain of its values."""
    kind = {"money": "dec", "decimal": "dec", "int": "dec", "date": "date",
            "bool": "bool"}.get(type_)
    if kind is None:
        raise PlanError(f"{d.id}: parameter {name} of type {type_} has no column form in the "
                        "batch yet")
    if type_ == "int" and all(type(v) is int for _, v in values):
        kind = "int"  # a whole number stays one (a count of years to add, say)
    types: dict[str, Any] = {"dec": DEC, "int": pl.Int64, "date": pl.Date, "bool": pl.Boolean}
    v: Any = pl.lit(None, dtype=types[kind])
    for start, value in values:
        lit = pl.lit(None, dtype=types[kind]) if value is None else \
            dec_lit(value) if kind == "dec" else pl.lit(value, dtype=types[kind])
        v = pl.when(day >= pl.lit(start)).then(lit).otherwise(v)
    return Col(v, kind)


def _compile(rule: Rule, what: str, tree: Any, env: Env, d: Decision) -> Col:
    try:
        return column(tree, env)
    except PlanError:
        raise
    except Unsupported as e:
        raise PlanError(f"{d.id}: rule {rule.id} ({rule.cite}), its {what}: {e} has no "
                        "column form in the batch yet") from None


def rules_on(rb: "Rulebook", d: Decision, day: Any, facts: dict[str, str],
             nullable: frozenset[str], specials: dict[str, Col], table: CiteTable,
             deps: dict[str, Dep] | None = None) -> Outcome:
    """The rules of `d` on the selecting date `day` (a date column), concluded:
    codegen's `_rules_on` + decide's `_conclude`, for every row at once."""
    pvals, pcur, pmissing = param_env(rb, d, day)
    cov = rb.coverage
    late = {n for n in d.params
            if rb.parameters[n].values and rb.parameters[n].values[0].start > cov.start}
    stages: list[dict[str, Any]] = [{}, {}, {}, {}]
    counter = [0]

    def mat(expr: Any, stage: int) -> Any:
        """Computed once as a column of its own: conditions reused in several places
        are not written out again (the expression would grow with every reuse)."""
        counter[0] += 1
        name = f"@{d.id}:{counter[0]}"
        stages[stage][name] = expr
        return pl.col(name)
    pvals = {k: Col(mat(v.e, 0), v.t) for k, v in pvals.items()}
    pcur = {k: (mat(v, 0) if v is not None else None) for k, v in pcur.items()}
    pmissing = {k: mat(v, 0) for k, v in pmissing.items()}
    shared: list[tuple[str, Any]] = []

    def share(expr: Any) -> Any:
        counter[0] += 1
        name = f"@{d.id}:{counter[0]}"
        shared.append((name, expr))
        return pl.col(name)
    env = Env(facts, nullable, pvals, {**specials, "applicable_date": Col(day, "date")},
              deps=deps or {}, series={n: rb.parameters[n] for n in d.series}, mat=share)
    nvs: list[Any] = []  # where the conditions read a decision with no value, in order
    calls: list[tuple[Rule, Any, Any, int]] = []  # a value's cite(): rule, version, flag, bit
    not_covered: list[Any] = []
    refused: list[tuple[Any, int]] = []
    unknown: list[Any] = []
    cands: list[tuple[Rule, Any, list[tuple[Any, Col, Any]]]] = []  # rule, flag, versions
    opens: list[tuple[Rule, Any]] = []
    adjusts: list[tuple[Rule, Any, list[tuple[Any, Any]]]] = []
    errors: list[Any] = []
    for r in d.rules:
        whole = len(r.versions) == 1 and r.versions[0].start <= cov.start \
            and r.versions[0].end >= cov.end
        sels = []
        r_ref, r_unk, r_cand, r_open, r_adj = [], [], [], [], []
        r_vals: list[tuple[Any, Col, Any]] = []
        r_adjv: list[tuple[Any, Any]] = []
        for v in r.versions:
            sel = pl.lit(True) if whole else (day >= pl.lit(v.start)) & (day <= pl.lit(v.end))
            sels.append(sel)
            if v.expr is None:
                continue
            g0 = len(env.guards)
            if v.when is not None:
                for p in v.when.params:
                    if p in late:
                        not_covered.append(sel & pmissing[p])
                wc = _compile(r, "when", v.when.tree, env, d)
                if wc.nv is not None:
                    nvs.append(pl.when(sel & ~any_of(not_covered)).then(wc.nv))
                w = mat(wc.e, 1)
                w_true, w_open = t(w), ~f(w)
            else:
                w_true = w_open = pl.lit(True)
            for p in v.expr.params:
                if p in late:
                    not_covered.append(sel & w_open & pmissing[p])
            live = sel & w_open
            if r.role in ("requires", "unless"):
                vc = _compile(r, r.role, v.expr.tree, env, d)
                if vc.nv is not None:
                    nvs.append(pl.when(live & ~any_of(not_covered)).then(vc.nv))
            if r.role == "requires":
                val = mat(vc.e, 1)
                ref = live & f(val) & w_true
                r_ref.append(ref)
                r_unk.append(live & ~t(val) & ~ref)
            elif r.role == "unless":
                val = mat(vc.e, 1)
                ref = live & t(val) & w_true
                r_ref.append(ref)
                r_unk.append(live & ~ref & ~f(val))
            elif r.role == "value":
                r_cand.append(sel & w_true)
                r_open.append(live & ~w_true)
                vc = _value_col(r, v, env, d)
                r_vals.append((sel, Col(mat(vc.e, 1), vc.t,
                                        nv=None if vc.nv is None else mat(vc.nv, 1)), v))
                k = r.versions.index(v)
                for tree in value_trees(v.expr):
                    for c, flag in cite_flags(tree, env):
                        calls.append((r, sel, flag, table.call(r, k, c)))
            elif r.role == "adjust":
                if KINDS[d.type].fields:
                    raise PlanError(f"{d.id}: rule {r.id} adjusts a record; that has no "
                                    "column form in the batch yet")
                r_adj.append(sel & w_true)
                r_unk.append(live & ~w_true)
                r_adjv.append((sel & w_true, v))
            else:
                raise PlanError(f"{d.id}: rule {r.id} has role {r.role}")
            errors.extend(live & g for g in env.guards[g0:])  # where it is evaluated
        if not whole:
            not_covered.append(~any_of(sels))
        if r_ref:
            refused.append((mat(any_of(r_ref), 2), table.rule(r)))
        if r_unk:
            unknown.append(mat(any_of(r_unk), 2))
        if r.role == "value":
            cands.append((r, mat(any_of(r_cand), 2), r_vals))
            if r_open:
                opens.append((r, mat(any_of(r_open), 2)))
        if r.role == "adjust":
            adjusts.append((r, any_of(r_adj), r_adjv))
    nc = mat(any_of(not_covered), 2)
    ref_any = mat(any_of([fl for fl, _ in refused]), 3)
    chosen = []
    for r, cand, _ in cands:
        over = [c2 for r2, c2, _ in cands if r.id in r2.overrides and r2 is not r]
        chosen.append(mat(cand & ~any_of(over), 3))
    stages.extend([{}, {}, {}])
    ids = {r.id: ch for (r, _, _), ch in zip(cands, chosen)}
    any_chosen = mat(any_of(chosen), 4)
    n_chosen = pl.sum_horizontal([c.cast(pl.Int32) for c in chosen]) if chosen else pl.lit(0)
    unknown2 = any_of(unknown + [o & (~any_chosen | any_of([ids[x] for x in r.overrides
                                                               if x in ids]))
                                 for r, o in opens])
    unknown2 = mat(unknown2, 5)
    any_open = mat(any_of([o for _, o in opens]), 4)
    value: Any = None
    rule_id = pl.lit(None, dtype=pl.Utf8)
    cur = pl.lit(None, dtype=pl.Utf8)
    kind = KINDS[d.type]
    # the chosen value is computed (CONCLUDE) only past the refusals and the unknowns,
    # with one rule chosen: there it may read a decision with no value
    computed = ~ref_any & ~(unknown2 & (any_chosen | any_open)) & any_chosen & (n_chosen == 1)
    value_nv: list[Any] = []
    for (r, _, vals), ch in zip(cands, chosen):
        for sel, col, v in vals:
            hit = ch & sel
            value = col.e if value is None else pl.when(hit).then(col.e).otherwise(value)
            rule_id = pl.when(hit).then(pl.lit(r.id)).otherwise(rule_id)
            if col.nv is not None:
                value_nv.append(pl.when(hit & computed).then(col.nv))
            if kind.money:
                cur = pl.when(hit).then(_currency(rb, d, v.expr, pcur, env, errors)) \
                    .otherwise(cur)
    if value is None:
        value = pl.lit(None)
    value_tag = _tag(d)
    # the adjustments, in their order: each reads the value so far as `value`
    adj_cites: list[tuple[Any, int]] = []
    adj_unknown: list[Any] = []
    for r, applies, vs in adjusts:
        before = value
        new = before
        for hit, v in vs:
            aenv = Env(env.facts, env.nullable, env.params,
                       {**env.specials, "value": Col(before, value_tag)}, env.guards,
                       env.deps, env.series)
            ac = _compile(r, "adjustment", v.expr.tree, aenv, d)
            if ac.nv is not None:
                value_nv.append(pl.when(hit & computed & before.is_not_null()).then(ac.nv))
            new = pl.when(hit).then(ac.e.cast(_dtype(value_tag))).otherwise(new)
            if kind.money:  # an adjustment reading another money parameter: one currency
                other = _currency(rb, d, v.expr, pcur, env, errors)
                errors.append(t(hit & other.is_not_null() & cur.is_not_null() & (other != cur)))
        adj_unknown.append(t(applies) & new.is_null())
        changed = t(applies) & (new != before).fill_null(False)
        adj_cites.append((changed, table.rule(r)))
        for hit, v in vs:
            aenv = Env(env.facts, env.nullable, env.params,
                       {**env.specials, "value": Col(before, value_tag)}, env.guards,
                       env.deps, env.series)
            k = r.versions.index(v)
            adj_cites.extend((changed & t(hit) & t(flag), table.call(r, k, c))
                             for c, flag in cite_flags(v.expr.tree, aenv))
        value = new
    if kind.money:
        cur = pl.when(cur.is_null()).then(pl.lit(d.currency, dtype=pl.Utf8)).otherwise(cur)
    chosen_of = {r.id: ch for (r, _, _), ch in zip(cands, chosen)}
    yes_cites = table.mask([(ch, table.rule(r)) for (r, _, _), ch in zip(cands, chosen)]
                             + [(chosen_of[r.id] & sel & t(flag), bit)
                                for r, sel, flag, bit in calls]
                             + adj_cites)
    if d.values:
        errors.append(t(~value.is_in(list(d.values))) & any_chosen)
    value = mat(value, 5)
    undet_value = mat(value.is_null() | any_of(adj_unknown), 6)
    status = (pl.when(nc).then(pl.lit("not_covered"))
              .when(ref_any).then(pl.lit(d.no))
              .when(unknown2 & (any_chosen | any_open)).then(pl.lit("undetermined"))
              .when(~any_chosen).then(pl.lit(d.no))
              .when(undet_value).then(pl.lit("undetermined"))
              .otherwise(pl.lit(d.yes)))
    none = table.none
    cites = (pl.when(nc).then(none)
             .when(ref_any).then(table.mask(refused))
             .when(unknown2 & (any_chosen | any_open)).then(none)
             .when(~any_chosen).then(table.lit("values"))
             .when(undet_value).then(none)
             .otherwise(yes_cites))
    errors.append(~nc & ~ref_any & ~(unknown2 & (any_chosen | any_open)) & (n_chosen > 1))
    pre = first_nv(*nvs)  # a NoValue in the conditions ends the decision before CONCLUDE
    error = any_of(errors) if pre is None else any_of(errors) & pre.is_null()
    nv = first_nv(pre, pl.when(~nc).then(first_nv(*value_nv)) if value_nv else None)
    return Outcome(status, value, cur if kind.money else pl.lit(None, dtype=pl.Utf8), cites,
                   rule_id, error, stages, shared, nv)


FIELD_TYPES: dict[str, Any] = {"money": DEC, "decimal": DEC, "int": pl.Int64,
                               "bool": pl.Boolean, "str": pl.Utf8, "date": pl.Date,
                               "list[int]": pl.List(pl.Int64)}
"""A record answer's field types as the fields of its struct column."""


def value_trees(expr: Any) -> list[Any]:
    """The trees a value evaluates, in order: its own, or a record's fields' (each item
    of a list field in turn), as Record.evaluate reads them."""
    if expr is None:
        return []
    tree = getattr(expr, "tree", None)
    if tree is not None:
        return [tree]
    out = []
    for _, e in getattr(expr, "fields", ()):
        for x in (e if isinstance(e, tuple) else (e,)):
            if x is not None:
                out.append(x.tree)
    return out


def record_dtype(d: Decision) -> Any:
    """The struct column of a record answer (a range, a period): a field per field."""
    k = KINDS[d.type]
    missing = [t for t in k.fields.values() if t not in FIELD_TYPES]
    if missing:
        raise PlanError(f"{d.id}: a {d.type} answer with a {missing[0]} field has no column "
                        "form in the batch yet")
    return pl.Struct({n: FIELD_TYPES[t] for n, t in k.fields.items()})


def _tag(d: Decision) -> str:
    k = KINDS[d.type]
    if k.fields:
        record_dtype(d)
        return "rec"
    return {"money": "dec", "decimal": "dec", "days": "int", "int": "int", "date": "date",
            "bool": "bool", "finding": "str"}[d.type]


def _dtype(tag: str) -> Any:
    return {"dec": DEC, "int": pl.Int64, "date": pl.Date, "bool": pl.Boolean,
            "str": pl.Utf8}[tag]


def _record_col(r: Rule, v: Any, env: Env, d: Decision) -> Col:
    """A record value (engine.expr.Record): a struct of its fields' columns, unknown
    where a field is (Record.evaluate), each field cast to its kind's type."""
    k = KINDS[d.type]
    fields: list[Any] = []
    unknown: list[Any] = []
    nvs: list[Any] = []
    for name, e in v.expr.fields:
        want = FIELD_TYPES[k.fields[name]]
        if e is None:
            if name not in k.nullable:
                raise PlanError(f"{d.id}: rule {r.id} gives no {name}, which a {d.type} "
                                "must have")
            fields.append(pl.lit(None, dtype=want).alias(name))
            continue
        if isinstance(e, tuple):
            items = [_compile(r, f"value's {name}", x.tree, env, d) for x in e]
            unknown.extend(c.e.is_null() for c in items)
            nvs.extend(c.nv for c in items)
            fields.append(pl.concat_list([c.e.cast(pl.Int64) for c in items]).alias(name))
            continue
        c = _compile(r, f"value's {name}", e.tree, env, d)
        unknown.append(c.e.is_null() & ~(c.absent if c.absent is not None else pl.lit(False)))
        nvs.append(c.nv)
        fields.append(c.e.cast(want).alias(name))
    struct = pl.when(any_of(unknown)).then(None).otherwise(pl.struct(fields))
    return Col(struct, "rec", nv=first_nv(*nvs))


def _value_col(r: Rule, v: Any, env: Env, d: Decision) -> Col:
    tag = _tag(d)  # a record kind's unknown field types are refused here
    if tag == "rec":
        return _record_col(r, v, env, d)
    col = _compile(r, "value", v.expr.tree, env, d)
    if tag == "dec" and col.t == "int":
        return Col(col.e.cast(DEC), "dec", nv=col.nv)
    return Col(col.e.cast(_dtype(tag)), tag, nv=col.nv)


def _currency(rb: "Rulebook", d: Decision, expr: Any, pcur: dict[str, Any], env: Env,
              errors: list[Any]) -> Any:
    """The currency a value computed by `expr` carries (decide._currency): that of the
    money parameters and money decisions it reads, which must agree (else the per-case
    path raises: an error row), or the decision's."""
    money = [pcur[p] for p in expr.params if pcur.get(p) is not None]
    money += [env.deps[i].currency for i in expr.decisions
              if i in env.deps and env.deps[i].currency is not None]
    if not money:
        return pl.lit(d.currency, dtype=pl.Utf8)
    for a, b in zip(money, money[1:]):
        errors.append(t(a.is_not_null() & b.is_not_null() & (a != b)))
    return pl.coalesce(money)


def round_money(rb: "Rulebook", value: Any) -> Any:
    """The rulebook's rounding (decide._round_money), exactly: its quantum and mode."""
    q, mode = rb.rounding.quantum, rb.rounding.mode
    places = -q.normalize().as_tuple().exponent  # type: ignore[operator]
    if mode not in ROUND_MODES or places < 0:
        raise PlanError(f"the rulebook rounds to {q} with {mode}; the batch rounds in "
                        f"{', '.join(ROUND_MODES)} to a quantum of 1 or less")
    return value.round(places, mode=ROUND_MODES[mode]).cast(pl.Decimal(38, places))


def in_coverage(rb: "Rulebook", day: Any) -> Any:
    return (day >= pl.lit(rb.coverage.start)) & (day <= pl.lit(rb.coverage.end))


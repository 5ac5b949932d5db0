"""A whole decision as columns: an event on its applicable date, or a sum over days.

Event decisions follow codegen's `_event` and decide's `_event_result`; summed ones
follow `_summed` and `_sum_result`: each day of the range is one row of an exploded
frame, decided by the same `rules_on`; runs of alike days are merged exactly as the
per-case loop merges them (same outcome and same one-day share), each run's share is
computed once from its length (never a sum of rounded day shares), and the total is
rounded once.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from engine.batch.columns import (DEC, OUTSIDE, STATED, Col, Dep, Env, Unsupported, column,
                                  first_nv, stated_facts)
from engine.batch.plan import (CiteTable, PlanError, _tag, f, in_coverage,
                               round_money, rules_on, t)
from engine.evaluate.decide import MAX_SUM_DAYS
from engine.kinds import KINDS, VALUED
from engine.model import Decision

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["event_columns", "sum_columns", "ROW", "ON", "PERIOD", "FROM"]

FROM = "@from"
"""Suffix of a decision's column naming the decision whose value it read and found none
(then its status is its `no_value` one and its citations are that decision's)."""

ROW, ON, PERIOD = "@row", "@on", "@period_start"


def _selector(d: Decision) -> Any:
    """The applicable date's expression (the loader gives it one version)."""
    expr = d.applicable_date.versions[0].expr
    assert expr is not None
    return expr.tree


def _env(facts: dict[str, str], nullable: frozenset[str], deps: dict[str, Dep] | None = None,
         **specials: Col) -> Env:
    return Env(facts, nullable, {}, {"on": Col(pl.col(ON), "date"),
                                    "period_start": Col(pl.col(PERIOD), "date"), **specials},
               deps=deps or {})


def deps_of(rb: "Rulebook", d: Decision) -> dict[str, Dep]:
    """The decisions `d` reads, as the columns decided before it: what the per-case loop
    puts in the facts (`_decide_all`): nothing while undetermined, the value when it
    has one, a mark that reading it raises NoValue otherwise."""
    out = {}
    for j in d.depends:
        dj = rb.decisions[j]
        st = pl.col(f"{j}.status")
        money = KINDS[dj.type].money
        tag = _tag(dj)
        value = pl.col(f"{j}.value")
        out[j] = Dep(value.cast(DEC) if tag == "dec" else value,
                     pl.when(st != "undetermined").then(st),
                     ~st.is_in(["undetermined", *sorted(VALUED)]), tag,
                     pl.col(f"{j}.currency") if money else None)
    return out


def _top(d: Decision, what: str, tree: Any, env: Env) -> Any:
    return _top_col(d, what, tree, env).e


def _top_col(d: Decision, what: str, tree: Any, env: Env) -> Col:
    try:
        return column(tree, env)
    except Unsupported as e:
        raise PlanError(f"{d.id}: its {what}: {e} has no column form in the batch yet") \
            from None


def _finish(rb: "Rulebook", d: Decision, status: Any, value: Any) -> Any:
    yes = status == pl.lit(d.yes)
    if KINDS[d.type].money and KINDS[d.type].fields:  # a range: its min and max rounded
        return pl.when(yes).then(value.struct.with_fields(
            [round_money(rb, pl.field(n)).alias(n)
             for n, t in KINDS[d.type].fields.items() if t == "money"]))
    if KINDS[d.type].money:
        return pl.when(yes).then(round_money(rb, value))
    return pl.when(yes).then(value)


def event_columns(rb: "Rulebook", d: Decision, frame: pl.LazyFrame, facts: dict[str, str],
                  nullable: frozenset[str]) -> pl.LazyFrame:
    """`frame` with `d`'s status, value, currency, citations and error columns."""
    deps = deps_of(rb, d)
    env = _env(facts, nullable, deps)
    a, day = f"@a:{d.id}", f"@d:{d.id}"
    ca = _top_col(d, "applies_if", d.applies_if.tree, env)
    cd = _top_col(d, "applicable date", _selector(d), env)
    frame = frame.with_columns(ca.e.alias(a), cd.e.alias(day))
    table = CiteTable(d)
    out = rules_on(rb, d, pl.col(day), facts, nullable, dict(env.specials), table, deps)
    frame = out.apply(frame)
    A, D = pl.col(a), pl.col(day)
    none = table.none
    gate = [(f(A), "not_applicable", none), (A.is_null(), "undetermined", none),
            (D.is_null(), "undetermined", table.lit("date")),
            (~in_coverage(rb, D), "not_covered", none)]
    status: Any = pl.when(gate[0][0]).then(pl.lit(gate[0][1]))
    cites: Any = pl.when(gate[0][0]).then(gate[0][2])
    for cond, s, c in gate[1:]:
        status = status.when(cond).then(pl.lit(s))
        cites = cites.when(cond).then(c)
    reached = t(A) & D.is_not_null() & in_coverage(rb, D)
    guarded = pl.any_horizontal(env.guards) if env.guards else pl.lit(False)
    nv = first_nv(ca.nv, None if cd.nv is None else pl.when(t(A)).then(cd.nv),
                  None if out.nv is None else pl.when(reached).then(out.nv))
    frame = frame.with_columns(status.otherwise(out.status).alias(f"{d.id}.status"),
                               pl.concat_list([cites.otherwise(out.cites)])
                               .alias(f"{d.id}.citations"),
                               out.value.alias(f"@v:{d.id}"), out.currency.alias(f"@c:{d.id}"),
                               ((reached & out.error) | guarded).alias(f"{d.id}.@error"))
    return _outputs(rb, d, _no_value(rb, d, frame, nv))


def _no_value(rb: "Rulebook", d: Decision, frame: pl.LazyFrame, nv: Any) -> pl.LazyFrame:
    """Where `d` read a decision with no value (`nv`: its id): `d`'s declared `no_value`
    status, or not_covered when that decision is (decide.no_value_result); no value;
    its citations are that decision's (put in when the citations are written out)."""
    if nv is None:
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(f"{d.id}.{FROM}"))
    frame = frame.with_columns(nv.alias(f"{d.id}.{FROM}"))
    src = pl.col(f"{d.id}.{FROM}")
    status: Any = pl.when(src == OUTSIDE).then(pl.lit("not_covered")) \
        .otherwise(pl.lit(d.no_value))
    for j in d.depends:
        status = pl.when((src == j) & (pl.col(f"{j}.status") == "not_covered")) \
            .then(pl.lit("not_covered")).otherwise(status)
    hit = src.is_not_null()
    return frame.with_columns(
        pl.when(hit).then(status).otherwise(pl.col(f"{d.id}.status")).alias(f"{d.id}.status"),
        pl.when(hit).then(None).otherwise(pl.col(f"@v:{d.id}")).alias(f"@v:{d.id}"),
        pl.when(hit).then(None).otherwise(pl.col(f"@c:{d.id}")).alias(f"@c:{d.id}"))


def _outputs(rb: "Rulebook", d: Decision, frame: pl.LazyFrame) -> pl.LazyFrame:
    st = pl.col(f"{d.id}.status")
    cols = [_finish(rb, d, st, pl.col(f"@v:{d.id}")).alias(f"{d.id}.value")]
    if KINDS[d.type].money:  # the result contract's amount and currency, beside the value
        if not KINDS[d.type].fields:  # (a range has no amount, as per case)
            cols.append(_finish(rb, d, st, pl.col(f"@v:{d.id}")).alias(f"{d.id}.amount"))
        cols.append(pl.when(st == pl.lit(d.yes)).then(pl.col(f"@c:{d.id}"))
                    .alias(f"{d.id}.currency"))
    return frame.with_columns(cols).drop(f"@v:{d.id}", f"@c:{d.id}", f"@a:{d.id}",
                                         f"@d:{d.id}", strict=False)


def sum_columns(rb: "Rulebook", d: Decision, frame: pl.LazyFrame, facts: dict[str, str],
                nullable: frozenset[str]) -> pl.LazyFrame:
    """`frame` with the columns of a decision summed over a range of days."""
    spec = d.sum
    assert spec is not None
    deps = deps_of(rb, d)
    env = _env(facts, nullable, deps)
    a, s, e = f"@a:{d.id}", f"@s:{d.id}", f"@e:{d.id}"
    ca = _top_col(d, "applies_if", d.applies_if.tree, env)
    cs = _top_col(d, "range start", spec.start.tree, env)
    ce = _top_col(d, "range end", spec.end.tree, env)
    frame = frame.with_columns(ca.e.alias(a), cs.e.alias(s), ce.e.alias(e))
    frame = frame.collect(engine="in-memory").lazy()  # read by every part of the days below
    A, S, E = pl.col(a), pl.col(s), pl.col(e)
    # the days: the range, or (end unknown) the first day only, to name what it needs
    go = t(A) & S.is_not_null() & (E.is_null() | (E >= S))
    last = pl.when(E.is_null()).then(S).otherwise(E)
    too_long = t(A) & S.is_not_null() & E.is_not_null() & \
        ((E - S).dt.total_days() + 1 > MAX_SUM_DAYS)
    carry = [pl.col(c) for c in sorted(_reads(d) | {ON, PERIOD} | _dep_columns(rb, d)
                                       | {STATED + x for x in stated_facts(_trees(d))})]
    todo = frame.filter(go & ~too_long).select(ROW, S, last.alias("@last"), *carry) \
        .collect(engine="in-memory").lazy()
    firsts = _firsts(rb, d, todo, S, pl.col("@last"), env)
    days = firsts.join(todo.drop(s), on=ROW, how="left", maintain_order="left")
    # each segment runs to the day before the next one starts (or to the range's end)
    same_row = pl.col(ROW).shift(-1) == pl.col(ROW)
    days = days.with_columns(pl.when(same_row).then(pl.col("@day").shift(-1)
                                                    - pl.duration(days=1))
                             .otherwise(pl.col("@last")).alias("@end"))
    denv = _env(facts, nullable, deps, day=Col(pl.col("@day"), "date"))
    sel = "@sel"
    csel = _top_col(d, "applicable date", _selector(d), denv)
    days = days.with_columns(csel.e.alias(sel))
    table = CiteTable(d)
    out = rules_on(rb, d, pl.col(sel), facts, nullable, dict(denv.specials), table, deps)
    days = out.apply(days)
    SEL = pl.col(sel)
    dstatus = (pl.when(SEL.is_null()).then(pl.lit("undetermined"))
               .when(~in_coverage(rb, SEL)).then(pl.lit("not_covered"))
               .otherwise(out.status))
    dcites = (pl.when(SEL.is_null()).then(table.lit("date"))
              .when(~in_coverage(rb, SEL)).then(table.none).otherwise(out.cites))
    reached = SEL.is_not_null() & in_coverage(rb, SEL)
    days = days.with_columns(dstatus.alias("@st"), dcites.alias("@ci"),
                             pl.when(reached & (out.status == pl.lit(d.yes))).then(out.value)
                             .alias("@val"),
                             pl.when(reached).then(out.currency).alias("@cur"),
                             pl.when(reached).then(out.rule).alias("@rule"),
                             (reached & out.error).alias("@err"),
                             _as_utf8(first_nv(csel.nv, None if out.nv is None else
                                               pl.when(reached).then(out.nv))).alias("@nv"))
    yes = pl.col("@st") == pl.lit(d.yes)
    share1 = pl.when(yes).then(_share(d, spec, pl.col("@val"), pl.lit(1, dtype=pl.Int64),
                                      pl.col("@day"), facts, nullable))
    days = days.with_columns(share1.alias("@share1"))
    # a new run where the row changes or the day's outcome or one-day share differs
    # from the previous day's (decide._sum_result merges alike segments the same way)
    new = pl.any_horizontal([pl.col(c).ne_missing(pl.col(c).shift(1)) for c in
                             (ROW, "@st", "@val", "@cur", "@rule", "@share1", "@ci")])
    days = days.with_columns(new.fill_null(True).cum_sum().alias("@run"))
    runs = days.group_by([ROW, "@run"], maintain_order=True).agg(
        pl.col("@st").first(), pl.col("@val").first(), pl.col("@cur").first(),
        pl.col("@ci").first(), pl.col("@day").first(),
        ((pl.col("@end") - pl.col("@day")).dt.total_days() + 1).sum().alias("@n"),
        pl.col("@err").any(), pl.col("@nv").drop_nulls().first(),
        *[pl.col(c).first()
          for c in sorted(set(spec.each.facts if spec.each else ()) | {ON, PERIOD})])
    runs = runs.with_columns(pl.when(pl.col("@st") == pl.lit(d.yes)).then(
        _share(d, spec, pl.col("@val"), pl.col("@n").cast(pl.Int64), pl.col("@day"), facts,
               nullable)).alias("@part"))
    st = pl.col("@st")

    def cites_of(status: str) -> Any:
        return pl.col("@ci").filter(st == status).unique(maintain_order=True)
    per_row = runs.group_by(ROW, maintain_order=True).agg(
        (st == "undetermined").any().alias("@u"), (st == "not_covered").any().alias("@nc"),
        (st == d.yes).any().alias("@y"), (st == d.no).any().alias("@no"),
        pl.col("@part").filter(st == d.yes).sum().alias("@total"),
        pl.col("@cur").filter(st == d.yes).n_unique().alias("@ncur"),
        pl.col("@cur").filter(st == d.yes).first().alias("@cur"),
        cites_of(d.yes).alias("@cy"), cites_of(d.no).alias("@cn"),
        cites_of("undetermined").alias("@cu"), cites_of("not_covered").alias("@cc"),
        pl.col("@err").any().alias("@err"), pl.col("@nv").drop_nulls().first().alias("@nv"),
        (pl.col("@st").first() == "not_covered").alias("@first_nc"))
    per_row = per_row.with_columns(
        pl.concat_list(["@cy", "@cn"]).alias("@cy"))
    frame = frame.join(per_row, on=ROW, how="left", maintain_order="left")
    U, NC, Y, NO = (pl.col(c).fill_null(False) for c in ("@u", "@nc", "@y", "@no"))
    empty = t(A) & S.is_not_null() & E.is_not_null() & (E < S)
    end_unknown = t(A) & S.is_not_null() & E.is_null()
    zero_status = d.yes if spec.empty_cite else d.no
    zero_cites = pl.concat_list([table.lit("empty" if spec.empty_cite else "sum")])
    ONE = pl.concat_list([table.none])
    branches = [
        (f(A), "not_applicable", ONE), (A.is_null(), "undetermined", ONE),
        (S.is_null(), "undetermined", pl.concat_list([table.lit("sum")])),
        (end_unknown & t(pl.col("@first_nc")), "not_covered", ONE),
        (end_unknown, "undetermined", pl.concat_list([table.lit("sum")])),
        (empty, zero_status, zero_cites),
        (U, "undetermined", pl.col("@cu")), (NC, "not_covered", pl.col("@cc")),
        (Y, d.yes, pl.col("@cy")), (NO, d.no, pl.col("@cn"))]
    status: Any = pl.when(branches[0][0]).then(pl.lit(branches[0][1]))
    cites: Any = pl.when(branches[0][0]).then(branches[0][2])
    for cond, s_, c in branches[1:]:
        status = status.when(cond).then(pl.lit(s_))
        cites = cites.when(cond).then(c)
    zero_cur = (d.currency or rb.meta.get("currency")) if KINDS[d.type].money else None
    value = pl.when(empty).then(pl.lit(0).cast(DEC)).otherwise(pl.col("@total"))
    cur = pl.when(empty).then(pl.lit(zero_cur, dtype=pl.Utf8)).otherwise(pl.col("@cur"))
    frame = frame.with_columns(
        status.otherwise(pl.lit("not_applicable")).alias(f"{d.id}.status"),
        cites.otherwise(ONE).alias(f"{d.id}.citations"),
        value.alias(f"@v:{d.id}"), cur.alias(f"@c:{d.id}"),
        (too_long | (Y & ~U & ~NC & (pl.col("@ncur") > 1)) | pl.col("@err").fill_null(False))
        .alias(f"{d.id}.@error"))
    A0 = t(A) & S.is_not_null()
    nv = first_nv(ca.nv, None if cs.nv is None else pl.when(t(A)).then(cs.nv),
                  None if ce.nv is None else pl.when(A0).then(ce.nv),
                  pl.when(A0 & ~too_long).then(pl.col("@nv")))
    frame = _no_value(rb, d, frame, nv)
    frame = frame.drop("@u", "@nc", "@y", "@no", "@total", "@ncur", "@cur", "@cy", "@cn",
                       "@cu", "@cc", "@err", "@nv", "@first_nc", a, s, e)
    return _outputs(rb, d, frame)


def _as_utf8(nv: Any) -> Any:
    return pl.lit(None, dtype=pl.Utf8) if nv is None else nv.cast(pl.Utf8)


def _dep_columns(rb: "Rulebook", d: Decision) -> set[str]:
    """The columns of the decisions `d` reads, carried to its days."""
    out = set()
    for j in d.depends:
        out |= {f"{j}.status", f"{j}.value"}
        if KINDS[rb.decisions[j].type].money:
            out.add(f"{j}.currency")
    return out


def _share(d: Decision, spec: Any, value: Any, n: Any, first: Any, facts: dict[str, str],
           nullable: frozenset[str]) -> Any:
    """The share of `n` alike days from `first` (decide._share)."""
    if spec.each is None:
        return value * n.cast(DEC)
    tag = {"money": "dec", "decimal": "dec"}.get(d.type, "int")
    env = _env(facts, nullable, value=Col(value, tag), days=Col(n, "int"),
               day=Col(first, "date"))
    return _top(d, "share of the days", spec.each.tree, env).cast(DEC)


def _trees(d: Decision) -> list[Any]:
    """Every expression tree of `d` (its rules' versions, its sum)."""
    exprs: list[Any] = [d.applies_if]
    for r in (d.applicable_date, *d.rules):
        for v in r.versions:
            exprs.extend((v.expr, v.when))
    if d.sum is not None:
        exprs.extend((d.sum.start, d.sum.end, d.sum.each, d.sum.empty_date))
    return [e.tree for e in exprs if getattr(e, "tree", None) is not None]


def _reads(d: Decision) -> set[str]:
    """The facts any expression of `d` reads: what its days carry."""
    out: set[str] = set(d.applies_if.facts)
    for r in (d.applicable_date, *d.rules):
        for v in r.versions:
            for e in (v.expr, v.when):
                if e is not None:
                    out.update(e.facts)
    if d.sum is not None:
        for e in (d.sum.start, d.sum.end, d.sum.each, d.sum.empty_date):
            if e is not None:
                out.update(e.facts)
    return out


def _firsts(rb: "Rulebook", d: Decision, frame: pl.LazyFrame, start: Any, end: Any,
            env: Env) -> pl.LazyFrame:
    """The first day of every segment of start..end, one row each, sorted by row and
    day: where an outcome may change (engine.compile.segments.cut_points, the same plan).
    Without a plan, every day."""
    from engine.evaluate.decide import _version_dates
    plan = d.sum.plan if d.sum is not None else None
    if plan is None:
        return frame.select(pl.col(ROW), pl.date_ranges(start, end).alias("@day")) \
            .explode("@day")
    one = pl.duration(days=1)
    marks = [f"@mark{k}" for k in range(len(plan.landmarks))]
    frame = frame.with_columns([_top(d, "segment landmark", tree, env).alias(m)
                                for tree, m in zip(plan.landmarks, marks)]) \
        .collect(engine="in-memory").lazy()
    parts = [frame.select(pl.col(ROW), start.cast(pl.Date).alias("@day"))]
    for m in marks:
        v = pl.col(m)
        for point, inside in ((v, (start < v) & (v <= end)), (v + one, (start <= v) & (v < end))):
            parts.append(frame.filter(inside.fill_null(False))
                         .select(pl.col(ROW), point.cast(pl.Date).alias("@day")))
    if plan.dated:
        for x in _version_dates(rb, d):
            x_ = pl.lit(x)
            parts.append(frame.filter((start < x_) & (x_ <= end))
                         .select(pl.col(ROW), x_.alias("@day")))
    if plan.monthly:  # the month starts after the start's month, up to the end
        parts.append(frame.select(pl.col(ROW), pl.date_ranges(start.dt.month_start(), end,
                                                              interval="1mo").list.slice(1)
                                  .alias("@day")).explode("@day").drop_nulls())
    return pl.concat(parts).unique().sort(ROW, "@day")

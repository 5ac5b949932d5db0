"""One semantics: the batch's columns give exactly `Rulebook.evaluate`'s answers.

Generated populations of the LT rulebook (every decision, lump sums and the monthly
benefits) are decided both ways, row by row: status, value, amount, currency, citations.
The Polars Decimal pitfall (a division keeping the left scale, half-to-even rounding) is
pinned by a case whose per-case answer is 73.125 → 73.13.
"""
from __future__ import annotations

import datetime as _dt

import pytest

pl = pytest.importorskip("polars")
from hypothesis import given, settings, strategies as st  # noqa: E402

import engine  # noqa: E402
from engine.batch.compile import compile_plan  # noqa: E402
from engine.batch.io import row_facts  # noqa: E402

LT = "rules/lt/benefits-for-children"


@pytest.fixture(scope="module")
def lt():
    rb = engine.load(LT)
    return rb, compile_plan(rb)


def _frame(rows: list[dict]) -> "pl.DataFrame":
    cols = sorted({k for r in rows for k in r})
    return pl.DataFrame({c: pl.Series(c, [r.get(c) for r in rows], dtype=pl.Utf8) for c in cols})


def _agree(rb, plan, rows: list[dict]) -> None:
    out, errors = plan.run(_frame(rows))
    assert not errors
    for raw, got in zip(rows, out.iter_rows(named=True)):
        facts = row_facts(rb.facts, raw)
        res = rb.evaluate(facts, on=raw["on"], period=raw.get("period"))
        for i in rb.decisions:
            a = res[i]
            want = (a.status, a.value, a.currency, tuple(a.citations))
            have = (got[f"{i}.status"], got[f"{i}.value"], got.get(f"{i}.currency"),
                    tuple(got[f"{i}.citations"] or ()))
            assert have == want, (raw, i)
            assert got.get(f"{i}.amount") == a.amount, (raw, i)


DAY = st.dates(_dt.date(2006, 1, 1), _dt.date(2019, 6, 30))
MAYBE = lambda s: st.one_of(st.none(), s)  # noqa: E731
FLAG = MAYBE(st.sampled_from(["true", "false"]))


@st.composite
def lt_case(draw):
    on = draw(st.dates(_dt.date(2007, 6, 1), _dt.date(2018, 6, 30)))
    r = {"on": on.isoformat(),
         "period": draw(MAYBE(st.dates(_dt.date(2007, 12, 1), _dt.date(2018, 2, 1))
                              .map(lambda d: d.isoformat()[:7]))),
         "child.birth_date": draw(MAYBE(DAY.map(str))),
         "child.adoption_date": draw(MAYBE(DAY.map(str))),
         "application.date": draw(MAYBE(DAY.map(str))),
         "household.income_per_person": draw(MAYBE(st.decimals(0, 400, places=2).map(str))),
         "household.children_raised": draw(MAYBE(st.integers(0, 5).map(str))),
         "guardianship.type": draw(MAYBE(st.sampled_from(
             ["none", "family", "social_family", "care_establishment"]))),
         "guardianship.start_date": draw(MAYBE(DAY.map(str))),
         "guardianship.end_date": draw(MAYBE(DAY.map(str))),
         "guardianship.end_reason": draw(MAYBE(st.sampled_from(
             ["majority", "emancipation", "marriage", "other"]))),
         "military_service.start_date": draw(MAYBE(DAY.map(str))),
         "military_service.end_date": draw(MAYBE(DAY.map(str))),
         "pregnancy.expected_birth_date": draw(MAYBE(DAY.map(str))),
         "child.studies": draw(MAYBE(st.sampled_from(
             ["none", "general", "vocational_first", "vocational", "higher_full_time"])))}
    for name in ("child.stillborn", "child.maintained_by_state_institution", "child.detained",
                 "child.emancipated", "child.both_parents_deceased", "application.by_guardian",
                 "parent.permanent_resident", "child.permanent_resident",
                 "pregnancy.entitled_to_maternity_allowance"):
        r[name] = draw(FLAG)
    return r


@settings(deadline=None)
@given(st.lists(lt_case(), min_size=1, max_size=40))
def test_lt_population_matches_per_case(lt, rows):
    rb, plan = lt
    _agree(rb, plan, rows)


def test_lt_shipped_cases_match_per_case(lt):
    import json
    rb, plan = lt
    rows = []
    for line in open(f"{LT}/examples/cases.jsonl"):
        c = json.loads(line)
        flat = {"on": c["on"], "period": c.get("period")}
        for g, fs in c["facts"].items():
            for k, v in fs.items():
                flat[f"{g}.{k}"] = str(v).lower() if isinstance(v, bool) else str(v)
        rows.append(flat)
    _agree(rb, plan, rows)


def test_proration_is_exact_and_rounds_half_up(lt):
    """0.75 × 130 LTL = 97.50 for 21 of February 2010's 28 days: 73.125 → 73.13. A batch
    dividing at the left operand's scale gives 73.12; rounding half-to-even, 73.12."""
    rb, plan = lt
    row = {"on": "2010-03-01", "period": "2010-02", "child.birth_date": "2010-02-08",
           "household.income_per_person": "100"}
    per_case = rb.evaluate({k: v for k, v in row.items() if "." in k}, on="2010-03-01",
                           period="2010-02")["child_benefit"]
    assert per_case.value == _dec("73.13")
    out, _ = plan.run(_frame([row]))
    assert out["child_benefit.value"][0] == _dec("73.13")


def _dec(s: str):
    from decimal import Decimal
    return Decimal(s)


SICK = "rules/ru/sick-leave"
SICK_DECISIONS = ("benefit_percentage", "employer_days")  # those with a column form yet


@pytest.fixture(scope="module")
def sick():
    rb = engine.load(SICK)
    return rb, compile_plan(rb, SICK_DECISIONS)


@st.composite
def sick_case(draw):
    start = draw(st.dates(_dt.date(2020, 6, 1), _dt.date(2027, 3, 31)))
    end = start + _dt.timedelta(days=draw(st.integers(-3, 40)))
    return {"on": (end + _dt.timedelta(days=draw(st.integers(0, 30)))).isoformat(),
            "illness.start_date": draw(MAYBE(st.just(start.isoformat()))),
            "illness.end_date": draw(MAYBE(st.just(end.isoformat()))),
            "insurance_record.years": draw(MAYBE(st.integers(0, 12).map(str))),
            "insurance_record.months": draw(MAYBE(st.integers(0, 13).map(str)))}


@settings(deadline=None)
@given(st.lists(sick_case(), min_size=1, max_size=30))
def test_sick_leave_population_matches_per_case(sick, rows):
    """The RU decisions that compile: answers equal, and a case the per-case path refuses
    (a broken constraint: an illness ending before it starts, 12 months of record) is a
    reported row of the batch, never an answer."""
    rb, plan = sick
    out, errors = plan.run(_frame(rows))
    refused = {e.row for e in errors}
    for n, (raw, got) in enumerate(zip(rows, out.iter_rows(named=True)), 1):
        try:
            res = rb.evaluate(row_facts(rb.facts, raw), on=raw["on"],
                              decisions=SICK_DECISIONS)
        except engine.ErrorList:
            assert n in refused, raw
            continue
        assert n not in refused, raw
        for i in SICK_DECISIONS:
            a = res[i]
            assert (got[f"{i}.status"], got[f"{i}.value"], tuple(got[f"{i}.citations"])) == \
                (a.status, a.value, tuple(a.citations)), (raw, i)

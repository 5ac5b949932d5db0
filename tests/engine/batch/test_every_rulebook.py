"""Every shipped rulebook, generated populations: the batch answers as `Rulebook.evaluate`.

For each rulebook under rules/, the decisions with a column form are compiled into one
plan and run on a generated population (tests/engine/batch/populations.py: built from
the rulebook's vocabulary, its dates and its shipped examples, perturbed); every row is
then decided per case. A row the per-case path refuses (a broken constraint, an
evaluation error) must be a reported row of the batch with no answers; every other row
must have the same status, value, amount, currency and citations for every decision.
Which decisions compile is pinned too, so a regression (or progress) shows.
"""
from __future__ import annotations

import glob
import os

import pytest

pl = pytest.importorskip("polars")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import engine  # noqa: E402
from engine.batch.compile import PlanError, compile_plan  # noqa: E402
from engine.batch.io import row_facts  # noqa: E402
from tests.engine.batch.populations import population  # noqa: E402

ROOTS = sorted(os.path.dirname(p) for p in glob.glob("rules/*/*/rulebook.yaml"))

COMPILES = {
    "rules/lt/benefits-for-children": {
        "lump_sum_child_benefit", "lump_sum_settlement_benefit", "pregnant_woman_benefit",
        "child_benefit", "serviceman_child_benefit", "guardianship_benefit",
        "targeted_guardianship_supplement"},
    "rules/ru/annual-leave": {
        "annual_leave_days", "first_leave_available_from", "leave_split", "leave_not_granted",
        "compensation_allowed_days", "vacation_pay_deadline", "vacation_pay_timely",
        "late_payment_interest", "administrative_fine"},
    "rules/ru/hr-retention": {"retention_period", "destroy_not_before", "retention_status"},
    "rules/ru/sick-leave": {
        "snils_valid", "benefit_percentage", "average_daily_earnings", "daily_benefit",
        "employer_days", "fund_days", "sick_pay_total", "employer_part", "fund_part"},
}
"""The decisions of each shipped rulebook the batch compiles today (the others are
refused at compile time, naming the construct)."""


def compilable(rb) -> tuple[str, ...]:
    out = []
    for i in rb.decisions:
        try:
            compile_plan(rb, [i])
        except PlanError:
            continue
        out.append(i)
    return tuple(out)


_PLANS: dict[str, tuple] = {}


def _plan(root: str):
    if root not in _PLANS:
        rb = engine.load(root)
        ids = compilable(rb)
        _PLANS[root] = (rb, ids, compile_plan(rb, ids) if ids else None)
    return _PLANS[root]


def _frame(rows: list[dict]) -> "pl.DataFrame":
    cols = sorted({k for r in rows for k in r})
    return pl.DataFrame({c: pl.Series(c, [r.get(c) for r in rows], dtype=pl.Utf8)
                         for c in cols})


def agree(rb, plan, ids, rows: list[dict]) -> int:
    """Hold the batch's answers on `rows` to the per-case path's; returns how many rows
    were answered (not refused) both ways."""
    out, errors = plan.run(_frame(rows))
    refused = {e.row for e in errors}
    answered = 0
    for n, (raw, got) in enumerate(zip(rows, out.iter_rows(named=True)), 1):
        try:
            res = rb.evaluate(row_facts(rb.facts, raw), on=raw["on"],
                              period=raw.get("period"), decisions=ids)
        except engine.StatuteError:
            assert n in refused, (raw, [str(e) for e in errors if e.row == n])
            continue
        assert n not in refused, (raw, [str(e) for e in errors if e.row == n])
        answered += 1
        for i in ids:
            a = res[i]
            want = (a.status, a.value, a.currency, tuple(a.citations), a.amount)
            have = (got[f"{i}.status"], _record(got[f"{i}.value"]), got.get(f"{i}.currency"),
                    tuple(got[f"{i}.citations"] or ()), got.get(f"{i}.amount"))
            assert have == want, (raw, i)
    return answered


def _record(v):
    """A struct value as the per-case path gives a record: its list fields as tuples."""
    if isinstance(v, dict):
        return {k: tuple(x) if isinstance(x, list) else x for k, x in v.items()}
    return v


def test_which_decisions_compile():
    assert {root: set(compilable(engine.load(root))) for root in ROOTS} == COMPILES


def test_every_shipped_decision_compiles():
    for root in ROOTS:
        assert COMPILES[root] == set(engine.load(root).decisions), root


def test_a_refused_decision_names_its_construct():
    """What has no column form yet (in the engine's own fixtures) is refused at compile
    time, naming the decision and the construct."""
    rb = engine.load("tests/fixtures/rulebooks/good/kinds")
    with pytest.raises(PlanError, match="overtime_ratio.*ROUND_DOWN.*yet"):
        compile_plan(rb, ["overtime_ratio"])


@pytest.mark.parametrize("root", ROOTS)
def test_shipped_examples_match_per_case(root):
    from tests.engine.batch.populations import examples
    rb, ids, plan = _plan(root)
    if plan is None:
        pytest.skip("no decision of this rulebook compiles yet")
    rows = [{k: v for k, v in r.items() if not isinstance(v, list)} for r in examples(root)]
    agree(rb, plan, ids, rows)


def _agrees_on_populations(root: str, size: int) -> None:
    """Generated populations of `root` (up to `size` rows, as many draws) decided alike."""
    rb, ids, plan = _plan(root)
    if plan is None:
        pytest.skip("no decision of this rulebook compiles yet")

    @settings(deadline=None, max_examples=min(settings().max_examples, size))
    @given(population(rb, root, max_size=size), st.just(None))
    def check(rows, _):
        agree(rb, plan, ids, [{k: v for k, v in r.items() if not isinstance(v, list)}
                              for r in rows])
    check()


@pytest.mark.parametrize("root", ROOTS)
def test_generated_population_matches_per_case(root):
    _agrees_on_populations(root, 25)


def test_snils_forms_and_check_numbers_match_per_case():
    """matches() templates as columns: both written forms, a wrong form, a wrong check
    number, the unchecked low serials; and fund_days, which reads employer_days."""
    rb, ids, plan = _plan("rules/ru/sick-leave")
    base = {"on": "2024-03-01", "illness.start_date": "2024-02-01",
            "illness.end_date": "2024-02-10", "insurance_record.years": "6"}
    rows = [{**base, "employee.snils": s} for s in (
        "11223344595", "112-233-445 95", "112-233-445 96", "112233445 95", "1122334459",
        "001-001-998 00", "abc", "112-233-445-95")]
    rows.append({**base, "illness.end_date": None})
    rows += [{**base, "earnings.year_minus_2": "500000", "earnings.year_minus_1": "3000000"},
             {**base, "earnings.year_minus_2": "0", "earnings.year_minus_1": "0"},
             {**base, "on": "2010-02-01", "illness.start_date": "2010-01-01",
              "illness.end_date": "2010-01-05"}]
    assert agree(rb, plan, ids, rows) == len(rows)
    out, _ = plan.run(_frame(rows))
    assert len(set(out["snils_valid.value"].to_list())) > 1


FIXTURES = sorted(os.path.dirname(p) for p in
                  glob.glob("tests/fixtures/rulebooks/good/*/rulebook.yaml"))


@pytest.mark.parametrize("root", FIXTURES)
def test_fixture_rulebooks_match_per_case(root):
    """The synthetic rulebooks of the engine's own tests (every kind of answer, decisions
    reading decisions, sums by day): what compiles agrees with the per-case path too."""
    _agrees_on_populations(root, 20)


def test_reading_a_decision_with_no_value_takes_the_declared_status():
    """hazard_allowance's value reads weekly_wage; where weekly_wage is not applicable the
    walker raises NoValue and hazard_allowance takes its `no_value` status (per case and
    here), where weekly_wage is undetermined hazard_allowance is too."""
    root = "tests/fixtures/rulebooks/good/kinds"
    rb, ids, plan = _plan(root)
    rows = [{"on": "2020-01-01", "job.hazard": "high"},
            {"on": "2020-01-01", "job.hazard": "none"},
            {"on": "2020-01-01", "job.hazard": "high", "worker.apprentice": "true"}]
    assert agree(rb, plan, ids, rows) == 3
    out, _ = plan.run(_frame(rows))
    assert out["hazard_allowance.status"][0] == rb.decisions["hazard_allowance"].no_value


def test_list_facts_and_stated_match_per_case():
    """A list fact as a JSON array in a text cell (as JSONL gives it) or a Parquet list
    column: count, sum, min and max of it; bad lists are row errors both ways; stated()
    tells a fact the case wrote from its default."""
    rb, ids, plan = _plan("rules/ru/annual-leave")
    base = {"on": "2024-09-01", "employee.birth_date": "1988-11-02",
            "employment.start_date": "2020-03-02", "leave.additional_other_days": "3"}
    parts = ["[7, 7, 7, 7, 3]", "[14, 14]", "[]", "[28]", "[7, 0]", "[7, -1]", "abc",
             "[1.5]", " [ 20 ,8 ] ", "[" + ", ".join(["1"] * 61) + "]"]
    rows = [{**base, "leave.parts": p} for p in parts]
    rows += [{**base, "leave.additional_other_days": "0"}, {**base, "employment.kind": "standard"}]
    assert agree(rb, plan, ids, rows) >= 6
    out, errors = plan.run(_frame(rows))
    assert {e.row for e in errors if e.column == "leave.parts"} >= {6, 7, 8, 10}
    typed = pl.DataFrame({"on": ["2024-09-01"] * 2, "employee.birth_date": ["1988-11-02"] * 2,
                          "leave.parts": pl.Series([[7, 7, 7, 7, 3], [14, 14]],
                                                   dtype=pl.List(pl.Int64))})
    listed, errs = plan.run(typed)
    assert not errs
    text, _ = plan.run(_frame([{k: typed[k][n] if k != "leave.parts" else str(
        typed[k][n].to_list()) for k in typed.columns} for n in range(2)]))
    assert listed.drop("row").equals(text.drop("row"))

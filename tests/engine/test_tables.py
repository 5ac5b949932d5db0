"""Decision tables (tests/fixtures/rulebooks/good/table, an invented File Keeping Act):
one row per value of an enum fact, each with its citation; checked at load (one row per
value, every value has a row), traced as the row that matched."""
from __future__ import annotations

from pathlib import Path

import pytest

import engine

TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good" / "table"
RB = engine.load(TABLE)


@pytest.mark.parametrize("kind, period, destroy, cite", [
    # § 1(1): orders 50 years, EPK; counted from 1 January after the year of closing:
    # closed 2019-05-03 -> 1 January 2020 + 50 years = 2070-01-01
    ("orders", {"years": 50, "kind": "years", "epk": True}, "2070-01-01", "§ 1(1)"),
    # § 1(2): contracts are kept permanently: no destruction date, not applicable
    ("contracts", {"years": None, "kind": "permanent", "epk": False}, None, "§ 1(2)"),
    # § 1(3): cards 75 years: 2020 + 75 = 2095-01-01
    ("cards", {"years": 75, "kind": "years", "epk": False}, "2095-01-01", "§ 1(3)"),
    ("notes", {"years": None, "kind": "until_replaced", "epk": False}, None, "§ 1(4)"),
])
def test_each_row_gives_its_period_and_date_citing_itself(kind, period, destroy, cite):
    r = RB.evaluate({"file": {"kind": kind, "closed_on": "2019-05-03"}}, on="2021-01-01")
    p, d = r["retention_period"].as_dict(), r["destroy_not_before"].as_dict()
    assert (p["status"], p["value"], p["citations"]) == ("determined", period, [cite])
    assert d["value"] == destroy and d["citations"] == [cite]
    assert d["status"] == ("determined" if destroy else "not_applicable")


def test_the_trace_shows_the_row_that_matched_and_no_other():
    r = RB.evaluate({"file": {"kind": "cards", "closed_on": "2019-05-03"}}, on="2021-01-01",
                    trace=True)["retention_period"]
    rows = [s.rule for s in r.trace if s.rule and s.rule.startswith("file_list")]
    assert rows == ["file_list[cards].retention_period"]


def test_a_missing_key_or_cell_fact_is_undetermined_naming_it():
    r = RB.evaluate({"file": {"kind": "orders"}}, on="2021-01-01")
    assert r["retention_period"].status == "determined"
    assert (r["destroy_not_before"].status, r["destroy_not_before"].missing_facts) == (
        "undetermined", ("file.closed_on",))

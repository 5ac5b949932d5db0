"""Record-valued parameters: one dated value holding several fields (a fine's bounds for
each kind of offender), read field by field as `param.field`, traced whole with its date,
source and confidence, and shown field by field in the timeline and diff.

The rulebook is tests/fixtures/rulebooks/good/records, an invented Safety Fines Act: the
bounds for officials, entrepreneurs and companies and whether a warning may be given,
as enacted (2020) and as amended from 2022-01-01 (officials and companies raised, the
warning abolished; entrepreneurs unchanged).
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.amend.history import diff, timeline
from engine.render.text import render_text

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "records"
RB = engine.load(RECORDS)


def fine(kind: str, day: str, trace: bool = False) -> engine.DecisionResult:
    facts = {"violation": {"date": day}, "offender": {"kind": kind}}
    return RB.evaluate(facts, "2024-06-01", trace=trace)["fine"]


def test_the_record_is_loaded_with_its_fields_and_types():
    p = RB.parameters["fine_bounds"]
    assert p.type == "record" and p.carries_currency
    assert p.fields == {"official_min": "money", "official_max": "money",
                        "entrepreneur_min": "money", "entrepreneur_max": "money",
                        "company_min": "money", "company_max": "money", "warning": "bool"}
    first = p.values[0].value
    assert first["company_min"] == Decimal("30000") and first["warning"] is True
    assert isinstance(first["official_min"], Decimal)


@pytest.mark.parametrize("kind, day, low, high, warning", [
    # § 1(2) as enacted: officials 1000-5000, a warning possible
    ("official", "2021-12-31", "1000.00", "5000.00", True),
    # the 2022 amendment: officials 2000-6000 from its first day, no warning
    ("official", "2022-01-01", "2000.00", "6000.00", False),
    # entrepreneurs: the amendment left their bounds, only the warning went
    ("entrepreneur", "2022-01-01", "1000.00", "5000.00", False),
    ("company", "2020-01-01", "30000.00", "50000.00", True),
    ("company", "2024-12-31", "40000.00", "60000.00", False),
])
def test_the_field_in_force_on_the_day_of_the_violation(kind, day, low, high, warning):
    r = fine(kind, day)
    assert r.status == "determined" and r.currency == "XTS"
    assert r.value["min"] == Decimal(low) and r.value["max"] == Decimal(high)
    assert r.value["warning_possible"] is warning
    assert r.citations == ("§ 1(2)",)


def test_the_trace_shows_the_record_read_with_its_date_and_confidence():
    r = fine("company", "2022-03-01", trace=True)
    [read] = [p for s in r.trace for p in s.parameters]
    assert read.name == "fine_bounds" and read.confidence == "medium"
    assert str(read.effective_from) == "2022-01-01"
    d = read.as_dict()
    assert d["value"]["company_min"] == "40000" and d["value"]["warning"] is False
    json.dumps(r.as_dict())  # the JSON trace is plain JSON
    text = render_text(RB.evaluate({"violation": {"date": "2022-03-01"},
                                    "offender": {"kind": "company"}}, "2024-06-01",
                                   trace=True), trace=True, full=True, lang="en")
    assert "= min: 40,000, max: 60,000, warning_possible: no" in text
    assert "company_min: 40,000" in text and "Decimal" not in text
    # confidence medium: every answer reading the value warns, naming it
    assert any("fine_bounds" in w and "medium" in w for w in RB.evaluate(
        {"violation": {"date": "2022-03-01"}, "offender": {"kind": "company"}},
        "2024-06-01").warnings)


def test_timeline_and_diff_show_only_the_fields_that_changed():
    [change] = [c for c in timeline(RB) if c.subject == "fine_bounds" and c.before]
    assert "entrepreneur" not in change.before and "entrepreneur" not in change.after
    assert "official_min: 1000" in change.before and "official_min: 2000" in change.after
    [d] = [c for c in diff(RB, engine.dates.parse_date("2021-12-31"),
                           engine.dates.parse_date("2022-01-01"))
            if c.kind == "parameter" and c.subject == "fine_bounds"]
    assert "warning: yes" in d.before and "warning: no" in d.after


def test_a_record_parameter_cannot_be_used_as_a_number(tmp_path):
    import shutil
    copy = tmp_path / "records"
    shutil.copytree(RECORDS, copy)
    art = copy / "articles" / "art-01.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace(
        "min: fine_bounds.official_min,", "min: fine_bounds * 2,"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(copy)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr + r.stdout
    assert "art-01.yaml:19:" in r.stdout + r.stderr
    assert "cannot compute record(" in r.stdout + r.stderr


# -- a table guarded by `when`, in force from a date (tests/fixtures/.../records § 2) ---

def repeat(kind: str, day: str) -> engine.DecisionResult:
    facts = {"violation": {"date": day}, "offender": {"kind": kind}, "offence": {"repeat": True}}
    return RB.evaluate(facts, "2024-06-01")["fine"]


def test_a_guarded_table_in_force_from_its_date():
    """§ 2 (from 2022): a repeat is fined 10000-20000 for an official, with disqualification."""
    r = repeat("official", "2022-01-01")
    assert r.citations == ("§ 2",) and r.value["min"] == Decimal("10000.00")
    assert r.value["disqualification_years"] == (1, 3)


def test_before_the_table_is_in_force_the_other_table_decides():
    """Before 2022 § 2 did not exist (in_force: false) and its series has no value yet:
    § 1(2) decides a repeat like a first offence, and the missing series is not read."""
    r = repeat("official", "2021-12-31")
    assert r.status == "determined" and r.citations == ("§ 1(2)",)
    assert r.value["min"] == Decimal("1000.00")


def test_a_row_with_no_value_makes_the_decision_not_applicable_citing_it():
    r = repeat("entrepreneur", "2022-06-01")
    assert (r.status, r.citations) == ("not_applicable", ("§ 2",))


def test_a_rule_that_reads_a_series_before_its_first_value_is_not_covered(tmp_path):
    import shutil
    copy = tmp_path / "records"
    shutil.copytree(RECORDS, copy)
    art = copy / "articles" / "art-02.yaml"
    art.write_text(art.read_text(encoding="utf-8").replace(
        "      - {from: 2020-01-01, amended_by: sfa-2020, in_force: false}\n"
        "      - {from: 2022-01-01, amended_by: sfa-2022}\n",
        "      - {from: 2020-01-01, amended_by: sfa-2020}\n"), encoding="utf-8")
    art1 = copy / "articles" / "art-01.yaml"
    art1.write_text(art1.read_text(encoding="utf-8").replace(
        "    when: not offence.repeat or violation.date < date('2022-01-01')\n",
        "    when: not offence.repeat\n"), encoding="utf-8")
    rb = engine.load(copy)
    facts = {"violation": {"date": "2021-06-01"}, "offender": {"kind": "official"},
             "offence": {"repeat": True}}
    assert rb.evaluate(facts, "2024-06-01")["fine"].status == "not_covered"
    facts["offence"]["repeat"] = False  # the other table reads no such series
    assert rb.evaluate(facts, "2024-06-01")["fine"].status == "determined"

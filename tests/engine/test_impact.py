"""`statute impact`: an amendment raising Art. 9(1) to 80 BSB from 2016-01-01, applied to
a copy of the LT rulebook, changes exactly the settlements whose guardianship ended on or
after that date (80 x 38 - 75 x 38 = +190.00 EUR each) and nothing else."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.amend.impact import impact, read_cases

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
CASES = LT / "examples" / "cases.jsonl"


@pytest.fixture(scope="module")
def amended(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("amended") / "rb"
    shutil.copytree(LT, copy)
    art = copy / "articles" / "art-09.yaml"
    old = ("      - from: 2009-01-01\n        to: 2017-12-31\n        amended_by: art9-1-as-of-2009\n"
           "        value: 75 * base_social_benefit\n")
    text = art.read_text()
    assert text.count(old) == 1
    art.write_text(text.replace(old, (
        "      - from: 2009-01-01\n        to: 2015-12-31\n        amended_by: art9-1-as-of-2009\n"
        "        value: 75 * base_social_benefit\n"
        "      - from: 2016-01-01\n        amended_by: art9-1-80-bsb\n"
        "        value: 80 * base_social_benefit\n")))
    with (copy / "amendments.yaml").open("a") as f:
        f.write("  - {id: art9-1-80-bsb, title: hypothetical, published: 2015-10-01, "
                "in_force: 2016-01-01, source: test}\n")
    return copy


def test_impact_finds_exactly_the_settlements_after_the_change(amended):
    base, new = engine.load(LT), engine.load(amended)
    result = impact(base, new, read_cases(CASES))
    assert result.cases == 200
    assert result.changes, "the shipped cases must include settlements after 2016-01-01"
    for c in result.changes:
        assert c.decision == "lump_sum_settlement_benefit"
        assert c.applicable_date.year >= 2016
        assert (c.before[1], c.after[1], c.after[2]) == (Decimal("2850.00"), Decimal("3040.00"),
                                                          "EUR")
        assert c.delta == Decimal("190.00")
    grew = result.after["EUR"] - result.before["EUR"]
    assert grew == Decimal("190.00") * len(result.changes)
    assert result.after["LTL"] == result.before["LTL"]


def test_impact_command(amended):
    r = subprocess.run([sys.executable, "-m", "engine.cli", "impact", LT, amended, CASES,
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["cases"] == 200 and data["changed_cases"] == len(data["changes"]) > 0
    assert all(c["delta"] == "190.00" for c in data["changes"])


def test_a_bad_jsonl_line_names_its_line(tmp_path):
    bad = tmp_path / "cases.jsonl"
    bad.write_text('{"on": "2010-01-01", "facts": {}}\n{"on": "2010-01-01", "facts": {"child": '
                   '{"birthdate": "2010-01-01"}}}\n')
    r = subprocess.run([sys.executable, "-m", "engine.cli", "impact", LT, LT, bad],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert ":2" in r.stderr and "child.birthdate" in r.stderr

"""Amendment coverage: every boundary of the LT timeline has a passing test on each side."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import engine
from engine.amend.coverage import boundaries, measure
from engine.testing.cases import collect, run_case

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"


def statute(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)],
                          capture_output=True, text=True)


def test_the_lt_boundaries_are_the_timeline_inside_the_coverage():
    rb = engine.load(LT)
    found = [(b.date, b.subject) for b in boundaries(rb)]
    assert found == [
        (dt.date(2008, 1, 1), "coverage"),
        (dt.date(2008, 8, 1), "state_supported_income"),
        (dt.date(2009, 1, 1), "settlement_amount"),
        (dt.date(2015, 1, 1), "base_social_benefit"),
        (dt.date(2015, 1, 1), "state_supported_income"),
        (dt.date(2018, 1, 1), "coverage"),
    ]


def test_the_lt_tests_cover_every_boundary():
    results = [(c.name, o.result, set(c.data["expect"])) for c in collect([LT / "tests"])
               for o in [run_case(c)] if o.passed]
    missing = [b for b in measure(engine.load(LT), results) if not b.covered]
    assert missing == []
    r = statute("test", LT / "tests", "--require-coverage")
    assert r.returncode == 0, r.stdout
    assert r.stdout.rstrip().splitlines()[-1].endswith(" passed, 0 failed")


def test_a_boundary_without_a_test_on_one_side_fails_require_coverage(tmp_path):
    """Keep only the tests whose name says 2015 or later: the Art. 9(1) boundary of
    2009-01-01 then has no settlement test before it."""
    copy = tmp_path / "rb"
    shutil.copytree(LT, copy)
    for f in (copy / "tests").glob("*.yaml"):
        f.unlink()
    (copy / "tests" / "one.yaml").write_text(
        "cases:\n"
        "  - name: settlement after 2009\n"
        "    cite: Art. 9(1)\n"
        "    why: 75 x 130 LTL = 9750.00 LTL for a guardianship ending on 2009-01-01\n"
        "    on: 2009-02-01\n"
        "    facts:\n"
        "      child: {birth_date: 1991-01-01}\n"
        "      guardianship: {type: family, start_date: 2000-01-01, end_date: 2009-01-01,\n"
        "                     end_reason: majority}\n"
        "    expect:\n"
        "      lump_sum_settlement_benefit: {status: granted, amount: 9750.00}\n")
    plain = statute("test", copy / "tests", "--coverage")
    assert plain.returncode == 0
    assert "MISS 2009-01-01" in plain.stdout
    strict = statute("test", copy / "tests", "--require-coverage")
    assert strict.returncode == 1
    assert strict.stdout.rstrip().splitlines()[-1].startswith("1 passed, ")

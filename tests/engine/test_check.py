"""The check stage's families on their own (engine/check/): synthetic inputs, no law."""
from __future__ import annotations

import datetime as dt

from engine.check import check
from engine.check.citations import cites_within
from engine.check.versions import Span, check_tiling
from engine.errors import Position
from engine.model import Coverage

from pathlib import Path

MINIMAL = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good" / "minimal"
D = dt.date
P = Position("x.yaml", 1, 1)
COV = Coverage(D(2020, 1, 1), D(2021, 12, 31), "assumed")


def test_citations_lie_within_their_article_and_act():
    assert cites_within("§ 9(2)(1)", "§ 9")
    assert cites_within("§ 9", "§ 9")
    assert not cites_within("§ 90", "§ 9")
    # a dotted article number is another article of a code: 5.27 is not within 5
    assert not cites_within("ст. 5.27 ч. 6", "ст. 5")
    assert cites_within("ст. 5.27 ч. 6", "ст. 5.27")


def test_versions_tile_the_coverage():
    whole = [Span(D(2020, 1, 1), D(2020, 12, 31), P, P), Span(D(2021, 1, 1), D(2021, 12, 31), P, P)]
    assert check_tiling(whole, COV, P) == []
    gap = [Span(D(2020, 1, 1), D(2020, 11, 30), P, P), Span(D(2021, 1, 1), D(2021, 12, 31), P, P)]
    assert [e.message for e in check_tiling(gap, COV, P)] == [
        "gap between versions: nothing is in force from 2020-12-01 to 2020-12-31"]
    short = [Span(D(2020, 1, 1), D(2021, 6, 30), P, P)]
    assert "no version is in force from 2021-07-01..2021-12-31" in \
        check_tiling(short, COV, P)[0].message


def test_a_version_past_the_coverage_is_one_error_not_two():
    past = [Span(D(2020, 1, 1), D(2022, 12, 31), P, P)]
    messages = [e.message for e in check_tiling(past, COV, P)]
    assert messages == ["version 2020-01-01..2022-12-31 reaches past the end of the rulebook's "
                        "coverage 2020-01-01..2021-12-31; end it on 2021-12-31 at the latest "
                        "(or leave 'to' out)"]
    early = [Span(D(2019, 1, 1), D(2021, 12, 31), P, P)]
    assert [e.message for e in check_tiling(early, COV, P)] == [
        "version 2019-01-01..2021-12-31 begins before the rulebook's coverage "
        "2020-01-01..2021-12-31; let it begin on 2020-01-01 at the earliest"]
    away = [Span(D(2020, 1, 1), D(2021, 12, 31), P, P), Span(D(2022, 1, 1), D(2022, 6, 30), P, P)]
    assert "lies outside the rulebook's coverage" in check_tiling(away, COV, P)[0].message


def test_check_reports_and_never_raises():
    ok = check(MINIMAL, today=D(2021, 6, 1))
    assert ok.ok and ok.warnings == [] and ok.summary().endswith(
        "ok (1 decisions, 5 rules, 1 parameters, 4 facts)")
    stale = check(MINIMAL, today=D(2026, 12, 1))
    assert stale.ok and "daily_fine: the newest value is from 2021-01-01" in stale.warnings[0]
    broken = check(MINIMAL, files={"facts.yaml": "facts: [1, 2"})
    assert not broken.ok and broken.rulebook is None
    assert broken.errors[0].position.file.endswith("facts.yaml")

"""Timeline, diff, as-known-on and freshness on the LT rulebook (amendments.yaml)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import engine
from engine.amend.history import diff, timeline
from engine.check import freshness_warnings

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
D = dt.date


@pytest.fixture(scope="module")
def rb() -> engine.Rulebook:
    return engine.load(LT)


def statute(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)],
                          capture_output=True, text=True)


def test_every_dated_change_names_a_listed_act(rb):
    for c in timeline(rb):
        assert c.act in rb.acts, c


def test_timeline_has_the_art_9_change_the_euro_and_the_coverage(rb):
    """Art. 9(1): 50 -> 75 BSB as of 2009-01-01; the BSB in euro from 2015-01-01 (Government
    resolutions 923/924); coverage ends 2018-01-01 with Law XIII-822."""
    by = {(c.date, c.kind, c.subject): c for c in timeline(rb)}
    art9 = by[(D(2009, 1, 1), "rule", "settlement_amount")]
    assert "50 * base_social_benefit" in art9.before and "75 *" in art9.after
    assert rb.acts[art9.act].known is False  # the amending act is not identified: said so
    euro = by[(D(2015, 1, 1), "currency", "base_social_benefit")]
    assert (euro.before, euro.after, euro.act) == ("LTL", "EUR", "gov-res-923-924-2014")
    assert by[(D(2018, 1, 1), "coverage", "coverage")].act == "XIII-822"
    dates = [c.date for c in timeline(rb)]
    assert dates == sorted(dates)


def test_diff_lists_what_differs_and_nothing_else(rb):
    changes = diff(rb, D(2008, 12, 31), D(2009, 1, 1))
    assert [(c.kind, c.subject) for c in changes] == [("rule", "settlement_amount")]
    assert diff(rb, D(2010, 1, 1), D(2014, 12, 31)) == []
    subjects = {c.subject for c in diff(rb, D(2014, 12, 31), D(2015, 1, 1))}
    assert subjects == {"base_social_benefit", "state_supported_income"}


def test_as_known_on_leaves_out_acts_published_later(rb):
    """A child born 2015-01-10: with everything known, 11 x 38 EUR = 418.00 EUR (Art. 5(1),
    BSB from Government resolutions 923/924 of 2014-09-10). Asked as known on 2014-09-01,
    before those resolutions, the BSB known then was 130 LTL: 11 x 130 = 1430.00 LTL."""
    facts = {"child": {"birth_date": "2015-01-10"}}
    now = rb.evaluate(facts, on="2015-02-01")["lump_sum_child_benefit"]
    then = rb.evaluate(facts, on="2015-02-01", as_known_on="2014-09-01")["lump_sum_child_benefit"]
    assert (now.amount, now.currency) == (Decimal("418.00"), "EUR")
    assert (then.amount, then.currency) == (Decimal("1430.00"), "LTL")
    after = rb.evaluate(facts, on="2015-02-01", as_known_on="2014-09-10")
    assert after["lump_sum_child_benefit"].currency == "EUR"


def test_as_known_on_keeps_the_earlier_wording_of_an_unpublished_rule(rb):
    """Art. 9(1)'s 75 BSB has no known publication date: it counts from 2009-01-01, so as
    known on 2008-12-31 a guardianship ending 2009-03-31 still gets 50 x 130 = 6500.00."""
    facts = {"child": {"birth_date": "1991-03-31"},
             "guardianship": {"type": "family", "start_date": "2000-01-01",
                              "end_date": "2009-03-31", "end_reason": "majority"},
             "application": {"date": "2009-04-15"}}
    r = rb.evaluate(facts, on="2009-04-15", as_known_on="2008-12-31")
    assert r["lump_sum_settlement_benefit"].amount == Decimal("6500.00")
    assert rb.evaluate(facts, on="2009-04-15")["lump_sum_settlement_benefit"].amount == \
        Decimal("9750.00")


def test_freshness_warns_about_old_series(rb):
    assert freshness_warnings(rb, D(2026, 11, 23)) == []
    warnings = freshness_warnings(rb, D(2027, 6, 1))
    assert len(warnings) == 2 and all("over a year" in w for w in warnings)
    r = statute("check", LT, "--today", "2027-06-01")
    assert r.returncode == 0 and "warning: base_social_benefit" in r.stderr


def test_evaluating_past_the_verified_date_warns(tmp_path):
    """A copy of the rulebook verified only through 2012-12-31 warns on a 2013 birth."""
    import shutil
    copy = tmp_path / "rb"
    shutil.copytree(LT, copy)
    meta = copy / "rulebook.yaml"
    meta.write_text(meta.read_text().replace("verified_through: 2017-12-31",
                                             "verified_through: 2012-12-31"))
    rb = engine.load(copy)
    late = rb.evaluate({"child": {"birth_date": "2013-05-01"}}, on="2013-06-01")
    early = rb.evaluate({"child": {"birth_date": "2012-05-01"}}, on="2012-06-01")
    assert any("last verified" in w for w in late.warnings)
    assert not any("last verified" in w for w in early.warnings)


def test_a_dated_version_without_an_act_is_a_load_error(tmp_path):
    import shutil
    copy = tmp_path / "rb"
    shutil.copytree(LT, copy)
    art = copy / "articles" / "art-09.yaml"
    art.write_text(art.read_text().replace("        amended_by: art9-1-as-of-2009\n",
                                           "        amended_by: no-such-act\n"))
    with pytest.raises(engine.ErrorList) as e:
        engine.load(copy)
    assert any("no-such-act" in err.message and err.position.file.endswith("art-09.yaml")
               for err in e.value.errors)


def test_timeline_and_diff_commands(rb):
    t = statute("timeline", LT)
    assert t.returncode == 0 and "2009-01-01" in t.stdout and "[art9-1-as-of-2009]" in t.stdout
    j = json.loads(statute("timeline", LT, "--format", "json").stdout)
    assert any(c["date"] == "2015-01-01" and c["kind"] == "currency" for c in j["changes"])
    d = statute("diff", LT, "--from", "2008-12-31", "--to", "2009-01-01")
    assert d.returncode == 0 and "50 * base_social_benefit" in d.stdout
    bad = statute("diff", LT, "--from", "2008-13-01", "--to", "2009-01-01")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr

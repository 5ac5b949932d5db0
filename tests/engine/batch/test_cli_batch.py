"""`statute batch` end to end: formats, bad rows, --strict, refusals, workers."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

pl = pytest.importorskip("polars")

from engine.cli.main import main  # noqa: E402

LT = "rules/lt/benefits-for-children"
CSV = """on,period,child.birth_date,household.income_per_person,child.stillborn
2010-03-01,2010-02,2010-02-08,100,
2010-07-01,2010-06,2010-06-14,300,false
2011-01-10,2010-12,not-a-date,100,
2011-01-10,2010-12,2010-11-30,100,maybe
"""


def _csv(tmp_path, text=CSV):
    p = tmp_path / "cases.csv"
    p.write_text(text)
    return p


def test_csv_to_parquet_reports_bad_rows_and_decides_the_others(tmp_path, capsys):
    out = tmp_path / "out.parquet"
    code = main(["batch", LT, str(_csv(tmp_path)), "--out", str(out), "--workers", "1",
                 "--decision", "child_benefit", "--decision", "lump_sum_child_benefit"])
    err = capsys.readouterr().err
    assert code == 2
    assert "row 3: child.birth_date: 'not-a-date' is not a date" in err
    assert "row 4: child.stillborn: 'maybe' is not true or false" in err
    frame = pl.read_parquet(out)
    assert frame["row"].to_list() == [1, 2, 3, 4]
    assert frame["child_benefit.value"][0] == Decimal("73.13")  # 97.50 × 21 / 28, half up
    assert frame["lump_sum_child_benefit.value"][1] == Decimal("1430.00")
    assert frame["lump_sum_child_benefit.citations"][1].to_list() == ["Art. 5(1)"]
    assert frame["child_benefit.status"][2] is None  # a bad row is answered by nobody


def test_strict_stops_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["batch", LT, str(_csv(tmp_path)), "--out", str(out), "--strict",
                 "--workers", "1"])
    assert code == 2
    assert "row 3: child.birth_date" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob(".tmp-*"))


def test_jsonl_case_objects_and_workers_agree(tmp_path):
    src = tmp_path / "cases.jsonl"
    lines = open(f"{LT}/examples/cases.jsonl").read().splitlines()[:30]
    src.write_text("\n".join(lines) + "\n")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["batch", LT, str(src), "--out", str(one), "--workers", "1"]) == 0
    assert main(["batch", LT, str(src), "--out", str(two), "--workers", "2",
                 "--chunk", "7"]) == 0
    assert one.read_text() == two.read_text()
    first = json.loads(one.read_text().splitlines()[0])
    assert first["name"] == "case-001" and first["row"] == 1


def test_a_decision_without_column_form_is_refused_by_name(tmp_path, capsys):
    src = tmp_path / "cases.csv"
    src.write_text("on\n2024-01-01\n")
    code = main(["batch", "tests/fixtures/rulebooks/good/kinds", str(src), "--out",
                 str(tmp_path / "o.csv"), "--decision", "overtime_ratio", "--workers", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert "overtime_ratio" in err and "ROUND_DOWN" in err and "no column form" in err


def test_unknown_format_is_a_clear_error(tmp_path, capsys):
    code = main(["batch", LT, str(_csv(tmp_path)), "--out", str(tmp_path / "o.xlsx"),
                 "--workers", "1"])
    assert code == 2
    assert ".parquet, .csv, .jsonl" in capsys.readouterr().err


def test_explain_rows_decides_them_per_case_with_traces(tmp_path, capsys):
    code = main(["batch", LT, f"{LT}/examples/cases.jsonl", "--out", str(tmp_path / "o.csv"),
                 "--explain-rows", "2", "--decision", "lump_sum_child_benefit"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("row 2 (case-002)")
    # the per-case explanation: the refusal and the exception that decided it (Art. 5(4))
    assert "lump sum child benefit: REFUSED" in out and "Exception [Art. 5(4)]" in out  # by label
    assert not (tmp_path / "o.csv").exists()  # explaining writes no answers

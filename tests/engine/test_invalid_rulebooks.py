"""Broken rulebooks: one fixture folder per failure, each with its expected errors.

Every folder under tests/fixtures/rulebooks/bad/ is a complete, tiny rulebook (an
invented law, no real statute) with exactly one problem, and `expected.txt` listing the
errors it must produce, one per line, as `relative/file.yaml:LINE:COL: message` (COL may
be left out: `file:LINE: message`; `#` lines are comments). For each folder,
`engine.load` raises ErrorList with every expected error among its errors, and
`statute check` exits 1 printing each one as `file:line:col:` and no traceback.
tests/fixtures/rulebooks/good/minimal is the same law without the problem; it loads,
checks and evaluates. See tests/fixtures/rulebooks/README.md to add a failure.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
LT = ROOT / "rules" / "lt" / "benefits-for-children"
FIXTURES = ROOT / "tests" / "fixtures" / "rulebooks"
GOOD = FIXTURES / "good" / "minimal"
BAD = sorted(p for p in (FIXTURES / "bad").iterdir() if p.is_dir())

_EXPECTED_LINE = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>[0-9]+):(?:(?P<col>[0-9]+):)? (?P<message>\S.*)$")


@dataclass(frozen=True)
class Expected:
    file: str  # relative to the fixture folder, with /
    line: int
    col: int | None
    message: str  # a substring of `field: message` (or of `message` when there is no field)

    def __str__(self) -> str:
        col = f"{self.col}:" if self.col is not None else ""
        return f"{self.file}:{self.line}:{col} {self.message}"


def expected_errors(folder: Path) -> list[Expected]:
    """The errors `folder/expected.txt` lists; a malformed line fails the test."""
    path = folder / "expected.txt"
    if not path.is_file():
        pytest.fail(f"{path}: missing; every folder under bad/ lists its expected errors there")
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        m = _EXPECTED_LINE.match(text)
        if m is None:
            pytest.fail(f"{path}:{n}: not `file:LINE:COL: message` or `file:LINE: message`: "
                        f"{raw!r}")
        if not (folder / m["file"]).is_file():
            pytest.fail(f"{path}:{n}: {m['file']!r} is not a file of {folder.name}")
        out.append(Expected(m["file"], int(m["line"]), int(m["col"]) if m["col"] else None,
                            m["message"]))
    if not out:
        pytest.fail(f"{path}: lists no error")
    return out


def _relative(err: engine.StatuteError, folder: Path) -> str | None:
    if err.position is None:
        return None
    try:
        return Path(err.position.file).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return None


def _text(err: engine.StatuteError) -> str:
    return f"{err.field}: {err.message}" if err.field else err.message


def _matches(err: engine.StatuteError, want: Expected, folder: Path) -> bool:
    pos = err.position
    return (pos is not None and _relative(err, folder) == want.file and pos.line == want.line
            and (want.col is None or pos.col == want.col) and want.message in _text(err))


def _shown(errors: list[engine.StatuteError], folder: Path) -> str:
    def one(e: engine.StatuteError) -> str:
        p = e.position
        where = f"{_relative(e, folder) or (p.file if p else '?')}:{p.line}:{p.col}" if p else "?"
        return f"  {where}: {_text(e)}"
    return "\n".join(one(e) for e in errors) or "  (none)"


def load_errors(folder: Path) -> list[engine.StatuteError]:
    with pytest.raises(engine.ErrorList) as e:
        engine.load(folder)
    errors = e.value.errors
    assert errors and all(isinstance(x, engine.StatuteError) for x in errors)
    return errors


def assert_reported(errors: list[engine.StatuteError], wanted: list[Expected],
                    folder: Path) -> None:
    missing = [w for w in wanted if not any(_matches(e, w, folder) for e in errors)]
    assert not missing, (
        "expected but not reported:\n" + "\n".join(f"  {w}" for w in missing)
        + "\nreported:\n" + _shown(errors, folder))


def check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", "check", str(folder)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_load_reports_the_expected_errors(folder):
    assert_reported(load_errors(folder), expected_errors(folder), folder)


@pytest.mark.parametrize("folder", BAD, ids=[p.name for p in BAD])
def test_statute_check_exits_1_with_file_line_col(folder):
    wanted = expected_errors(folder)
    r = check(folder)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    for w in wanted:
        col = str(w.col) if w.col is not None else "[0-9]+"
        where = re.escape(f"{folder / w.file}:{w.line}:") + col + ": "
        assert re.search(rf"^{where}.*{re.escape(w.message)}", r.stderr, re.M), \
            f"no line `{folder / w.file}:{w.line}:{w.col or 'COL'}: ...{w.message}` in:\n{r.stderr}"
    assert re.search(rf"^{re.escape(str(folder))}: [0-9]+ error\(s\)$", r.stderr, re.M), r.stderr


def test_every_bad_folder_is_a_rulebook():
    """A folder without rulebook.yaml would be a fixture that tests nothing of the loader."""
    assert BAD, f"no fixture folders under {FIXTURES / 'bad'}"
    strays = [p.name for p in BAD if not (p / "rulebook.yaml").is_file()]
    assert not strays, f"bad/ folders without rulebook.yaml: {strays}"


def test_the_good_rulebook_loads_and_evaluates():
    rb = engine.load(GOOD)
    assert list(rb.decisions) == ["late_return_fine"]
    # Returned 10 days late in 2020, at 0.50 EUR a day (parameters/daily_fine.yaml).
    r = rb.evaluate({"loan": {"due_date": "2020-03-01", "return_date": "2020-03-11"}},
                    on="2020-03-20")["late_return_fine"]
    # granted; `determined` where a decision that is not an entitlement is a computed value
    assert r.status in ("granted", "determined")
    assert (r.amount, r.currency) == (Decimal("5.00"), "EUR")
    # Staff pay no fines (§ 2(1)): no amount, citing § 2(1).
    r = rb.evaluate({"loan": {"due_date": "2020-03-01", "return_date": "2020-03-11"},
                     "borrower": {"status": "staff"}}, on="2020-03-20")["late_return_fine"]
    assert r.status not in ("granted", "determined") and r.amount is None
    assert "§ 2(1)" in r.citations


def test_statute_check_on_the_good_rulebook_succeeds():
    r = check(GOOD)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert ": ok (" in r.stdout


def test_every_error_of_a_broken_rulebook_is_reported_at_once(tmp_path):
    """Two unrelated mistakes in two files: both are reported by one load.

    The rulebook is bad/unknown_fact with the broken file of bad/gap_between_versions
    copied over it (the two break different files)."""
    first, second = FIXTURES / "bad" / "unknown_fact", FIXTURES / "bad" / "gap_between_versions"
    wanted_first, wanted_second = expected_errors(first), expected_errors(second)
    files_second = {w.file for w in wanted_second}
    assert not files_second & {w.file for w in wanted_first}
    folder = tmp_path / "rulebook"
    shutil.copytree(first, folder)
    for rel in files_second:
        shutil.copyfile(second / rel, folder / rel)
    assert_reported(load_errors(folder), wanted_first + wanted_second, folder)


def test_an_invalid_parameter_value_does_not_make_the_parameter_unknown():
    folder = FIXTURES / "bad" / "parameter_value_without_source"
    bogus = [str(x) for x in load_errors(folder) if "unknown name 'daily_fine'" in x.message]
    assert not bogus, "\n".join(bogus)


def test_statute_check_on_a_missing_folder_fails_with_a_message(tmp_path):
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(tmp_path / "nope")],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode != 0
    assert "no such folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_statute_check_on_the_real_rulebook_succeeds():
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(LT)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert ": ok (" in r.stdout

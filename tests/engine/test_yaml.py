"""engine.load.yaml: YAML 1.2 scalars read exactly, unsafe YAML refused with a position."""
from __future__ import annotations

import datetime as dt
import pathlib
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from engine.load.yaml import MAX_FILE_BYTES, parse_yaml, read_yaml
from engine.errors import LoadError

ROOT = Path(__file__).resolve().parents[2]


def parse(text: str):
    return parse_yaml(textwrap.dedent(text), "f.yaml").data


def load_error(text: str) -> LoadError:
    with pytest.raises(LoadError) as e:
        parse_yaml(textwrap.dedent(text), "f.yaml")
    assert e.value.position is not None and e.value.position.file == "f.yaml"
    return e.value


def walk(v):
    yield v
    if isinstance(v, dict):
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)


# -- scalars ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("no", "no"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
    ("True", "True"), ("FALSE", "FALSE"), ("NULL", "NULL"),
    ("true", True), ("false", False),
    ("null", None), ("~", None), ("", None),
    ("0", 0), ("10", 10), ("-3", -3), ("+4", 4),
    ("010", "010"), ("00", "00"), ("0x10", "0x10"), ("0o7", "0o7"), ("1_000", "1_000"),
    ("1.50", Decimal("1.50")), ("-0.50", Decimal("-0.50")), ("0.0", Decimal("0.0")),
    ("1e3", "1e3"), ("1.5e3", "1.5e3"), (".5", ".5"), ("1.", "1."),
    (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"),
    ("2011-02-28", dt.date(2011, 2, 28)), ("2012-02-29", dt.date(2012, 2, 29)),
    ("2011-02-28T10:00:00", "2011-02-28T10:00:00"), ("2011-2-3", "2011-2-3"),
    ("'true'", "true"), ('"1.50"', "1.50"), ("'2011-02-30'", "2011-02-30"), ("'010'", "010"),
])
def test_scalars_are_read_as_yaml_1_2(text, value):
    got = parse(f"a: {text}\n")["a"]
    assert got == value
    assert type(got) is type(value)


def test_decimals_keep_their_exact_text():
    got = parse("a: 1.50\nb: [0.1, 0.2]\n")
    assert str(got["a"]) == "1.50"
    assert got["b"][0] + got["b"][1] == Decimal("0.3")


def test_no_float_ever_comes_out():
    data = parse("""\
        a: 1.5
        b: [0.75, 1e3, .5, 2.0, -0.25]
        c: {d: 3.14159265358979323846264338327950288}
        """)
    assert not any(isinstance(v, float) for v in walk(data))
    assert data["c"]["d"] == Decimal("3.14159265358979323846264338327950288")


def test_keys_are_text_too():
    data = parse("on: 1\nno: 2\n1: 3\ntrue: 4\nnull: 5\n")
    assert list(data) == ["on", "no", "1", "true", "null"]


def test_scalars_in_flow_collections():
    assert parse("a: [no, yes, on, 010, 1.50, 2009-01-01]\n")["a"] == [
        "no", "yes", "on", "010", Decimal("1.50"), dt.date(2009, 1, 1)]


@pytest.mark.parametrize("text, line, col", [
    ("a: 2011-02-30\n", 1, 4),
    ("a: 1\nb:\n  c: 2011-02-30\n", 3, 6),
    ("a:\n  - 2011-01-01\n  - 2011-13-01\n", 3, 5),
    ("a: 0000-01-01\n", 1, 4),
])
def test_a_date_that_does_not_exist_is_an_error_at_its_position(text, line, col):
    e = load_error(text)
    assert "not a valid calendar date" in e.message
    assert (e.position.line, e.position.col) == (line, col)


# -- aliases, merge keys, duplicates, tags --------------------------------------------------

def test_aliases_are_refused():
    e = load_error("a: &x 1\nb: *x\n")
    assert "alias" in e.message


def test_alias_error_points_at_the_alias():
    e = load_error("a: &x 1\nb: 2\nc: *x\n")
    assert (e.position.line, e.position.col) == (3, 4)


def test_billion_laughs_fails_fast_with_an_alias_error():
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefghi", "bcdefghij"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    e = load_error("\n".join(levels) + "\n")
    assert "alias" in e.message


def test_a_self_referencing_alias_is_refused():
    assert "alias" in load_error("a: &x [1, *x]\n").message


def test_merge_keys_through_an_alias_are_refused():
    e = load_error("base: &b {x: 1}\nrule:\n  <<: *b\n  y: 2\n")
    assert "alias" in e.message or "merge" in e.message


def test_merge_keys_are_refused_even_without_an_alias():
    e = load_error("rule:\n  <<: {x: 1}\n  y: 2\n")
    assert "merge" in e.message
    assert e.position.line == 2


@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: 2\na: 3\n", 3),
    ("a: 1\n'a': 2\n", 2),
    ("top:\n  x: 1\n  y: 2\n  x: 3\n", 4),
    ("list:\n  - {k: 1, k: 2}\n", 2),
])
def test_duplicate_keys_are_errors(text, line):
    e = load_error(text)
    assert "duplicate key" in e.message
    assert e.position.line == line


def test_duplicate_key_names_the_first_occurrence():
    e = load_error("a: 1\nb: 2\na: 3\n")
    assert "first at line 1" in e.message
    assert e.field == "a"


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system {}\n",
    "a: !!python/object/apply:os.system ['echo hi']\n",
    "a: !!python/name:os.system\n",
    "!!python/object/new:os.system [x]\n",
    "a: !custom 1\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!float 1.5\n",
    "a: !!int '3'\n",
    "a: !!timestamp 2001-12-14\n",
    "a: !!set {x, y}\n",
    "a: !!omap [x: 1]\n",
])
def test_custom_and_non_string_tags_are_refused(text):
    e = load_error(text)
    assert "YAML tags" in e.message
    assert e.position.line == 1


@pytest.mark.parametrize("text, as_text", [("!!str true", "true"), ("!!str 1.50", "1.50")])
def test_an_explicit_str_tag_is_text_or_refused(text, as_text):
    try:
        got = parse(f"a: {text}\n")["a"]
    except LoadError:
        return
    assert got == as_text


def test_complex_keys_are_refused():
    assert "keys must be plain strings" in load_error("? [a, b]\n: 1\n").message


# -- malformed YAML ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    ("a: 1\nb: [1, 2\nc: 3\n", 3),
    ("a: 1\n  b: 2\n", 2),
    ("a:\n\t- 1\n", 2),
    ("a: 'unterminated\nb: 2\n", 3),
    ("a: 1\n- b\n", 2),
])
def test_malformed_yaml_is_an_error_with_its_line(text, line):
    e = load_error(text)
    assert e.message.startswith("malformed YAML")
    assert e.position.line == line
    assert e.position.col >= 1
    assert str(e).startswith(f"f.yaml:{line}:")


def test_an_empty_document_is_none():
    assert parse_yaml("", "f.yaml").data is None
    assert parse_yaml("# only a comment\n", "f.yaml").data is None


def test_positions_are_recorded_by_path():
    doc = parse_yaml("a:\n  b: [x, 2011-01-01]\n", "f.yaml")
    assert (doc.pos(("a", "b", 1)).line, doc.pos(("a", "b", 1)).col) == (2, 10)
    assert doc.pos(("a", "missing")).line == 2  # the nearest enclosing value


def test_deeply_nested_yaml_is_a_load_error():
    with pytest.raises(LoadError):
        parse_yaml("a: " + "[" * 1000 + "]" * 1000 + "\n", "f.yaml")


def test_very_deeply_nested_yaml_does_not_crash_the_process():
    code = ("from engine.load.yaml import parse_yaml\n"
            "from engine.errors import LoadError\n"
            "try:\n"
            "    parse_yaml('a: ' + '[' * 100000 + ']' * 100000, 'f.yaml')\n"
            "except LoadError as e:\n"
            "    print('LoadError', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert r.returncode == 0, r.returncode
    assert "LoadError" in r.stdout


# -- files ------------------------------------------------------------------------------------

def test_read_yaml_reads_a_file(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("a: 1.50\n", encoding="utf-8")
    doc = read_yaml(p)
    assert doc.data == {"a": Decimal("1.50")}
    assert doc.file == str(p)


def test_files_over_the_size_limit_are_refused_without_being_read(tmp_path, monkeypatch):
    p = tmp_path / "huge.yaml"
    with p.open("w", encoding="utf-8") as f:
        f.write("a: 1\n")
        f.write("# " + "x" * 2_000_000 + "\n")
    assert p.stat().st_size > MAX_FILE_BYTES

    def no_reading(*a, **k):
        raise AssertionError("the file was read")

    monkeypatch.setattr(pathlib.Path, "read_text", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    monkeypatch.setattr(pathlib.Path, "open", no_reading)
    with pytest.raises(LoadError) as e:
        read_yaml(p)
    assert f"the limit is {MAX_FILE_BYTES} bytes" in e.value.message
    assert str(p.stat().st_size) in e.value.message
    assert e.value.position.file == str(p)


def test_the_size_limit_can_be_lowered(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("a: 1\n" * 100, encoding="utf-8")
    with pytest.raises(LoadError, match="the limit is 10 bytes"):
        read_yaml(p, max_bytes=10)


def test_a_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match="cannot read file"):
        read_yaml(tmp_path / "nope.yaml")


def test_non_utf8_is_a_load_error(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("a: café\n".encode("latin-1"))
    with pytest.raises(LoadError, match="not UTF-8"):
        read_yaml(p)

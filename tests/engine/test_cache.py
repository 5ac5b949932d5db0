"""The compiled-rulebook cache (engine.load.cache): a hit is the rulebook a fresh load
gives, a changed file misses, a damaged entry is rebuilt, two processes may fill it at
once, STATUTE_CACHE=0 bypasses it. Counted with `cache.stats`, never timed. Uses a copy
of the synthetic rulebook tests/fixtures/rulebooks/good/minimal."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import engine
from engine.errors import ErrorList
from engine.load import cache
from engine.model import NO_DEFAULT

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "minimal"
CASES = [  # (facts, on): late, on time, waived, with a missing fact, across the amendment
    ({"loan": {"due_date": "2020-03-01", "return_date": "2020-03-11"}}, "2020-03-11"),
    ({"loan": {"due_date": "2020-03-01", "return_date": "2020-02-20"}}, "2020-03-01"),
    ({"loan": {"due_date": "2021-03-01", "return_date": "2021-03-05"},
      "borrower": {"waiver": True}}, "2021-03-05"),
    ({"loan": {"return_date": "2021-03-05"}}, "2021-03-05"),
    ({"loan": {"due_date": "2020-12-20", "return_date": "2021-01-10"},
      "borrower": {"status": "child"}}, "2021-01-10"),
]


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the rulebook, and an empty cache of this test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("STATUTE_CACHE", raising=False)
    cache.stats.clear()
    return Path(shutil.copytree(MINIMAL, tmp_path / "minimal"))


def answers(rb: engine.Rulebook) -> list:
    return [rb.evaluate(facts, on=on, trace=True).as_dict(trace=True) for facts, on in CASES]


def fresh(path: Path) -> engine.Rulebook:
    """A load that never touches the cache."""
    from engine.load.build import _build
    from engine.load.source import Source

    return _build(Source(path))


def entries(book: Path) -> list[Path]:
    return sorted((book.parent / "cache" / "statute" / "rulebooks").glob("*.rulebook"))


def test_a_hit_is_the_rulebook_a_fresh_load_gives(book: Path, monkeypatch: pytest.MonkeyPatch):
    built = engine.load(book)
    assert (cache.stats["builds"], cache.stats["writes"], cache.stats["hits"]) == (1, 1, 0)
    hit = engine.load(book)
    assert (cache.stats["builds"], cache.stats["hits"]) == (1, 1)
    assert hit is not built and hit.content_hash == built.content_hash
    monkeypatch.setenv("STATUTE_CACHE", "0")
    fresh = engine.load(book)
    assert cache.stats["builds"] == 2
    assert answers(hit) == answers(built) == answers(fresh)
    assert any(r["trace"] for a in answers(hit) for r in a["decisions"].values())
    # the engine's sentinels and tables are the engine's own objects, not copies
    assert [f.default is NO_DEFAULT for f in hit.facts.values()] == \
        [f.default is NO_DEFAULT for f in fresh.facts.values()]
    assert any(f.default is NO_DEFAULT for f in hit.facts.values())
    assert hit.root == str(book) and set(hit.decisions) == set(fresh.decisions)
    assert [p.position for p in hit.parameters.values()] == \
        [p.position for p in fresh.parameters.values()]


def test_a_changed_file_misses_and_a_restored_one_hits(book: Path):
    before = engine.load(book)
    fine = book / "parameters" / "daily_fine.yaml"
    text = fine.read_text("utf-8")
    fine.write_text(text.replace("value: 0.50", "value: 0.70"), "utf-8")
    changed = engine.load(book)
    assert cache.stats["builds"] == 2 and cache.stats["hits"] == 0
    assert changed.content_hash != before.content_hash
    late = CASES[0]
    assert changed.evaluate(*late)["late_return_fine"].value == \
        before.evaluate(*late)["late_return_fine"].value / 5 * 7
    fine.write_text(text, "utf-8")  # content-addressed: the first entry serves again
    again = engine.load(book)
    assert (cache.stats["builds"], cache.stats["hits"]) == (2, 1)
    assert answers(again) == answers(before)
    assert len(entries(book)) == 2


def test_an_added_or_removed_file_misses(book: Path):
    engine.load(book)
    extra = book / "articles" / "art-99.yaml"
    extra.write_text("not: [a, valid article\n", "utf-8")  # found by the folder's glob
    with pytest.raises(ErrorList):
        engine.load(book)
    extra.unlink()
    assert engine.load(book) and cache.stats["hits"] == 1
    (book / "definitions.yaml").write_text("definitions: {}\n", "utf-8")  # looked for, absent
    rb = engine.load(book)
    assert cache.stats["hits"] == 1 and cache.stats["builds"] == 3
    assert "definitions.yaml" in rb_files(rb, book)


def rb_files(rb: engine.Rulebook, book: Path) -> set[str]:
    from engine.load.source import Source
    from engine.load.build import _build

    source = Source(book)
    _build(source)
    assert source.content_hash() == rb.content_hash
    return set(source.read_files)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_entry_is_rebuilt(book: Path, damage: str):
    good = answers(engine.load(book))
    [entry] = entries(book)
    blob = entry.read_bytes()
    entry.write_bytes({"truncate": blob[: len(blob) // 2],
                       "flip": blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:],
                       "garbage": os.urandom(len(blob)), "empty": b""}[damage])
    rb = engine.load(book)
    assert cache.stats["builds"] == 2 and cache.stats["hits"] == 0
    assert cache.stats["rejected"] == 1
    assert answers(rb) == good
    assert engine.load(book) and cache.stats["hits"] == 1  # the rebuilt entry serves


def test_a_foreign_entry_or_index_is_not_trusted(book: Path, tmp_path: Path):
    engine.load(book)
    [entry] = entries(book)
    other = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "table",
                                 tmp_path / "other"))
    engine.load(other)
    foreign = next(p for p in entries(book) if p != entry)
    shutil.copyfile(foreign, entry)  # another rulebook's entry under this one's name
    rb = engine.load(book)
    assert cache.stats["rejected"] == 1 and cache.stats["builds"] == 3
    assert answers(rb) == answers(fresh(book))
    for index in (book.parent / "cache" / "statute" / "rulebooks").glob("*.index"):
        index.write_text("{not json", "utf-8")
    assert engine.load(book) and cache.stats["builds"] == 4


def test_the_engine_fingerprint_is_part_of_the_key(book: Path, monkeypatch: pytest.MonkeyPatch):
    engine.load(book)
    monkeypatch.setattr(cache, "engine_fingerprint", lambda: "another engine")
    engine.load(book)
    assert cache.stats["builds"] == 2 and cache.stats["hits"] == 0


def test_statute_cache_0_and_unsaved_texts_bypass_it(book: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STATUTE_CACHE", "0")
    engine.load(book)
    engine.load(book)
    assert cache.stats["builds"] == 2 and cache.stats["lookups"] == 0
    assert not (book.parent / "cache").exists()
    monkeypatch.delenv("STATUTE_CACHE")
    art = (book / "articles" / "art-01.yaml").read_text("utf-8")
    engine.load(book, files={"articles/art-01.yaml": art})
    assert cache.stats["lookups"] == 0 and cache.stats["bypassed"] == 3
    assert not (book.parent / "cache").exists()


def test_xdg_cache_home_decides_where(book: Path, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    engine.load(book)
    assert list((tmp_path / "elsewhere" / "statute" / "rulebooks").glob("*.rulebook"))
    assert cache.cache_dir() == tmp_path / "elsewhere" / "statute" / "rulebooks"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert cache.cache_dir() == Path.home() / ".cache" / "statute" / "rulebooks"


CHILD = textwrap.dedent("""
    import json, os, sys, time
    go = sys.argv[2]
    while not os.path.exists(go):
        time.sleep(0.001)
    import engine
    from engine.load import cache
    rb = engine.load(sys.argv[1])
    out = [rb.evaluate(f, on=on, trace=True).as_dict(trace=True)
           for f, on in json.loads(sys.argv[3])]
    print(json.dumps({"stats": dict(cache.stats), "answers": out}, default=str))
""")


def test_two_processes_filling_it_at_once_both_succeed(book: Path, tmp_path: Path):
    expected = json.loads(json.dumps(answers(fresh(book)), default=str))
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("STATUTE_CACHE", None)
    for round_ in range(3):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        go = tmp_path / f"go-{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(book), str(go),
                                   json.dumps(CASES)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(0.3)  # both are waiting, engine not yet imported
        go.write_text("go")
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (_, err) in zip(procs, outs):
            assert p.returncode == 0, err
        reports = [json.loads(out) for out, _ in outs]
        for r in reports:
            assert r["answers"] == expected
            assert r["stats"]["lookups"] == 1
            assert r["stats"].get("hits", 0) + r["stats"].get("builds", 0) == 1
            assert r["stats"].get("rejected", 0) == 0
        assert len(entries(book)) == 1  # both wrote the same entry, one rename won
        assert not [p for p in entries(book)[0].parent.iterdir() if p.name.startswith(".tmp-")]
    cache.stats.clear()
    assert answers(engine.load(book)) == answers(fresh(book))
    assert cache.stats["hits"] == 1


def test_old_entries_are_pruned(book: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cache._prune, "__defaults__", (2,))
    fine = book / "parameters" / "daily_fine.yaml"
    text = fine.read_text("utf-8")
    for cents in ("51", "52", "53", "54"):
        fine.write_text(text.replace("value: 0.50", f"value: 0.{cents}"), "utf-8")
        engine.load(book)
        time.sleep(0.01)  # distinct modification times
    assert cache.stats["writes"] == 4 and len(entries(book)) == 2

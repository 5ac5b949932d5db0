"""The engine's structure: no law in engine/, a drafter's view, loading from texts, the
content hash. Uses the synthetic rulebook tests/fixtures/rulebooks/good/minimal."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "minimal"

# Words that would mean the engine knows a law: a benefit, an article, a currency, a
# country, an identifier scheme. The engine speaks of decisions, rules and citations.
LAW_WORDS = re.compile(r"\b(benefits?|article \d|LTL|EUR|RUB|Lithuan\w*|Russia\w*|"
                       r"SNILS|СНИЛС|МРОТ|MROT|ТК|КоАП)\b|\bArt\. ?\d", re.IGNORECASE)


def test_engine_names_no_law():
    hits = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if LAW_WORDS.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "law words in engine/:\n" + "\n".join(hits)


def test_the_law_word_check_can_fail():
    assert LAW_WORDS.search("the benefit is refused")
    assert LAW_WORDS.search("Art. 12(8)-style")


def test_show_lists_rules_by_role_in_evaluation_order():
    r = subprocess.run([sys.executable, "-m", "engine.cli", "show", str(MINIMAL),
                        "late_return_fine", "--format", "json"],
                       capture_output=True, text=True, check=False, timeout=60)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert list(data["rules"]) == ["applicable_date", "requires", "unless", "value"]
    value = data["rules"]["value"][0]
    assert value["at"] == "articles/art-01.yaml:17" and len(value["versions"]) == 2
    text = subprocess.run([sys.executable, "-m", "engine.cli", "show", str(MINIMAL),
                           "late_return_fine"], capture_output=True, text=True, check=False,
                          timeout=60).stdout
    assert "[§ 1(3)] fine_amount  articles/art-01.yaml:17" in text
    bad = subprocess.run([sys.executable, "-m", "engine.cli", "show", str(MINIMAL), "nope"],
                         capture_output=True, text=True, check=False, timeout=60)
    assert bad.returncode == 2 and "unknown decision 'nope'" in bad.stderr


def test_load_from_unsaved_texts_and_the_content_hash():
    on_disk = engine.load(MINIMAL)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", on_disk.content_hash)
    assert engine.load(MINIMAL).content_hash == on_disk.content_hash  # deterministic
    art = (MINIMAL / "articles" / "art-01.yaml").read_text("utf-8")
    edited = art.replace("> loan.due_date", ">= loan.due_date")
    assert edited != art
    buffered = engine.load(MINIMAL, files={"articles/art-01.yaml": edited})
    assert buffered.content_hash != on_disk.content_hash
    rule = next(r for r in buffered.decisions["late_return_fine"].rules if r.role == "requires")
    assert ">=" in rule.versions[0].expr.source
    # an unsaved buffer with an error is reported at its own line, like a file on disk
    broken = art.replace("> loan.due_date", "> loan.due_dat")
    try:
        engine.load(MINIMAL, files={"articles/art-01.yaml": broken})
    except engine.ErrorList as e:
        assert any(x.position.file.endswith("art-01.yaml") and "did you mean" in x.message
                   for x in e.errors)
    else:
        raise AssertionError("the broken buffer was not reported")
    # the answer carries the hash and the consolidated version
    result = on_disk.evaluate({"loan": {"due_date": "2020-03-01", "return_date": "2020-03-05"}},
                              on="2020-03-05")
    assert result.as_dict()["rulebook_hash"] == on_disk.content_hash

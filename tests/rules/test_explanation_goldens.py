"""Golden texts of the explanations: one example of each shipped rulebook, with its
concise trace, in English, Russian and Lithuanian. A change to an explanation is a
visible diff of tests/rules/goldens/; regenerate with STATUTE_UPDATE_GOLDENS=1 and
review the diff before committing it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import engine
from engine.render.figures import HAVE_BABEL
from engine.render.text import render_result

ROOT = Path(__file__).resolve().parents[2]
GOLDENS = Path(__file__).with_name("goldens")
EXAMPLES = {
    "lt/benefits-for-children": "child-benefit-2011.yaml",
    "ru/annual-leave": "late-pay-2022.yaml",
    "ru/hr-retention": "personal-file-2001.yaml",
    "ru/sick-leave": "mrot-floor-2024.yaml",
}
CASES = [(rb, ex, lang) for rb, ex in EXAMPLES.items() for lang in ("en", "ru", "lt")]


@pytest.mark.parametrize("rulebook, example, lang", CASES)
def test_the_explanation_is_the_golden_text(rulebook, example, lang):
    assert HAVE_BABEL, "the goldens are written with Babel's locale data: pip install '.[test]'"
    folder = ROOT / "rules" / rulebook
    rb = engine.load(folder)
    result = rb.evaluate_case(engine.read_case(folder / "examples" / example), trace=True)
    text = render_result(result, lang=lang, trace=True)
    golden = GOLDENS / f"{rulebook.replace('/', '__')}__{Path(example).stem}.{lang}.txt"
    if os.environ.get("STATUTE_UPDATE_GOLDENS"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_letter_is_the_golden_text(lang, monkeypatch):
    from engine.render import letter
    monkeypatch.setattr(letter, "engine_version", lambda: "VERSION")
    folder = ROOT / "rules" / "ru" / "sick-leave"
    rb = engine.load(folder)
    case = engine.read_case(folder / "examples" / "mrot-floor-2024.yaml")
    text = letter.render_letter(rb.evaluate_case(case, trace=True), case.facts, lang=lang)
    golden = GOLDENS / f"letter__ru__sick-leave__mrot-floor-2024.{lang}.md"
    if os.environ.get("STATUTE_UPDATE_GOLDENS"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")

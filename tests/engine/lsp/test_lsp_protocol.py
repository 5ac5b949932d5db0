"""`statute lsp` driven through the protocol: a real server process, JSON-RPC over its
stdin and stdout (engine.lsp.client), on the synthetic Library Fines Act and on the LT
rulebook. Every wait is bounded (the client's timeout): a hang fails, it never blocks."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

pytest.importorskip("pygls", reason="the lsp extra (pip install -e '.[lsp]')")

from engine.lsp.client import Client, uri  # noqa: E402
from tests.engine.test_invalid_rulebooks import GOOD, LT, ROOT  # noqa: E402

MINIMAL = GOOD.absolute()
ART1 = MINIMAL / "articles" / "art-01.yaml"
DIAGNOSTICS = "textDocument/publishDiagnostics"


def _server(today: str = "2021-06-01") -> Client:
    return Client([sys.executable, "-m", "engine.cli", "lsp", "--today", today], cwd=ROOT,
                  timeout=60)


@pytest.fixture
def client() -> Iterator[Client]:
    c = _server()
    c.initialize(MINIMAL)
    yield c
    c.close()


def _diagnostics(c: Client, path: Path, version: int | None = None) -> list[dict]:
    """The next diagnostics published for `path` (at that buffer version, when given)."""
    _, params = c.wait_for(DIAGNOSTICS, lambda p: p["uri"] == uri(path) and (
        version is None or p.get("version") == version))
    return params["diagnostics"]


def test_initialize_announces_every_feature() -> None:
    c = _server()
    try:
        caps = c.initialize(MINIMAL)["capabilities"]
    finally:
        c.close()
    assert caps["hoverProvider"] and caps["definitionProvider"] and caps["referencesProvider"]
    assert "." in caps["completionProvider"]["triggerCharacters"]
    assert caps["textDocumentSync"]["change"] == 2  # incremental


def test_diagnostics_follow_the_unsaved_buffer(client: Client) -> None:
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text, 1)
    assert _diagnostics(client, ART1, 1) == []
    bad = text.replace("requires: loan.return_date > loan.due_date",
                       "requires: loan.return_dat > loan.due_date")
    client.change(ART1, bad, 2)
    [d] = _diagnostics(client, ART1, 2)
    assert d["range"] == {"start": {"line": 14, "character": 14},
                          "end": {"line": 14, "character": 29}}
    assert d["severity"] == 1 and d["source"] == "statute"
    assert d["message"] == "unknown fact 'loan.return_dat'; did you mean 'loan.return_date'?"
    assert ART1.read_text(encoding="utf-8") == text  # nothing was written
    client.change(ART1, text, 3)
    assert _diagnostics(client, ART1, 3) == []


def test_an_incremental_change_is_applied_before_the_check(client: Client) -> None:
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text, 1)
    _diagnostics(client, ART1, 1)
    line = text.splitlines()[29]  # value: min(days_between(...) * daily_fine, 10)
    col = line.index("daily_fine")
    client.notify("textDocument/didChange", {
        "textDocument": {"uri": uri(ART1), "version": 2},
        "contentChanges": [{"range": {"start": {"line": 29, "character": col + 6},
                                      "end": {"line": 29, "character": col + 10}},
                            "text": "fin"}]})  # daily_fine -> daily_fin
    [d] = _diagnostics(client, ART1, 2)
    assert "unknown name 'daily_fin'" in d["message"]
    assert d["range"]["start"] == {"line": 29, "character": col}
    assert d["range"]["end"] == {"line": 29, "character": col + len("daily_fin")}


def test_a_buffer_that_breaks_another_file_publishes_for_that_file(client: Client) -> None:
    facts = MINIMAL / "facts.yaml"
    art2 = MINIMAL / "articles" / "art-02.yaml"
    text = facts.read_text(encoding="utf-8")
    client.open(facts, text.replace("borrower.waiver:", "borrower.waived:"), 1)
    [d] = _diagnostics(client, art2)
    assert d["message"].startswith("unknown fact 'borrower.waiver'")
    # inside the quotes of `unless: "borrower.waiver"`, art-02.yaml line 15
    assert d["range"] == {"start": {"line": 14, "character": 13},
                          "end": {"line": 14, "character": 28}}
    client.change(facts, text, 2)
    assert _diagnostics(client, art2) == []  # cleared once fixed


def test_malformed_yaml_is_a_diagnostic_and_the_other_features_go_on(client: Client) -> None:
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text, 1)
    _diagnostics(client, ART1, 1)
    client.change(ART1, text.replace("title: Late return", "title: [Late return"), 2)
    [d] = _diagnostics(client, ART1, 2)
    assert d["message"].startswith("malformed YAML")
    art2 = MINIMAL / "articles" / "art-02.yaml"
    client.open(art2, art2.read_text(encoding="utf-8"), 1)
    hover = client.at("textDocument/hover", art2, 8, 20)  # borrower.status, from the last
    assert "**borrower.status** — fact (enum)" in hover["contents"]["value"]  # good load


def test_hover_completion_definition_references(client: Client) -> None:
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text, 1)
    _diagnostics(client, ART1, 1)
    lines = text.splitlines()
    col = lines[29].index("daily_fine") + 3
    hover = client.at("textDocument/hover", ART1, 29, col)["contents"]
    assert hover["kind"] == "markdown"
    assert "today (2021-06-01): 0.60 EUR from 2021-01-01" in hover["value"]
    assert "- 2021-01-01..2021-12-31:\n  - 0.60 EUR" in hover["value"]

    where = client.at("textDocument/definition", ART1, 29, col)
    assert where == {"uri": uri(MINIMAL / "parameters" / "daily_fine.yaml"),
                     "range": {"start": {"line": 0, "character": 4},
                               "end": {"line": 0, "character": 14}}}
    refs = client.at("textDocument/references", ART1, 29, col,
                     context={"includeDeclaration": False})
    assert [(Path(r["uri"]).name, r["range"]["start"]["line"]) for r in refs] == [
        ("art-01.yaml", 25), ("art-01.yaml", 29)]

    # type `    requires: borrower.status != '` on a new line and ask what comes next
    typed = "    requires: borrower.status != '"
    new = lines[:15] + [typed] + lines[15:]
    client.change(ART1, "\n".join(new) + "\n", 2)
    got = client.at("textDocument/completion", ART1, 15, len(typed))
    values = {i["label"]: i for i in got["items"]}
    assert set(values) == {"adult", "child", "staff"}
    assert values["child"]["textEdit"] == {
        "range": {"start": {"line": 15, "character": len(typed) - 1},
                  "end": {"line": 15, "character": len(typed)}}, "newText": "'child'"}
    assert values["child"]["kind"] == 20  # EnumMember
    facts = client.at("textDocument/completion", ART1, 14, len("    requires: loan.re"))
    labels = {i["label"] for i in facts["items"]}
    assert "loan.return_date" in labels and "borrower.status" not in labels
    # the continuation line of a folded expression is the expression's: names offered
    folded = new.index("          days_between(loan.due_date, loan.return_date) * daily_fine")
    names = client.at("textDocument/completion", ART1, folded, len("          days_b"))
    assert {i["label"] for i in names["items"]} == {"days_between"}


# -- the LT rulebook --------------------------------------------------------------------

def test_lt_rulebook_through_the_protocol() -> None:
    art5 = (LT / "articles" / "art-05.yaml").absolute()
    text = art5.read_text(encoding="utf-8")
    lines = text.splitlines()
    c = _server("2026-01-15")
    try:
        c.initialize(LT.absolute())
        c.open(art5, text, 1)
        errors = [d for d in _diagnostics(c, art5, 1) if d["severity"] == 1]
        assert errors == []
        n = next(i for i, line in enumerate(lines) if "11 * base_social_benefit" in line)
        col = lines[n].index("base_social_benefit") + 4
        hover = c.at("textDocument/hover", art5, n, col)["contents"]["value"]
        assert "on the dates of rule `newborn_amount` (Art. 5(1))" in hover
        assert "130 LTL from 2008-01-01" in hover and "38 EUR from 2015-01-01" in hover
        assert "confidence: assumed" in hover
        where = c.at("textDocument/definition", art5, n, col)
        assert where["uri"] == uri(LT / "parameters" / "base_social_benefit.yaml")
        decision = next(i for i, line in enumerate(lines) if "decision: lump_sum_child" in line)
        shown = c.at("textDocument/hover", art5, decision, 16)["contents"]["value"]
        assert "applicable_date — the date that selects" in shown
        assert "[Art. 5(1)] newborn_amount  articles/art-05.yaml:5" in shown
        refs = c.at("textDocument/references", art5, n, col,
                    context={"includeDeclaration": True})
        files = {Path(r["uri"]).name for r in refs}
        assert {"art-05.yaml", "art-09.yaml", "base_social_benefit.yaml"} <= files

        bad = text.replace("11 * base_social_benefit", "11 * base_social_benefits", 1)
        c.change(art5, bad, 2)
        [d] = _diagnostics(c, art5, 2)
        assert d["range"]["start"] == {"line": n, "character": col - 4}
        assert "did you mean 'base_social_benefit'?" in d["message"]
        typed = "    when: child.residence == "
        c.change(art5, "\n".join(lines[:n] + [typed] + lines[n:]) + "\n", 3)
        got = c.at("textDocument/completion", art5, n, len(typed))
        assert {i["label"] for i in got["items"]} == {"LT", "EU_EEA_CH", "other"}
    finally:
        c.close()


@pytest.mark.parametrize("rulebook", sorted(
    p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "rules").rglob("rulebook.yaml")))
def test_every_shipped_rulebook_is_served(rulebook: str) -> None:
    """Diagnostics (no error), hover on a decision id and a definition for each rulebook."""
    root = ROOT / rulebook
    decisions = root / "decisions.yaml"
    text = decisions.read_text(encoding="utf-8")
    lines = text.splitlines()
    c = _server("2026-01-15")
    try:
        c.initialize(root)
        c.open(decisions, text, 1)
        assert [d for d in _diagnostics(c, decisions, 1) if d["severity"] == 1] == []
        n = next(i for i, line in enumerate(lines) if line.startswith("  ") and
                 not line.startswith("   ") and line.rstrip().endswith(":"))
        hover = c.at("textDocument/hover", decisions, n, 3)["contents"]["value"]
        assert "applicable_date — " in hover and "value — " in hover
        expr = next(i for i, line in enumerate(lines) if "expr:" in line)
        comp = c.at("textDocument/completion", decisions, expr, len(lines[expr]))
        assert comp["items"]
    finally:
        c.close()


def test_hostile_buffers_are_diagnostics_and_the_server_goes_on(client: Client) -> None:
    """Control characters, a file over the size limit, deep nesting: each a diagnostic of
    statute's own, at the file; the server answers the next request."""
    for n, text in enumerate([
            "\x00\x01\x1b[31m rules: [",
            "title: " + "x" * 1_100_000 + "\n",
            "rules: " + "[" * 200 + "]" * 200 + "\n"], 1):
        client.open(ART1, text, n) if n == 1 else client.change(ART1, text, n)
        [d] = _diagnostics(client, ART1, n)
        assert d["severity"] == 1 and "Traceback" not in d["message"]
        assert d["message"].startswith(("malformed YAML", "file is", "nested more than")), d
    caps = client.at("textDocument/hover", MINIMAL / "facts.yaml", 1, 4)
    assert caps is None or "contents" in caps


def test_closing_a_buffer_goes_back_to_the_disk(client: Client) -> None:
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text.replace("daily_fine", "daily_fin"), 1)
    assert len(_diagnostics(client, ART1, 1)) == 2
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri(ART1)}})
    assert _diagnostics(client, ART1) == []


def test_columns_are_utf16_code_units(client: Client) -> None:
    """LSP counts UTF-16 code units: a character outside the BMP before an error moves
    its column by two, not one."""
    facts = MINIMAL / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    line = '  borrower.waiver: {description: "\U0001F4DA", type: bool, default: yes, cite: § 2(2)}'
    lines = text.splitlines()
    n = next(i for i, x in enumerate(lines) if x.startswith("  borrower.waiver:"))
    lines[n] = line
    client.open(facts, "\n".join(lines) + "\n", 1)
    [d] = [d for d in _diagnostics(client, facts, 1) if "default" in d["message"]]
    assert d["range"]["start"] == {"line": n, "character": line.index("yes") + 1}
    assert d["range"]["end"]["character"] == line.index("yes") + 4


def test_a_burst_of_edits_is_checked_together_and_the_last_one_wins(client: Client) -> None:
    """Twenty edits sent at once (typing faster than a check): the diagnostics of the
    last version arrive and are the last text's; the edits between are checked together,
    not one by one."""
    text = ART1.read_text(encoding="utf-8")
    client.open(ART1, text, 1)
    _diagnostics(client, ART1, 1)
    for v in range(2, 22):
        client.change(ART1, text.replace("daily_fine", "daily_fin" if v % 2 else "daily_fine"),
                      v)  # odd versions misspelt twice, even ones right; 21 is odd
    published: list[int] = []
    while True:
        _, params = client.wait_for(DIAGNOSTICS, lambda p: p["uri"] == uri(ART1))
        published.append(params["version"])
        if params["version"] == 21:
            break
    assert len(params["diagnostics"]) == 2
    assert all("daily_fin'" in d["message"] for d in params["diagnostics"])
    assert len(published) < 20, published

"""Schema modelines (`statute check --fix-modelines`) and the catalog in schemas/."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.check.modelines import MODELINE, catalog, fix_modelines, schema_for
from engine.lsp.documents import find_root
from tests.engine.test_invalid_rulebooks import GOOD, ROOT


def _schema_of_modeline(file: Path) -> Path:
    first = file.read_text(encoding="utf-8").partition("\n")[0]
    assert first.startswith(MODELINE), file
    target = first[len(MODELINE):]
    if target.startswith("file://"):  # outside the repository: an absolute URI
        from urllib.parse import unquote, urlparse
        return Path(unquote(urlparse(target).path))
    return (file.parent / target).resolve()


def test_fix_writes_each_files_schema_once_and_the_rulebook_still_loads(tmp_path: Path) -> None:
    root = tmp_path / "rules" / "minimal"
    shutil.copytree(GOOD, root)
    inside = ROOT / "tests" / "fixtures" / "rulebooks" / "good" / "minimal" / "articles" / "x.yaml"
    from engine.check.modelines import modeline
    assert modeline(inside, "article") == MODELINE + "../../../../../../engine/schemas/article.schema.json"
    before = {f: f.read_text(encoding="utf-8") for f in root.rglob("*.yaml")}
    changed = fix_modelines(root)
    assert sorted(changed) == sorted(before)  # every file is of a known kind
    for f in changed:
        schema = _schema_of_modeline(f)
        kind = schema_for(f.relative_to(root).as_posix())
        assert schema.is_file() and schema.name == f"{kind}.schema.json"
        assert f.read_text(encoding="utf-8").partition("\n")[2] == before[f]  # only a line added
    assert _schema_of_modeline(root / "articles" / "art-01.yaml").name == "article.schema.json"
    assert fix_modelines(root) == []  # idempotent
    rb = engine.load(root)
    assert rb.decisions["late_return_fine"].rules[0].position.line == 12  # was line 11


def test_a_stale_modeline_is_replaced_not_doubled(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(GOOD, root)
    facts = root / "facts.yaml"
    facts.write_text(f"{MODELINE}old/facts.schema.json\n" + facts.read_text(encoding="utf-8"),
                     encoding="utf-8")
    assert facts in fix_modelines(root)
    text = facts.read_text(encoding="utf-8")
    assert text.count(MODELINE) == 1 and _schema_of_modeline(facts).name == "facts.schema.json"


def test_statute_check_fix_modelines(tmp_path: Path) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(GOOD, root)
    done = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(root),
                           "--fix-modelines", "--today", "2021-06-01"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{root}: the schema modeline written in 7 files"  # plural form of 7 in done.stdout
    assert "ok (1 decisions" in done.stdout


def test_every_shipped_rulebook_file_is_valid_against_the_schema_its_modeline_names() -> None:
    """The editor would validate each file against that schema: a wrong kind in the
    table would paint a correct file red."""
    from engine.load.schema import schema_errors
    from engine.load.yaml import read_yaml

    files = list((ROOT / "rules").rglob("*.yaml"))
    assert len(files) > 50
    for f in files:
        root = find_root(f)
        assert root is not None
        kind = schema_for(f.relative_to(root).as_posix())
        assert kind is not None, f
        assert list(schema_errors(read_yaml(f), kind)) == [], f


def test_the_catalog_is_the_table_and_names_existing_schemas() -> None:
    path = ROOT / "schemas" / "catalog.json"
    shipped = json.loads(path.read_text(encoding="utf-8"))
    assert shipped == catalog()  # regenerate: python -m engine.check.modelines
    for entry in shipped["schemas"]:
        assert (path.parent / entry["url"]).resolve().is_file(), entry["url"]


YAML_LS = os.environ.get("STATUTE_YAML_LS") or shutil.which("yaml-language-server")


@pytest.mark.skipif(YAML_LS is None, reason="yaml-language-server is not installed (npm "
                    "install yaml-language-server; or set STATUTE_YAML_LS to its path)")
def test_yaml_language_server_validates_and_completes_from_the_modeline(tmp_path: Path) -> None:
    """The editors' own YAML server (Red Hat's, in VS Code and Neovim) reads the modeline:
    a misspelt key is reported by the article schema, and the keys of a rule complete."""
    from engine.lsp.client import Client, uri

    root = tmp_path / "minimal"
    shutil.copytree(GOOD, root)
    fix_modelines(root)
    art = root / "articles" / "art-01.yaml"
    text = art.read_text(encoding="utf-8").replace(
        "    decision: late_return_fine\n", "    decision: late_return_fine\n    decisoin: x\n", 1)
    n = text.splitlines().index("    decisoin: x")
    c = Client([str(YAML_LS), "--stdio"], timeout=60)
    try:
        c.request("initialize", {"processId": None, "rootUri": uri(root), "capabilities": {}})
        c.notify("initialized", {})
        c.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {
            "validate": True, "completion": True, "schemaStore": {"enable": False}}}})
        c.open(art, text, 1)
        _, params = c.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri(art))
        [d] = params["diagnostics"]
        assert d["message"] == "Property decisoin is not allowed."
        assert d["range"]["start"] == {"line": n, "character": 4}
        got = c.at("textDocument/completion", art, n, 4)
        labels = {i["label"] for i in (got["items"] if isinstance(got, dict) else got)}
        assert {"requires", "unless", "value", "versions"} <= labels
    finally:
        c.close()

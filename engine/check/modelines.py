"""Schema modelines: each rulebook file names its JSON Schema for any YAML editor.

The Red Hat YAML extension (VS Code) and yaml-language-server (Neovim, Helix, ...) give
completion and validation from a schema a file names in its first line:

    # yaml-language-server: $schema=../../../../engine/schemas/article.schema.json

`statute check --fix-modelines` writes that line into every file of a rulebook whose
kind it knows (`SCHEMA_OF`); the path is relative when the file and the schemas share a
folder above the filesystem root (a clone of this repository), else a file:// URI.
`catalog()` is the same table as a schema catalog (schemas/catalog.json), for editors
configured by file pattern instead.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path, PurePosixPath
from typing import Any

from engine.atomic import write_atomic

__all__ = ["SCHEMA_OF", "MODELINE", "schema_for", "modeline", "fix_modelines", "catalog",
           "schemas_folder"]

MODELINE = "# yaml-language-server: $schema="

SCHEMA_OF: tuple[tuple[str, str, str], ...] = (
    ("rulebook.yaml", "rulebook", "a rulebook's identity, coverage and rounding"),
    ("facts.yaml", "facts", "the typed facts of a case"),
    ("decisions.yaml", "decisions", "what a rulebook decides"),
    ("definitions.yaml", "definitions", "named expressions"),
    ("amendments.yaml", "amendments", "the acts that changed the law"),
    ("parameters/*.yaml", "parameter", "a dated parameter series"),
    ("articles/*.yaml", "article", "one article's rules"),
    ("tests/*.yaml", "test", "a rulebook's YAML tests"),
    ("examples/*.yaml", "case", "a case: facts on a date"),
)
"""(file pattern relative to the rulebook folder, schema name, what such a file is)."""


def schemas_folder() -> Path:
    """Where the installed engine's JSON Schemas are (engine/schemas/)."""
    return Path(__file__).resolve().parent.parent / "schemas"


def schema_for(rel: str) -> str | None:
    """The schema name of the rulebook file at relative path `rel`, or None."""
    parts = PurePosixPath(rel).parts
    for pattern, name, _ in SCHEMA_OF:
        want = PurePosixPath(pattern).parts
        if len(parts) == len(want) and all(fnmatch.fnmatchcase(p, w)
                                           for p, w in zip(parts, want)):
            return name
    return None


def modeline(file: Path, schema: str) -> str:
    """The modeline naming `schema` for `file`."""
    target = schemas_folder() / f"{schema}.schema.json"
    here = file.resolve().parent
    common = Path(os.path.commonpath([here, target]))
    if common == Path(common.anchor):  # nothing shared but the root: an absolute URI
        return MODELINE + target.as_uri()
    return MODELINE + Path(os.path.relpath(target, here)).as_posix()


def fix_modelines(root: str | Path) -> list[Path]:
    """Write (or correct) the modeline of every file of the rulebook at `root`; the files
    changed. Only the first line is touched: a file's other bytes stay as they were."""
    root = Path(root)
    changed = []
    for file in sorted(root.rglob("*.yaml")):
        rel = file.relative_to(root).as_posix()
        name = schema_for(rel)
        if name is None:
            continue
        line = modeline(file, name)
        text = file.read_text(encoding="utf-8")
        first, nl, rest = text.partition("\n")
        if first == line:
            continue
        fixed = f"{line}\n{rest}" if first.startswith(MODELINE) else f"{line}\n{text}"
        write_atomic(file, fixed.encode("utf-8"))
        changed.append(file)
    return changed


def catalog(base: str = "../engine/schemas/") -> dict[str, Any]:
    """The schema catalog (JSON Schema Store's format) of `SCHEMA_OF`, URLs under `base`."""
    return {
        "$schema": "https://json.schemastore.org/schema-catalog.json",
        "version": 1,
        "schemas": [{"name": f"statute {name}", "description": what,
                     "fileMatch": [f"**/rules/**/{pattern}"],
                     "url": f"{base}{name}.schema.json"} for pattern, name, what in SCHEMA_OF],
    }


if __name__ == "__main__":  # python -m engine.check.modelines > schemas/catalog.json
    import json
    import sys

    json.dump(catalog(), sys.stdout, indent=2)
    sys.stdout.write("\n")

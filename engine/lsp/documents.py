"""A rulebook as the editor holds it: the files on disk with the open buffers over them.

`engine.load` already reads unsaved texts in place of the disk's (`files`); this module
finds which rulebook folder a file belongs to and gathers the buffers under it.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

from engine.errors import StatuteError
from engine.load.yaml import Document, parse_yaml, read_bounded

__all__ = ["Buffers", "find_root", "rulebook_files", "read_text", "parse"]

FIXED_FILES = ("rulebook.yaml", "facts.yaml", "decisions.yaml", "definitions.yaml",
               "amendments.yaml")
FOLDERS = ("parameters", "articles")
"""The files a rulebook is loaded from (engine/load/build.py reads exactly these)."""


def find_root(path: str | Path) -> Path | None:
    """The rulebook folder holding `path`: the nearest folder upwards with rulebook.yaml."""
    p = Path(path).absolute()
    for folder in (p, *p.parents) if p.is_dir() else p.parents:
        if (folder / "rulebook.yaml").is_file():
            return folder
    return None


class Buffers:
    """The texts of the files open in the editor, by absolute path."""

    def __init__(self) -> None:
        self.texts: dict[Path, str] = {}

    def set(self, path: str | Path, text: str) -> None:
        self.texts[Path(path).absolute()] = text

    def close(self, path: str | Path) -> None:
        self.texts.pop(Path(path).absolute(), None)

    def overlay(self, root: Path) -> dict[str, str]:
        """The open buffers under `root`, by path relative to it (engine.load's `files`)."""
        out = {}
        for path, text in self.texts.items():
            if root in path.parents:
                out[str(PurePosixPath(path.relative_to(root)))] = text
        return out


def rulebook_files(root: Path, overlay: Mapping[str, str]) -> list[str]:
    """The relative paths of the rulebook's files, on disk or only in the editor."""
    found = {f for f in FIXED_FILES if (root / f).is_file() or f in overlay}
    for folder in FOLDERS:
        if (root / folder).is_dir():
            found.update(f"{folder}/{p.name}" for p in (root / folder).glob("*.yaml"))
        found.update(k for k in overlay if k.startswith(folder + "/") and k.endswith(".yaml")
                     and "/" not in k[len(folder) + 1:])
    return sorted(found)


def read_text(root: Path, rel: str, overlay: Mapping[str, str]) -> str | None:
    """The file's text as the editor sees it; None when it cannot be read."""
    if rel in overlay:
        return overlay[rel]
    try:
        return read_bounded(root / rel).decode("utf-8")
    except (StatuteError, UnicodeDecodeError):
        return None


def parse(root: Path, overlay: Mapping[str, str]) -> Iterator[tuple[str, Document]]:
    """Every rulebook file that parses, with its relative path; a broken one is skipped
    (its errors are the diagnostics' business)."""
    for rel in rulebook_files(root, overlay):
        text = read_text(root, rel, overlay)
        if text is None:
            continue
        try:
            yield rel, parse_yaml(text, str(root / rel))
        except StatuteError:
            continue

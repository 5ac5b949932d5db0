"""Where a rulebook's files come from: a folder on disk, optionally overlaid by texts.

An editor holds unsaved buffers; `load(folder, files={"articles/art-05.yaml": text})`
checks the rulebook as the drafter sees it, without writing anything. Every file the
loader reads is recorded, so the rulebook's content hash is over exactly what was
loaded: SHA-256 over the sorted relative paths and bytes of those files.
"""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Mapping

from engine.errors import LoadError, Position
from engine.load.yaml import MAX_FILE_BYTES, Document, parse_yaml, read_yaml

__all__ = ["Source"]


class Source:
    """A rulebook folder, with `files` (relative path -> text) read in place of the disk."""

    def __init__(self, root: str | Path, files: Mapping[str, str] | None = None):
        self.root = Path(root)
        self.files = {str(PurePosixPath(k)): v for k, v in (files or {}).items()}
        self.read_files: dict[str, bytes] = {}  # relative path -> bytes, as loaded

    def path(self, rel: str | Path) -> Path:
        return self.root / rel

    def is_folder(self) -> bool:
        return self.root.is_dir() or bool(self.files)

    def exists(self, rel: str | Path) -> bool:
        key = str(PurePosixPath(rel))
        return key in self.files or (self.root / rel).exists()

    def is_file(self, rel: str | Path) -> bool:
        key = str(PurePosixPath(rel))
        return key in self.files or (self.root / rel).is_file()

    def glob(self, folder: str) -> list[str]:
        """Relative paths of the *.yaml files in `folder`, on disk or in `files`."""
        found: set[str] = set()
        disk = self.root / folder
        if disk.is_dir():
            found.update(f"{folder}/{p.name}" for p in disk.glob("*.yaml"))
        prefix = folder + "/"
        found.update(k for k in self.files
                     if k.startswith(prefix) and "/" not in k[len(prefix):]
                     and k.endswith(".yaml"))
        return sorted(found)

    def read(self, rel: str | Path) -> Document:
        """The parsed file; LoadError (positioned) if it cannot be read or parsed."""
        key = str(PurePosixPath(rel))
        name = str(self.root / rel)
        if key in self.files:
            text = self.files[key]
            data = text.encode("utf-8")
            if len(data) > MAX_FILE_BYTES:
                raise LoadError(f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES} bytes",
                                Position(name))
            self.read_files[key] = data
            return parse_yaml(text, name)
        doc = read_yaml(self.root / rel)
        try:
            self.read_files[key] = (self.root / rel).read_bytes()
        except OSError:  # pragma: no cover - it was just read
            pass
        return doc

    def content_hash(self) -> str:
        """`sha256:` + the digest over the sorted relative paths and bytes of what was read."""
        h = hashlib.sha256()
        for key in sorted(self.read_files):
            data = self.read_files[key]
            h.update(key.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
        return "sha256:" + h.hexdigest()

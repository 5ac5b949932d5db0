"""Where a rulebook's files come from: a folder on disk, optionally overlaid by texts.

An editor holds unsaved buffers; `load(folder, files={"articles/art-05.yaml": text})`
checks the rulebook as the drafter sees it, without writing anything. Every file the
loader reads is recorded, so the rulebook's content hash is over exactly what was
loaded: SHA-256 over the sorted relative paths and bytes of those files. Every question
asked of the disk (is there a folder, a file, which files does a folder hold) is recorded
with its answer too (`probes`): what was read and what was looked for are all a load
depends on, which lets `engine.load.cache` tell whether a compiled rulebook still holds.
"""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from engine.errors import LoadError, Position
from engine.load.yaml import MAX_FILE_BYTES, Document, parse_bytes, parse_yaml, read_bounded
from engine.render.messages import Message

__all__ = ["Source"]


class Source:
    """A rulebook folder, with `files` (relative path -> text) read in place of the disk."""

    def __init__(self, root: str | Path, files: Mapping[str, str] | None = None):
        self.root = Path(root)
        self.files = {str(PurePosixPath(k)): v for k, v in (files or {}).items()}
        self.read_files: dict[str, bytes] = {}  # relative path -> bytes, as loaded
        self.probes: dict[tuple[str, str], Any] = {}  # (question, relative path) -> answer

    def ask(self, question: str, rel: str) -> Any:
        """The disk's answer to `question` about `rel` (see PROBES), recorded."""
        answer = PROBES[question](self.root, rel)
        self.probes[(question, rel)] = answer
        return answer

    def path(self, rel: str | Path) -> Path:
        return self.root / rel

    def is_folder(self) -> bool:
        return bool(self.ask("folder", "")) or bool(self.files)

    def exists(self, rel: str | Path) -> bool:
        key = str(PurePosixPath(rel))
        return key in self.files or bool(self.ask("exists", key))

    def is_file(self, rel: str | Path) -> bool:
        key = str(PurePosixPath(rel))
        return key in self.files or bool(self.ask("file", key))

    def glob(self, folder: str) -> list[str]:
        """Relative paths of the *.yaml files in `folder`, on disk or in `files`."""
        found: set[str] = set(self.ask("glob", folder))
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
                raise LoadError(Message("file is {n} bytes; the limit is {MAX_FILE_BYTES} bytes",
                                        n=len(data), MAX_FILE_BYTES=MAX_FILE_BYTES),
                                Position(name))
            self.read_files[key] = data
            return parse_yaml(text, name)
        target = (self.root / rel).resolve()
        inside = self.root.resolve()
        if target != inside and inside not in target.parents:
            # a link out of the folder: a rulebook is its own files (and an error must
            # never show another file's content)
            raise LoadError(Message("a symbolic link to a file outside the rulebook folder; "
                                    "statute reads only the rulebook's own files (copy the "
                                    "file in)"),
                            Position(name))
        raw = read_bounded(self.root / rel)  # read once: what is parsed is what is hashed
        self.read_files[key] = raw
        return parse_bytes(raw, name)

    def content_hash(self) -> str:
        """`sha256:` + the digest over the sorted relative paths and bytes of what was read."""
        return content_hash(self.read_files)


def content_hash(files: Mapping[str, bytes]) -> str:
    """`sha256:` + the digest over the sorted relative paths and bytes of `files`."""
    h = hashlib.sha256()
    for key in sorted(files):
        data = files[key]
        h.update(key.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return "sha256:" + h.hexdigest()


def _glob(root: Path, folder: str) -> tuple[str, ...]:
    disk = root / folder
    if not disk.is_dir():
        return ()
    return tuple(sorted(f"{folder}/{p.name}" for p in disk.glob("*.yaml")))


PROBES: dict[str, Callable[[Path, str], Any]] = {
    "folder": lambda root, rel: root.is_dir(),
    "exists": lambda root, rel: (root / rel).exists(),
    "file": lambda root, rel: (root / rel).is_file(),
    "glob": _glob,  # the *.yaml files directly in a folder, sorted
}
"""The questions a load asks of the disk, each a pure function of the disk's state: asked
again later, the same answers (and the same bytes read) mean the same rulebook."""

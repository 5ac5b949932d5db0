"""The rulebooks a server answers for: every rulebook under one folder, loaded once.

A `Catalog` is an immutable snapshot (rulebooks by id, the failures, the OpenAPI
document); the registry swaps in a new one when a rulebook changes on disk, so a
request sees one consistent set from start to end. A rulebook that fails to load
keeps its previous version serving, and the failure is shown in `/healthz`.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import quote

from engine.errors import ErrorList, StatuteError
from engine.load.build import load
from engine.rulebook import Rulebook

__all__ = ["Entry", "Catalog", "Registry", "engine_version", "find_roots"]


def engine_version() -> str:
    """The package version and a digest of the engine's own sources: two servers that
    give the same `engine_version` run the same code."""
    from engine.load.cache import engine_fingerprint

    try:
        from importlib.metadata import version
        released = version("statute")
    except Exception:  # not installed as a distribution (run from a source tree)
        released = "0+source"
    return f"{released}+{engine_fingerprint()[:12]}"


@dataclass(frozen=True)
class Entry:
    """One loaded rulebook, with what pins every answer from it."""

    rb: Rulebook
    folder: str
    signature: tuple  # (relative path, mtime, size) of each of its files
    loaded_at: str
    etag: str = field(init=False)
    headers: Mapping[str, str] = field(init=False)

    def __post_init__(self) -> None:
        tag = hashlib.sha256(f"{self.rb.content_hash}\0{ENGINE_VERSION}".encode()).hexdigest()
        object.__setattr__(self, "etag", f'"{tag[:32]}"')
        object.__setattr__(self, "headers", pin_headers(self.rb))


def pin_headers(rb: Rulebook) -> dict[str, str]:
    """The pins as HTTP headers; a version with non-ASCII text is percent-encoded UTF-8."""
    h = {"Statute-Engine-Version": ENGINE_VERSION}
    if rb.content_hash:
        h["Statute-Rulebook-Hash"] = rb.content_hash
    if rb.version:
        h["Statute-Rulebook-Version"] = quote(" ".join(rb.version.split()), safe=" ,;:()./-")
    return h


@dataclass(frozen=True)
class Catalog:
    entries: Mapping[str, Entry]  # by rulebook id, sorted
    failures: Mapping[str, list[str]]  # folder -> the errors of its last failed load
    generation: int
    etag: str  # of everything listed: changes when any rulebook does
    openapi: bytes = b""


def find_roots(path: Path) -> list[Path]:
    """The rulebook folders at or under `path` (each holds a rulebook.yaml)."""
    if (path / "rulebook.yaml").is_file():
        return [path]
    return sorted(f.parent for f in path.rglob("rulebook.yaml"))


def _signature(folder: Path) -> tuple:
    out = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            p = os.path.join(base, f)
            try:
                st = os.stat(p)
            except OSError:
                continue
            out.append((os.path.relpath(p, folder), st.st_mtime_ns, st.st_size))
    return tuple(out)


def _messages(e: StatuteError) -> list[str]:
    return [str(x) for x in (e.errors if isinstance(e, ErrorList) else [e])][:20]


class Registry:
    """Loads the rulebooks under `path`; `refresh()` reloads those whose files changed."""

    def __init__(self, path: str | Path, document: Callable[[Catalog], bytes] | None = None):
        self.path = Path(path)
        self._document = document
        self._lock = threading.Lock()
        self._failed_sig: dict[str, tuple] = {}  # folder -> the files of its failed load
        self.catalog = Catalog({}, {}, 0, '"0"')
        if not self.path.is_dir():
            raise FileNotFoundError(f"{path}: no such folder")
        self.refresh()

    def refresh(self) -> bool:
        """Reload what changed on disk; True when the catalog changed."""
        with self._lock:
            old = self.catalog
            by_folder = {e.folder: e for e in old.entries.values()}
            entries: dict[str, Entry] = {}
            failures: dict[str, list[str]] = {}
            changed = False
            for root in find_roots(self.path):
                folder = str(root)
                sig = _signature(root)
                prev = by_folder.get(folder)
                if prev is not None and prev.signature == sig:
                    entry: Entry | None = prev
                elif folder in old.failures and self._failed_sig.get(folder) == sig:
                    failures[folder] = old.failures[folder]  # still broken, not reloaded
                    entry = prev
                else:
                    try:
                        entry = Entry(load(root), folder, sig,
                                      _dt.datetime.now(_dt.timezone.utc).isoformat(
                                          timespec="seconds"))
                        changed = True
                    except StatuteError as e:
                        failures[folder] = _messages(e)
                        self._failed_sig[folder] = sig
                        entry = prev  # the previous version goes on serving
                        changed = changed or folder not in old.failures
                    except OSError as e:
                        failures[folder] = [f"{folder}: {e.strerror or e}"]
                        self._failed_sig[folder] = sig
                        entry = prev
                if entry is None:
                    continue
                if entry.rb.id in entries:
                    failures[folder] = [f"{folder}: rulebook id {entry.rb.id!r} is also the id "
                                        f"of {entries[entry.rb.id].folder}; ids must differ"]
                    continue
                entries[entry.rb.id] = entry
            if set(by_folder) != {e.folder for e in entries.values()} or \
                    set(failures) != set(old.failures):
                changed = True
            if not changed and old.generation:
                return False
            ordered = {k: entries[k] for k in sorted(entries)}
            tag = hashlib.sha256("\0".join(f"{k}={e.etag}" for k, e in ordered.items())
                                 .encode()).hexdigest()
            cat = Catalog(ordered, failures, old.generation + 1, f'"{tag[:32]}"')
            if self._document is not None:
                cat = Catalog(cat.entries, cat.failures, cat.generation, cat.etag,
                              self._document(cat))
            self.catalog = cat
            return True

    def health(self) -> dict[str, Any]:
        cat = self.catalog
        return {"status": "ok" if not cat.failures else "degraded",
                "engine_version": ENGINE_VERSION, "generation": cat.generation,
                "rulebooks": {k: {"rulebook_hash": e.rb.content_hash,
                                  "rulebook_version": e.rb.version, "loaded_at": e.loaded_at,
                                  "folder": self._shown(e.folder)}
                              for k, e in cat.entries.items()},
                "failures": [{"folder": self._shown(f), "errors": errs}
                             for f, errs in cat.failures.items()]}

    def _shown(self, folder: str) -> str:
        """A folder as /healthz shows it: relative to the folder served, never absolute."""
        return os.path.relpath(folder, self.path)


ENGINE_VERSION = engine_version()

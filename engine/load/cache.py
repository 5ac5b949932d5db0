"""A cache of compiled rulebooks on disk, so a new process need not load, check and compile.

Where: `$XDG_CACHE_HOME/statute/rulebooks/` (default `~/.cache/statute/rulebooks/`);
`STATUTE_CACHE=0` turns it off. Loading with `files` (unsaved buffers) never uses it.

What an entry holds: the compiled `Rulebook` (pickled, its generated functions as
marshalled code objects), and everything it was built from: the answers to every question
the load asked of the disk (`Source.probes`: is there a folder, a file, which files a
folder holds) and the content hash of every file it read.

Why a hit is the rulebook a fresh load would give: a load is a deterministic function of
the engine's code, the Python that runs it, the root as given, the disk's answers and the
bytes read. The entry's name is a digest of all of them (`_key`); on a lookup the questions
are asked again and the files read again, and the entry is used only when its name, the
header inside it (engine fingerprint, root, inputs digest, payload checksum) and the
rulebook's own `content_hash` all agree with what the disk says now. A changed, added or
removed file changes the digest: another entry, never a stale one. The engine fingerprint
hashes every source file of `engine/` (and its schemas), so an engine change misses too.

Safety: entries are written to a temporary file in the same folder and renamed into place
(`os.replace`), so a reader sees a whole entry or none, and two processes filling the same
entry at once each write a complete file, the last rename winning. A corrupt, truncated or
foreign entry fails its checks and is rebuilt; any error while reading or writing the
cache is a miss, never a failure. The folder is made private (0700) and is used only if
this user owns it and others cannot write to it, since unpickling trusts its contents.

`stats` counts what happened in this process (lookups, hits, builds, writes, rejected
entries): deterministic counters for tests and diagnostics.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import marshal
import os
import pickle
import sys
import time
import types
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from engine.atomic import write_atomic
from engine.load.source import PROBES, Source, content_hash

__all__ = ["cached_load", "cache_dir", "enabled", "engine_fingerprint", "stats"]

FORMAT = 1  # the entry layout; bump on any change to what an entry holds
_MAGIC = b"statute-rulebook-cache\n"
_FILE_LIMIT = 1_000_000  # the loader's own limit (engine.load.yaml.MAX_FILE_BYTES)
KEEP = 64  # entries kept; the oldest beyond are removed after each write

stats: Counter = Counter()
"""In this process: lookups, hits, misses, builds (every load that built, cached or not),
bypassed (loads the cache was off for, or with `files`), writes, rejected (entries found
but failing a check), write_errors."""


def enabled() -> bool:
    """Whether the cache is used: not when STATUTE_CACHE is 0 (or off, false, no)."""
    return os.environ.get("STATUTE_CACHE", "1").strip().lower() not in ("0", "off", "false",
                                                                       "no")


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/statute/rulebooks`, `~/.cache/statute/rulebooks` by default."""
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "statute" / "rulebooks"


def cached_load(source: Source, build: Callable[[Source], Any]) -> Any:
    """The rulebook `build(source)` gives, from the cache when an entry still holds."""
    if source.files or not enabled():
        stats["bypassed"] += 1
        stats["builds"] += 1
        return build(source)
    stats["lookups"] += 1
    folder = cache_dir()
    ident = _identity(source.root)
    hit = _lookup(folder, ident, source.root)
    if hit is not None:
        stats["hits"] += 1
        return hit
    stats["misses"] += 1
    stats["builds"] += 1
    rb = build(source)  # raises for an invalid rulebook: nothing is stored
    _store(folder, ident, source, rb)
    return rb


# -- keys ---------------------------------------------------------------------------
@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A digest of the engine's sources and schemas, the Python and the entry format."""
    h = hashlib.sha256(f"{FORMAT}\0{sys.implementation.cache_tag}\0{sys.version}\0"
                       f"{pickle.HIGHEST_PROTOCOL}".encode())
    package = Path(__file__).resolve().parent.parent
    found: list[str] = []
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(os.path.join(folder, f) for f in files
                     if f.endswith((".py", ".json", ".pyc")))
    for path in sorted(found):
        with open(path, "rb") as fh:
            data = fh.read()
        rel = os.path.relpath(path, package)
        h.update(f"{rel}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


def _identity(root: Path) -> dict[str, str]:
    """What a rulebook's strings depend on besides its files: the root as given (positions
    and `Rulebook.root` carry it) and where that is."""
    return {"engine": engine_fingerprint(), "root": str(root),
            "where": os.path.abspath(root)}


def _digest(ident: dict[str, str], probes: list, answers: list, read: dict[str, bytes]) -> str:
    h = hashlib.sha256(json.dumps([ident, probes, answers], sort_keys=True).encode())
    h.update(content_hash(read).encode())
    return h.hexdigest()


def _name(ident: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:40]


def _replay(root: Path, probes: list, reads: list) -> tuple[list, dict[str, bytes]] | None:
    """The disk's answers now to the recorded questions, and the bytes of the recorded
    files (None if one cannot be read)."""
    answers = []
    for question, rel in probes:
        answer = PROBES[question](root, rel)
        answers.append(list(answer) if isinstance(answer, tuple) else answer)
    data: dict[str, bytes] = {}
    for rel in reads:
        try:
            with open(root / rel, "rb") as fh:
                data[rel] = fh.read(_FILE_LIMIT + 1)
        except OSError:
            return None
    return answers, data


# -- reading ----------------------------------------------------------------------------
def _lookup(folder: Path, ident: dict[str, str], root: Path) -> Any:
    index = folder / f"{_name(ident)}.index"
    try:
        with open(index, "rb") as fh:
            recorded = json.loads(fh.read())
        probes = [tuple(p) for p in recorded["probes"]]
        reads = list(recorded["reads"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        now = _replay(root, probes, reads)
    except (OSError, KeyError, TypeError, ValueError):
        return None
    if now is None:
        return None
    answers, data = now
    digest = _digest(ident, [list(p) for p in probes], answers, data)
    entry = folder / f"{digest}.rulebook"
    try:
        with open(entry, "rb") as fh:
            blob = fh.read()
    except OSError:
        return None
    rb = _open_entry(blob, ident, digest, [list(p) for p in probes], answers, data)
    if rb is None:
        stats["rejected"] += 1
    return rb


def _open_entry(blob: bytes, ident: dict[str, str], digest: str, probes: list, answers: list,
                data: dict[str, bytes]) -> Any:
    """The rulebook in `blob` if every check holds, else None."""
    from engine.rulebook import Rulebook

    try:
        if not blob.startswith(_MAGIC):
            return None
        head_end = blob.index(b"\n", len(_MAGIC))
        head = json.loads(blob[len(_MAGIC):head_end])
        payload = blob[head_end + 1:]
        if (head.get("format") != FORMAT or head.get("identity") != ident
                or head.get("digest") != digest or head.get("probes") != probes
                or head.get("answers") != answers or head.get("reads") != sorted(data)
                or head.get("content_hash") != content_hash(data)
                or head.get("payload") != hashlib.sha256(payload).hexdigest()):
            return None
        rb = pickle.loads(payload)  # noqa: S301 - our own entry, checked above
    except Exception:  # noqa: BLE001 - a damaged entry is a miss
        return None
    if type(rb) is not Rulebook or rb.content_hash != head["content_hash"]:
        return None
    return rb


# -- writing ----------------------------------------------------------------------------
def _store(folder: Path, ident: dict[str, str], source: Source, rb: Any) -> None:
    probes = [list(k) for k in source.probes]
    answers = [list(a) if isinstance(a, tuple) else a for a in source.probes.values()]
    data = dict(source.read_files)
    digest = _digest(ident, probes, answers, data)
    try:
        payload = _dumps(rb)
    except Exception:  # noqa: BLE001 - something in it cannot be stored: no entry
        stats["write_errors"] += 1
        return
    head = {"format": FORMAT, "identity": ident, "digest": digest, "probes": probes,
            "answers": answers, "reads": sorted(data), "content_hash": content_hash(data),
            "payload": hashlib.sha256(payload).hexdigest()}
    blob = _MAGIC + json.dumps(head, sort_keys=True).encode() + b"\n" + payload
    index = json.dumps({"probes": probes, "reads": sorted(data)}).encode()
    try:
        if not _private_folder(folder):
            stats["write_errors"] += 1
            return
        write_atomic(folder / f"{digest}.rulebook", blob)
        write_atomic(folder / f"{_name(ident)}.index", index)
        stats["writes"] += 1
        _prune(folder)
    except OSError:
        stats["write_errors"] += 1


def _prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` newest entries (and indexes), and temporary files left by
    a process that died while writing; a file another process removes first is skipped."""
    now = time.time()
    for suffix in (".rulebook", ".index"):
        found = []
        for entry in os.scandir(folder):
            try:
                if entry.name.startswith(".tmp-"):
                    if now - entry.stat().st_mtime > 3600:
                        os.unlink(entry.path)
                elif entry.name.endswith(suffix):
                    found.append((entry.stat().st_mtime, entry.path))
            except OSError:
                continue
        for _, path in sorted(found, reverse=True)[keep:]:
            try:
                os.unlink(path)
            except OSError:
                pass


def _private_folder(folder: Path) -> bool:
    """Make `folder` (0700); True if it is ours and no one else can write to it."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = folder.stat()
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


# -- pickling what the loader generates -----------------------------------------------------
def _dumps(obj: Any) -> bytes:
    import io

    buf = io.BytesIO()
    _Pickler(buf).dump(obj)
    return buf.getvalue()


class _Pickler(pickle.Pickler):
    """Pickles a rulebook: the engine's module-level objects (sentinels such as NO_DEFAULT,
    shared tables) by reference, so identity checks still hold after loading; functions
    compiled at load time by their code (marshal) and namespace; the engine's tuple
    subclasses by their items."""

    def __init__(self, file: Any):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.globals: dict[int, tuple[str, str]] = {}
        for name, module in list(sys.modules.items()):
            if module is None or not (name == "engine" or name.startswith("engine.")):
                continue
            self.globals[id(vars(module))] = (name, "")
            for attr, value in vars(module).items():
                if not isinstance(value, _BY_VALUE) and not isinstance(value, _NATIVE):
                    self.globals.setdefault(id(value), (name, attr))

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is types.FunctionType and _importable(obj):
            return NotImplemented  # by its qualified name, as pickle does
        ref = self.globals.get(id(obj))
        if ref is not None:
            return _engine_global, ref
        if kind is types.FunctionType:
            cells = None if obj.__closure__ is None else tuple(obj.__closure__)
            return _function, (marshal.dumps(obj.__code__), obj.__globals__, obj.__name__,
                               obj.__qualname__, obj.__defaults__, obj.__kwdefaults__, cells,
                               obj.__dict__ or None)
        if kind is types.MappingProxyType:  # a read-only view (Rulebook's mappings)
            return _proxy, (dict(obj),)
        if kind is types.CellType:
            try:
                contents = obj.cell_contents
            except ValueError:  # an empty cell
                return types.CellType, ()
            return types.CellType, (), contents, None, None, _set_cell
        if issubclass(kind, tuple) and kind is not tuple and \
                getattr(kind, "__getnewargs__", None) is _TUPLE_NEWARGS and \
                kind.__module__.startswith("engine"):
            return _tuple_of, (kind, tuple(obj))
        return NotImplemented


_TUPLE_NEWARGS = vars(tuple)["__getnewargs__"]  # a subclass not overriding it pickles badly
_BY_VALUE = (str, bytes, int, float, complex, bool, type(None))
_NATIVE = (type, types.ModuleType, types.BuiltinFunctionType)


def _importable(fn: types.FunctionType) -> bool:
    module = sys.modules.get(fn.__module__ or "")
    target: Any = module
    for part in fn.__qualname__.split("."):
        target = getattr(target, part, None)
    return target is fn


def _proxy(d: dict) -> Any:
    """A read-only view again (MappingProxyType cannot be pickled by its name)."""
    return types.MappingProxyType(d)


def _engine_global(module: str, name: str) -> Any:
    namespace = vars(importlib.import_module(module))
    return namespace if not name else namespace[name]


def _function(code: bytes, globals_: dict, name: str, qualname: str, defaults: Any,
              kwdefaults: Any, cells: Any, attrs: Any) -> types.FunctionType:
    fn = types.FunctionType(marshal.loads(code), globals_, name, defaults, cells)
    fn.__qualname__ = qualname
    fn.__kwdefaults__ = kwdefaults
    if attrs:
        fn.__dict__.update(attrs)
    return fn


def _set_cell(cell: types.CellType, contents: Any) -> None:
    cell.cell_contents = contents


def _tuple_of(kind: type, items: tuple) -> Any:
    return tuple.__new__(kind, items)

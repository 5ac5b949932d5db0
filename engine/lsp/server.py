"""The protocol wiring: pygls's server, the editor's buffers, a check per rulebook.

Every edit re-runs the check stage on the rulebook the file belongs to, with every open
buffer of it in place of the disk's, off the event loop (so hover and completion answer
while it runs); edits that arrive meanwhile are checked together once it ends. Hover,
completion and navigation read the buffers as they stand and the last rulebook that
loaded, so they keep working while a buffer is broken.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
from pathlib import Path
from typing import Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from engine.errors import Position, StatuteError
from engine.lsp.complete import complete
from engine.lsp.diagnostics import Problem, diagnose
from engine.lsp.documents import Buffers, find_root, read_text, rulebook_files
from engine.lsp.hover import hover
from engine.lsp.navigate import definition, references
from engine.lsp.symbols import Analysis, build_index, enclosing_key

__all__ = ["StatuteServer", "serve"]

SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
            "information": t.DiagnosticSeverity.Information}
COMPLETION_KIND = {
    "fact": t.CompletionItemKind.Variable, "parameter": t.CompletionItemKind.Constant,
    "definition": t.CompletionItemKind.Field, "decision": t.CompletionItemKind.Module,
    "act": t.CompletionItemKind.Event, "helper": t.CompletionItemKind.Function,
    "value": t.CompletionItemKind.EnumMember, "rule": t.CompletionItemKind.Reference,
}


class StatuteServer(LanguageServer):
    """pygls's server with statute's state: buffers, last good rulebook per root."""

    def __init__(self, today: _dt.date | None = None):
        super().__init__("statute", "0.1.0",
                         text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.today = today
        self.buffers = Buffers()
        self.rulebooks: dict[Path, Any] = {}  # root -> the last Rulebook that loaded
        self.published: dict[Path, set[str]] = {}  # root -> files with diagnostics shown
        self.indexes: dict[Path, tuple[Any, Any]] = {}  # root -> (what it read, Index)
        self.running: set[Path] = set()
        self.dirty: set[Path] = set()

    def day(self) -> _dt.date:
        return self.today or _dt.date.today()

    # -- checking -------------------------------------------------------------
    async def check(self, root: Path) -> None:
        """Check `root` now, or again once the check running ends."""
        if root in self.running:
            self.dirty.add(root)
            return
        self.running.add(root)
        loop = asyncio.get_running_loop()
        try:
            while True:
                self.dirty.discard(root)
                overlay = self.buffers.overlay(root)
                versions = self._versions(root)
                try:
                    problems, report = await loop.run_in_executor(
                        None, diagnose, root, overlay, self.day())
                except Exception as e:  # a defect of statute's, not of the rulebook: said
                    self.window_show_message(t.ShowMessageParams(  # to the drafter, and the
                        t.MessageType.Error, f"statute could not check {root}: "  # server
                        f"{type(e).__name__}: {e}"))  # goes on serving
                    if root not in self.dirty:
                        break
                    continue
                if report.rulebook is not None:
                    self.rulebooks[root] = report.rulebook
                self._publish(root, problems, versions, overlay)
                if root not in self.dirty:
                    break
        finally:
            self.running.discard(root)

    def _versions(self, root: Path) -> dict[str, int]:
        out = {}
        for uri, doc in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path and root in Path(path).parents and doc.version is not None:
                out[str(Path(path))] = doc.version
        return out

    def _publish(self, root: Path, problems: dict[str, list[Problem]],
                 versions: dict[str, int], overlay: dict[str, str]) -> None:
        before = self.published.get(root, set())
        for file in sorted(before | set(problems) | set(versions)):  # open files: cleared
            lines = _lines(root, file, overlay)
            diags = [t.Diagnostic(
                range=t.Range(_pos(lines, p.line, p.start), _pos(lines, p.line, p.end)),
                message=p.message, severity=SEVERITY[p.severity], source="statute")
                for p in problems.get(file, [])]
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=from_fs_path(file) or file, diagnostics=diags, version=versions.get(file)))
        self.published[root] = set(problems)

    # -- what the features read ------------------------------------------------
    def analysis(self, root: Path) -> Analysis:
        rb = self.rulebooks.get(root)
        if rb is None:  # no check has ended yet: the disk's rulebook, if it loads
            from engine.load.build import load
            try:
                rb = self.rulebooks[root] = load(root)
            except StatuteError:
                rb = None
        overlay = self.buffers.overlay(root)
        key = (sorted(overlay.items()), _stats(root))
        cached = self.indexes.get(root)
        if cached is None or cached[0] != key:  # a buffer or a file on disk changed
            cached = self.indexes[root] = (key, build_index(root, overlay))
        return Analysis(cached[1], rb, self.day())


def _make(today: _dt.date | None) -> StatuteServer:
    ls = StatuteServer(today)

    def opened(uri: str) -> tuple[Path, Path] | None:
        path = to_fs_path(uri)
        if path is None or not path.endswith((".yaml", ".yml")):
            return None
        root = find_root(path)
        return (Path(path).absolute(), root) if root is not None else None

    async def changed(uri: str) -> None:
        found = opened(uri)
        if found is None:
            return
        path, root = found
        ls.buffers.set(path, ls.workspace.get_text_document(uri).source)
        await ls.check(root)

    @ls.feature(t.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls_: StatuteServer, params: t.DidOpenTextDocumentParams) -> None:
        await changed(params.text_document.uri)

    @ls.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls_: StatuteServer, params: t.DidChangeTextDocumentParams) -> None:
        await changed(params.text_document.uri)

    @ls.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls_: StatuteServer, params: t.DidCloseTextDocumentParams) -> None:
        found = opened(params.text_document.uri)
        if found is not None:
            ls.buffers.close(found[0])  # the disk's text is the file again
            await ls.check(found[1])

    def where(params: Any) -> tuple[Analysis, str, list[str], int, int] | None:
        found = opened(params.text_document.uri)
        if found is None:
            return None
        path, root = found
        lines = ls.workspace.get_text_document(params.text_document.uri).source.splitlines()
        line = params.position.line
        col = _col(lines[line], params.position.character) if line < len(lines) else 0
        return ls.analysis(root), str(path), lines, line, col

    @ls.feature(t.TEXT_DOCUMENT_HOVER)
    def on_hover(ls_: StatuteServer, params: t.HoverParams) -> t.Hover | None:
        w = where(params)
        text = hover(*w) if w else None
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text)) if text else None

    @ls.feature(t.TEXT_DOCUMENT_COMPLETION,
                t.CompletionOptions(trigger_characters=[".", "'", "(", ","]))
    def on_completion(ls_: StatuteServer, params: t.CompletionParams) -> t.CompletionList:
        w = where(params)
        if w is None or w[3] >= len(w[2]):
            return t.CompletionList(is_incomplete=False, items=[])
        a, path, lines, line, col = w
        text = lines[line]
        doc = a.index.doc_for(path)
        key = enclosing_key(doc, line + 1, col + 1) if doc is not None else None
        end = _pos([text], 0, col)
        items = [t.CompletionItem(
            label=i.label, kind=COMPLETION_KIND[i.kind], detail=i.detail,
            documentation=t.MarkupContent(t.MarkupKind.Markdown, i.documentation)
            if i.documentation else None,
            text_edit=t.TextEdit(t.Range(t.Position(line, _pos([text], 0, i.start).character),
                                         t.Position(line, end.character)), i.insert))
            for i in complete(a, text, col, key)]
        return t.CompletionList(is_incomplete=False, items=items)

    @ls.feature(t.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls_: StatuteServer, params: t.DefinitionParams) -> t.Location | None:
        w = where(params)
        if w is None or w[3] >= len(w[2]):
            return None
        place = definition(w[0], w[2][w[3]], w[4])
        return _location(ls, w[0], place) if place else None

    @ls.feature(t.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls_: StatuteServer, params: t.ReferenceParams) -> list[t.Location]:
        w = where(params)
        if w is None or w[3] >= len(w[2]):
            return []
        places = references(w[0], w[2][w[3]], w[4], params.context.include_declaration)
        return [_location(ls, w[0], p) for p in places]

    return ls


def _stats(root: Path) -> list[tuple[str, int, int]]:
    """(file, mtime, size) of the rulebook's files on disk: an index is rebuilt when the
    disk changes under it too (a checkout, another editor)."""
    out = []
    for rel in rulebook_files(root, {}):
        try:
            st = (root / rel).stat()
        except OSError:
            continue
        out.append((rel, st.st_mtime_ns, st.st_size))
    return out


def _location(ls: StatuteServer, a: Analysis, place: tuple[Position, int]) -> t.Location:
    pos, length = place
    lines = _lines(a.index.root, pos.file, ls.buffers.overlay(a.index.root))
    line, col = pos.line - 1, pos.col - 1
    return t.Location(uri=from_fs_path(pos.file) or pos.file,
                      range=t.Range(_pos(lines, line, col), _pos(lines, line, col + length)))


def _lines(root: Path, file: str, overlay: dict[str, str]) -> list[str]:
    p = Path(file)
    rel = str(p.relative_to(root)) if root in p.parents else file
    return (read_text(root, rel, overlay) or "").splitlines()


def _pos(lines: list[str], line: int, col: int) -> t.Position:
    """An LSP position (UTF-16 code units, the protocol's default) from a character column."""
    text = lines[line] if 0 <= line < len(lines) else ""
    return t.Position(max(line, 0), len(text[:max(col, 0)].encode("utf-16-le")) // 2
                      + max(0, col - len(text)))


def _col(text: str, units: int) -> int:
    """The character column of an LSP (UTF-16) column of `text`."""
    count = 0
    for i, c in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(c) > 0xFFFF else 1
    return len(text)


def serve(today: _dt.date | None = None) -> None:
    """Serve over stdio until the client exits."""
    _make(today).start_io()

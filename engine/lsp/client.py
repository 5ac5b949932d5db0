"""A minimal Language Server Protocol client over a child process's pipes.

What the protocol tests and `tools/bench_lsp.py` drive `statute lsp` with: real
JSON-RPC framing (`Content-Length` headers) over stdin/stdout, requests answered by id,
notifications (publishDiagnostics) kept in order with the time each arrived.
"""
from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Sequence

__all__ = ["Client", "uri"]


def uri(path: str | Path) -> str:
    return Path(path).absolute().as_uri()


class Client:
    """One server process; `request` waits for its answer, `wait_for` for a notification."""

    def __init__(self, command: Sequence[str], cwd: str | Path | None = None,
                 timeout: float = 60.0):
        self.proc = subprocess.Popen(list(command), cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.timeout = timeout
        self.next_id = 0
        self.answers: dict[int, Any] = {}
        self.notes: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -- framing ----------------------------------------------------------------
    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                header = out.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                name, _, value = header.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(out.read(length))
            if "id" in message and "method" not in message:
                with self.cond:
                    self.answers[message["id"]] = message
                    self.cond.notify_all()
            elif "method" in message and "id" in message:  # a request of the server's
                self.send({"id": message["id"], "result": None})
            else:
                self.notes.put((time.perf_counter(), message))

    # -- calls ------------------------------------------------------------------
    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + self.timeout
        with self.cond:
            while rid not in self.answers:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no answer to {method} ({self._stderr()})")
                self.cond.wait(min(left, 0.5))
            answer = self.answers.pop(rid)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result")

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait_for(self, method: str, match: Any = None) -> tuple[float, dict]:
        """The next notification `method` whose params `match(params)` accepts, and when it
        came (perf_counter); the others before it are dropped."""
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} ({self._stderr()})")
            try:
                at, note = self.notes.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise TimeoutError(f"server exited ({self._stderr()})") from None
                continue
            if note.get("method") == method and (match is None or match(note["params"])):
                return at, note["params"]

    def initialize(self, root: str | Path) -> Any:
        result = self.request("initialize", {"processId": None, "rootUri": uri(root),
                                             "capabilities": {}})
        self.notify("initialized", {})
        return result

    def open(self, path: str | Path, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(path), "languageId": "yaml", "version": version, "text": text}})

    def change(self, path: str | Path, text: str, version: int) -> None:
        """Replace the whole buffer (a full-text change)."""
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri(path), "version": version},
            "contentChanges": [{"text": text}]})

    def at(self, method: str, path: str | Path, line: int, character: int,
           **extra: Any) -> Any:
        return self.request(method, {"textDocument": {"uri": uri(path)},
                                     "position": {"line": line, "character": character},
                                     **extra})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (OSError, TimeoutError, RuntimeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "the server is still running"
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:] or "no stderr"

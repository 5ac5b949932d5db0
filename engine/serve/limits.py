"""Hard limits of the HTTP API, with safe defaults: body size, cases per request, months
per schedule, a per-request deadline, and a cap on evaluations running at once.

Evaluation runs in a worker thread, never on the event loop. A request past its
deadline is answered 504 at once; its thread is not killed (Python cannot), so its
slot under the concurrency cap stays taken until it really ends, and a flood of slow
requests meets 503 rather than an unbounded pile of threads.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

from engine.serve.problems import Problem

__all__ = ["Limits", "Gate", "read_body", "Deadline"]

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one request may ask. Every field can be set from `statute serve` options."""

    max_body_bytes: int = 1_000_000  # the CLI's case-file limit
    max_cases: int = 1000  # per decide-many request
    max_months: int = 120  # per schedule request
    deadline_s: float = 10.0  # per request, evaluation included
    max_concurrent: int = 16  # evaluations admitted at once (running or queued); past it, 503
    threads: int = 16  # worker threads running them (at most max_concurrent); one holds
    # the GIL at a time, but a slow case must not stall the rest: 2, 4 and 16 gave the same
    # figures at 8 clients in tools/bench_serve.py --threads on this (loaded) machine
    retry_after_s: int = 1  # what a 503 tells the client to wait


class Deadline:
    """The moment a request must be answered by; a long evaluation checks it between
    cases (`check`), so an abandoned decide-many stops early."""

    __slots__ = ("end",)

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end

    def check(self) -> None:
        if self.passed:
            raise DeadlinePassed


class DeadlinePassed(Exception):
    """Raised in a worker thread whose request is past its deadline."""


class Gate:
    """The concurrency cap: a slot per running evaluation, released by the worker thread
    itself when it ends (not when its request gives up on it)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._free = threading.BoundedSemaphore(limits.max_concurrent)
        self._busy = 0
        self._lock = threading.Lock()
        self._threads: anyio.CapacityLimiter | None = None  # made in the event loop

    @property
    def busy(self) -> int:
        """Evaluations running now (abandoned ones included)."""
        return self._busy

    async def run(self, fn: Callable[[Deadline], T]) -> T:
        """`fn(deadline)` in a worker thread, under the cap and the deadline."""
        if not self._free.acquire(blocking=False):
            raise Problem(503, f"{self.limits.max_concurrent} evaluations are running, the "
                          "most this server runs at once; try again shortly",
                          headers={"Retry-After": str(self.limits.retry_after_s)})
        with self._lock:
            self._busy += 1
        deadline = Deadline(self.limits.deadline_s)

        def work() -> T:
            try:
                return fn(deadline)
            finally:
                with self._lock:
                    self._busy -= 1
                self._free.release()

        if self._threads is None:  # our own number of threads, whatever anyio's default
            self._threads = anyio.CapacityLimiter(min(self.limits.threads,
                                                      self.limits.max_concurrent))
        try:
            with anyio.fail_after(self.limits.deadline_s):
                return await anyio.to_thread.run_sync(work, abandon_on_cancel=True,
                                                      limiter=self._threads)
        except (TimeoutError, DeadlinePassed):
            raise Problem(504, f"the request took longer than its deadline of "
                          f"{self.limits.deadline_s:g} s; send fewer cases or months") from None


async def read_body(request: Request, limits: Limits) -> bytes:
    """The request body, refused with 413 past `max_body_bytes` (before reading it all
    when Content-Length says so), and 415 unless it is JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not (kind.startswith("application/")
                                           and kind.endswith("+json")):
        raise Problem(415, f"the body must be JSON (Content-Type: application/json), not "
                      f"{kind[:100] or 'untyped'}")
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > limits.max_body_bytes:
        raise Problem(413, f"the body is {int(size)} bytes; the limit is "
                      f"{limits.max_body_bytes} bytes")
    chunks: list[bytes] = []
    got = 0
    async for chunk in request.stream():
        got += len(chunk)
        if got > limits.max_body_bytes:
            raise Problem(413, f"the body is over the limit of {limits.max_body_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


"""The same compiled plan per partition, on a Dask cluster (`--dask SCHEDULER_ADDRESS`).

The input is read here in chunks; each chunk is a task on the cluster, decided by the
plan each worker compiles once from the rulebook folder (which every worker must be
able to read, as the client does); results come back in input order and are written
here, streamed and atomic as in a local run. At most `2 × workers` chunks are in
flight, so the client's memory stays bounded by the chunk size.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Iterator

import polars as pl

from engine.batch.compile import RowError, compile_plan
from engine.batch.io import read_chunks

__all__ = ["dask_results"]

_PLANS: dict[tuple, Any] = {}


def _decide(root: str, ids: tuple[str, ...] | None, frame: pl.DataFrame, first: int,
            on: _dt.date | None, period: _dt.date | None
            ) -> tuple[pl.DataFrame, list[RowError]]:
    """On a worker: the plan of (root, ids), compiled once per worker process."""
    key = (root, ids)
    plan = _PLANS.get(key)
    if plan is None:
        from engine.load.build import load
        plan = _PLANS[key] = compile_plan(load(root), ids)
    return plan.run(frame, first, on, period)  # type: ignore[no-any-return]


def dask_results(address: Any, root: str, ids: tuple[str, ...], source: str | Path,
                 chunk: int, on: Any, period: Any
                 ) -> Iterator[tuple[pl.DataFrame, list[RowError]]]:
    """The decided chunks of `source`, in order, computed on the cluster at `address`
    (a scheduler address, or a `distributed.Client`)."""
    from distributed import Client
    client = address if isinstance(address, Client) else Client(address)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending: list[Any] = []
        first = 1
        for frame in read_chunks(source, chunk):
            pending.append(client.submit(_decide, str(root), ids, frame, first, on, period,
                                         pure=False))
            first += frame.height
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()
    finally:
        if client is not address:
            client.close()



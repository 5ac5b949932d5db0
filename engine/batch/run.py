"""Running a plan over a whole input: chunks streamed through worker processes.

Each chunk is decided by the same compiled plan (`compile.Plan`), in the main process
or, with `workers` > 1, in a pool of processes that each load and compile the rulebook
once (the compiled-rulebook cache makes that cheap). Chunks are written in input order
as they come back, so memory is bounded by the chunk size times the workers. A bad row
is reported with its row number and column; with `strict`, the first one stops the run
and nothing is written.
"""
from __future__ import annotations

import datetime as _dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import polars as pl

from engine.batch.compile import Plan, RowError, compile_plan
from engine.batch.io import ChunkWriter, read_chunks

__all__ = ["BatchRun", "run_batch"]


@dataclass
class BatchRun:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


_WORKER: dict[str, Any] = {}


def _init(root: str, ids: tuple[str, ...] | None) -> None:
    from engine.load.build import load
    _WORKER["plan"] = compile_plan(load(root), ids)


def _decide(job: tuple[pl.DataFrame, int, Any, Any]) -> tuple[pl.DataFrame, list[RowError]]:
    frame, first, on, period = job
    return _WORKER["plan"].run(frame, first, on, period)  # type: ignore[no-any-return]


def run_batch(plan: Plan, root: str, source: str | Path, out: str | Path, *,
              chunk: int = 100_000, workers: int = 1, on: _dt.date | None = None,
              period: _dt.date | None = None, strict: bool = False,
              progress: bool | None = None,
              report: Callable[[RowError], None] | None = None,
              dask: Any = None) -> BatchRun:
    """Decide every row of `source` into `out`; returns the count and the bad rows.
    `dask`: a scheduler address or `distributed.Client` to run the chunks on."""
    state = BatchRun()
    writer = ChunkWriter(out)
    bar = _bar(progress)
    try:
        if dask is not None:
            from engine.batch.dask import dask_results
            results = dask_results(dask, root, plan.ids, source, chunk, on, period)
        else:
            results = _results(plan, root, source, chunk, workers, on, period)
        for frame, errors in results:
            if errors and strict:
                raise StrictStop(errors[0])
            for e in errors:
                state.errors.append(e)
                if report:
                    report(e)
            writer.write(frame)
            state.rows += frame.height
            if bar is not None:
                bar.update(frame.height)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        if bar is not None:
            bar.close()
    return state


class StrictStop(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def _results(plan: Plan, root: str, source: str | Path, chunk: int, workers: int,
             on: Any, period: Any) -> Iterator[tuple[pl.DataFrame, list[RowError]]]:
    jobs = _jobs(source, chunk, on, period)
    if workers <= 1:
        for frame, first, o, p in jobs:
            yield plan.run(frame, first, o, p)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    ids = plan.ids
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=_init,
                             initargs=(root, ids)) as pool:
        pending: list[Any] = []
        for job in jobs:
            pending.append(pool.submit(_decide, job))
            if len(pending) >= 2 * workers:  # bounded: results are written in order
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


def _jobs(source: str | Path, chunk: int, on: Any, period: Any) -> Iterable[tuple]:
    first = 1
    for frame in read_chunks(source, chunk):
        yield frame, first, on, period
        first += frame.height


def _bar(progress: bool | None) -> Any:
    """A progress bar (rows/s, ETA) on stderr, only when it is a terminal."""
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(unit=" rows", unit_scale=True, file=sys.stderr)

"""Reading a population and writing its answers: Parquet, CSV or JSONL, by extension.

Input columns are fact names with dots (`child.birth_date`), plus `on`, `period`,
`name`. A JSONL line may instead hold one case object (`{"name", "on", "period",
"facts": {...}}`, as `examples/cases.jsonl`), flattened here to the same columns. Every
value is read as text (CSV, JSONL) or as its Parquet type, never as a float guessed from
digits: `Plan.prepare` types each column by the rulebook's vocabulary. Outputs are
written whole or not at all (`engine.atomic.write_atomic`).
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Iterator

import polars as pl

from engine.atomic import write_atomic

__all__ = ["read_chunks", "write_frame", "FORMATS", "InputError"]

FORMATS = (".parquet", ".csv", ".jsonl")


class InputError(ValueError):
    """The input cannot be read as a population: the message names file and row."""


def _format(path: str | Path) -> str:
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise InputError(f"{path}: the batch reads and writes {', '.join(FORMATS)} files; "
                         f"not {ext or 'a file without an extension'}")
    return ext


def read_chunks(path: str | Path, rows: int) -> Iterator[pl.DataFrame]:
    """The input, `rows` rows at a time (the memory a run holds is bounded by it)."""
    ext = _format(path)
    if ext == ".parquet":
        import pyarrow.parquet as pq  # streams row groups without reading the whole file
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=rows):
            yield pl.from_arrow(batch)  # type: ignore[misc]
    elif ext == ".csv":
        yield from _csv(Path(path), rows)
    else:
        yield from _jsonl(Path(path), rows)


def _csv(path: Path, rows: int) -> Iterator[pl.DataFrame]:
    """CSV streamed by pyarrow, every column as text (the vocabulary types it)."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise InputError(f"{path}:1: no header row (the fact names)")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InputError(f"{path}:1: column {dup!r} appears twice")
    try:
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 22),
                                convert_options=pacsv.ConvertOptions(
                                    column_types={h: pa.string() for h in header},
                                    strings_can_be_null=True, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as e:
        raise InputError(f"{path}: not a CSV file the batch can read: {e}") from None
    pending: list[pl.DataFrame] = []
    held = 0
    for batch in _batches(reader, path):
        frame = pl.from_arrow(pa.Table.from_batches([batch]))
        assert isinstance(frame, pl.DataFrame)
        pending.append(frame)
        held += frame.height
        while held >= rows:
            whole = pl.concat(pending)
            yield whole.head(rows)
            rest = whole.slice(rows)
            pending, held = ([rest], rest.height) if rest.height else ([], 0)
    if held:
        yield pl.concat(pending)


def _batches(reader: Any, path: Path) -> Iterator[Any]:
    import pyarrow as pa
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as e:  # a row with too many or too few fields, ...
            raise InputError(f"{path}: {e}") from None


def _jsonl(path: Path, rows: int) -> Iterator[pl.DataFrame]:
    buf: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_float=str, parse_int=str)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{n}:{e.colno}: not JSON: {e.msg}") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{n}: a line must be a JSON object")
            facts = obj.pop("facts", None)
            row = {k: _text(v) for k, v in obj.items() if k in ("name", "on", "period")} \
                if facts is not None else {}
            if facts is None:
                row = {k: _text(v) for k, v in _flat(obj).items()}
            elif isinstance(facts, dict):
                row.update({k: _text(v) for k, v in _flat(facts).items()})
            else:
                raise InputError(f"{path}:{n}: 'facts' must be an object")
            buf.append(row)
            if len(buf) >= rows:
                yield _frame(buf)
                buf = []
    if buf:
        yield _frame(buf)


def _text(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    return pl.DataFrame({c: pl.Series(c, [r.get(c) for r in rows], dtype=pl.Utf8)
                         for c in cols})


def _texts(frame: pl.DataFrame, csv: bool) -> pl.DataFrame:
    """`frame` as a text format writes it: decimals as their digits (never floats), a
    record's struct as a JSON object in a CSV cell, a list `; `-joined there."""
    cols = []
    for c, t in frame.schema.items():
        if isinstance(t, pl.Decimal):
            cols.append(pl.col(c).cast(pl.Utf8))
        elif isinstance(t, pl.Struct):
            e = pl.col(c).struct.with_fields([pl.field(f.name).cast(pl.Utf8) for f in t.fields
                                              if isinstance(f.dtype, pl.Decimal)])
            cols.append(e.struct.json_encode() if csv else e)
        elif csv and isinstance(t, pl.List):
            cols.append(pl.col(c).list.join("; "))
    return frame.with_columns(cols) if cols else frame


def write_frame(frame: pl.DataFrame, path: str | Path) -> None:
    """Write `frame` to `path` atomically, in the format its extension names."""
    ext = _format(path)
    buf = io.BytesIO()
    if ext == ".parquet":
        frame.write_parquet(buf)
    elif ext == ".csv":
        _texts(frame, True).write_csv(buf)
    else:
        _texts(frame, False).write_ndjson(buf)
    write_atomic(path, buf.getvalue(), durable=True)


class ChunkWriter:
    """Chunks appended to a temporary file beside `path`, renamed over it by `commit`:
    memory stays bounded by one chunk, and an interrupted run leaves no half-written
    output (`abort` removes the temporary file)."""

    def __init__(self, path: str | Path):
        import os
        import tempfile
        self.ext = _format(path)
        self.path = Path(path)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-",
                                        suffix=self.path.suffix)
        os.close(fd)
        self.fh: Any = None
        self.pq: Any = None
        self.first = True

    def write(self, frame: pl.DataFrame) -> None:
        if self.ext == ".parquet":
            import pyarrow.parquet as pq
            table = frame.to_arrow()
            if self.pq is None:
                self.pq = pq.ParquetWriter(self.tmp, table.schema)
            self.pq.write_table(table)
            return
        if self.fh is None:
            self.fh = open(self.tmp, "wb")
        buf = io.BytesIO()
        if self.ext == ".csv":
            _texts(frame, True).write_csv(buf, include_header=self.first)
        else:
            _texts(frame, False).write_ndjson(buf)
        self.fh.write(buf.getvalue())
        self.first = False

    def commit(self) -> None:
        import os
        if self.pq is not None:
            self.pq.close()
        if self.fh is not None:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        import os
        try:
            if self.pq is not None:
                self.pq.close()
            if self.fh is not None:
                self.fh.close()
        finally:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass


def row_facts(facts: Any, row: dict[str, Any]) -> dict[str, Any]:
    """One input row as the facts of one case (for the per-case path: --explain-rows and
    the tests): empty cells are not given; text cells of bool and int facts are read
    as the CSV and JSONL readers of the batch read them."""
    out: dict[str, Any] = {}
    for name, v in row.items():
        if v is None or name in ("name", "on", "period", "row"):
            continue
        kind = facts[name].type if name in facts else None
        if isinstance(v, str) and kind == "bool" and v in ("true", "false"):
            v = v == "true"
        elif isinstance(v, str) and kind == "int" and v.strip().isdigit():
            v = int(v.strip())
        elif isinstance(v, str) and kind == "list":  # a JSON array, as the batch reads it
            try:
                v = json.loads(v)
            except json.JSONDecodeError:
                pass
        out[name] = v
    return out

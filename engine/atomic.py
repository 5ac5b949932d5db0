"""Writing a file so that no reader ever sees half of it.

Every file statute writes (the compiled-rulebook cache today; letters, batch outputs and
reports as they come) goes through `write_atomic`: the bytes go to a temporary file in
the same folder, are flushed to disk, and the file is renamed over the target in one
step (`os.replace`). An interrupted run (an error, a full disk, Ctrl-C) leaves the
target as it was and removes the temporary file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: bytes, *, durable: bool = False) -> None:
    """Replace `path` by `data` whole, or leave it as it was. `durable` also waits for
    the bytes to reach the disk before the rename (for outputs a user keeps)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

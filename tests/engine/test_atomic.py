"""engine.atomic.write_atomic: a reader sees the old file or the new one, never half."""
from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from engine.atomic import write_atomic


def test_a_write_replaces_the_file_whole(tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    write_atomic(target, b"new contents", durable=True)
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    with mock.patch.object(os, "replace", side_effect=OSError(28, "No space left on device")):
        with pytest.raises(OSError):
            write_atomic(target, b"x" * 1_000_000)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_an_interrupt_mid_write_leaves_nothing_half_written(tmp_path: Path):
    target = tmp_path / "report.txt"
    real_fdopen = os.fdopen

    def failing(fd, *args, **kwargs):  # the real file, whose write is interrupted
        fh = real_fdopen(fd, *args, **kwargs)
        fh.write = mock.Mock(side_effect=KeyboardInterrupt)  # type: ignore[method-assign]
        return fh
    with mock.patch("os.fdopen", side_effect=failing):
        with pytest.raises(KeyboardInterrupt):
            write_atomic(target, b"data")
    assert not target.exists() and list(tmp_path.iterdir()) == []

"""Hostile rulebook files (issue: hostile and broken input): a link out of the rulebook
folder is refused without showing the target's content, a link inside it is read, and a
long wrong value is cut in the error. On the invented rulebook good/minimal."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine

GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "rulebooks" / "good"


def _copy(tmp_path: Path) -> Path:
    book = tmp_path / "minimal"
    shutil.copytree(GOOD / "minimal", book)
    return book


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_out_of_the_folder_is_refused_without_its_content(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret content\n", encoding="utf-8")
    book = _copy(tmp_path)
    (book / "articles" / "art-09.yaml").symlink_to(secret)
    r = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(book)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    out = r.stdout + r.stderr
    assert "art-09.yaml: a symbolic link to a file outside the rulebook folder" in out
    assert "secret content" not in out and "Traceback" not in out


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_inside_the_folder_is_read(tmp_path):
    book = _copy(tmp_path)
    (book / "shared").mkdir()
    (book / "parameters" / "daily_fine.yaml").rename(book / "shared" / "daily_fine.yaml")
    (book / "parameters" / "daily_fine.yaml").symlink_to(book / "shared" / "daily_fine.yaml")
    assert "daily_fine" in engine.load(book).parameters


def test_a_long_wrong_value_is_cut_in_the_error(tmp_path):
    book = _copy(tmp_path)
    (book / "facts.yaml").write_text('facts: "' + "y" * 5000 + '"\n', encoding="utf-8")
    with pytest.raises(engine.ErrorList) as e:
        engine.load(book)
    message = str(e.value)
    assert "(5002 characters)" in message and len(message) < 400

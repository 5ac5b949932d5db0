"""`statute lsp` from the command line: without the extra, and with a bad option."""
from __future__ import annotations

import subprocess
import sys

from tests.engine.test_invalid_rulebooks import ROOT


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_without_the_lsp_extra_it_says_how_to_get_it() -> None:
    r = _run("import sys; sys.modules['pygls'] = None; from engine.cli import main; "
             "sys.exit(main(['lsp']))")  # pygls made unimportable, as when not installed
    assert r.returncode == 2
    assert "the language server needs the lsp extra (pygls is missing)" in r.stderr
    assert "pip install 'statute[lsp]'" in r.stderr and "Traceback" not in r.stderr


def test_a_bad_today_exits_2() -> None:
    r = _run("import sys; from engine.cli import main; sys.exit(main(['lsp', '--today', "
             "'2021-02-30']))")
    assert r.returncode == 2 and r.stderr.startswith("statute: --today:")
    assert "Traceback" not in r.stderr

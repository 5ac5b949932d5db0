"""Say in the summary when the shared spec examples were skipped (STATUTE_SKIP_SHARED=1).

tests/engine/test_examples.py fails without ../shared unless STATUTE_SKIP_SHARED=1; then it
skips, and this hook repeats the reason at the end of every run (also under -q), so a
green run never hides that the public examples were not checked.
"""
from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reasons = set()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and "STATUTE_SKIP_SHARED" in str(longrepr[-1]):
            reasons.add(str(longrepr[-1]).removeprefix("Skipped: "))
    for reason in sorted(reasons):
        terminalreporter.write_line(f"NOT CHECKED: {reason}", yellow=True, bold=True)

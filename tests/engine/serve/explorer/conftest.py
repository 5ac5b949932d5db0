"""The `browser` mark, and the summary line saying when the browser tests were skipped
(STATUTE_SKIP_BROWSER=1), so a green run never hides that no browser drove the pages."""
from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright "
                            "(needs /usr/bin/chromium; STATUTE_SKIP_BROWSER=1 skips)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and "STATUTE_SKIP_BROWSER" in str(longrepr[-1]):
            terminalreporter.write_line("NOT CHECKED: " + str(longrepr[-1]).removeprefix(
                "Skipped: "), yellow=True, bold=True)
            return

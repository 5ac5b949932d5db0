"""pytest plugin: each case of a rulebook's `tests/*.yaml` is one test item.

Registered as the `statute` entry point of `pytest11`, so plain `pytest rules/` (or a
`testpaths` naming the rules folder) runs the YAML cases beside the Python tests, with no
extra step. Only `*.yaml` files in the `tests/` folder of a folder holding rulebook.yaml
are collected; node ids read `rules/<law>/tests/<file>.yaml::<case name>`. A failure is
reported as `statute test` reports it: expected beside actual, then the trace.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CaseFailed", "YamlTestCase", "YamlTestFile", "pytest_collect_file"]

_RULEBOOKS = pytest.StashKey[dict]()

# The engine is imported inside the hooks, not here: this plugin loads in every pytest run
# of the environment, and most never meet a rulebook.


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    from engine.testing.cases import is_test_file

    if is_test_file(file_path):
        return YamlTestFile.from_parent(parent, path=file_path)
    return None


class YamlTestFile(pytest.File):
    """A test file of a rulebook; its rulebook is loaded once per session."""

    def collect(self) -> Iterator[pytest.Item]:
        from engine.errors import ErrorList
        from engine.testing.cases import read_test_file

        rulebooks = self.config.stash.setdefault(_RULEBOOKS, {})
        try:
            cases = read_test_file(self._shown_path(), rulebooks)
        except ErrorList as e:
            raise self.CollectError(str(e)) from None
        for case in cases:
            yield YamlTestCase.from_parent(self, name=case.name, case=case)

    def _shown_path(self) -> Path:
        """The path relative to the working folder where it can be, as messages show it."""
        try:
            return self.path.relative_to(Path.cwd())
        except ValueError:
            return self.path


class YamlTestCase(pytest.Item):
    """One case: evaluated with trace, compared field by field."""

    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.outcome: Any = None  # the engine.testing.Outcome once run (its .result)

    def runtest(self) -> None:
        from engine.testing.cases import run_case

        self.outcome = run_case(self.case)
        if not self.outcome.passed:
            raise CaseFailed(self.outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        from engine.testing.cases import format_failure

        if isinstance(excinfo.value, CaseFailed):
            return format_failure(excinfo.value.outcome).rstrip("\n")
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"{self.case.file}::{self.case.name}"


class CaseFailed(Exception):
    """A YAML case did not give the expected result (see its Outcome)."""

    def __init__(self, outcome: Any):
        super().__init__(outcome.case.name)
        self.outcome = outcome

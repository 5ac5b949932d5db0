"""Check: the semantic checks `statute check` runs after the schemas.

One module per family: `versions` (tiling the coverage), `acts` (every dated change
names a listed act), `citations`, `dependencies` (decisions reading decisions, no
cycles), `freshness` (warnings), `texts` (notes: paraphrased rule texts). Names and
types are checked by the expression checker (`engine.expr`) as each expression is
compiled. The loader calls each family while it builds the model, so one run reports
every problem; `check()` is the stage's
entry point: the problems and warnings of one rulebook, never an exception.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from engine.check.freshness import freshness_warnings
from engine.check.texts import paraphrase_notes
from engine.errors import ErrorList, StatuteError
from engine.render.messages import Message, Plural

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Report", "check", "freshness_warnings"]


@dataclass
class Report:
    """What `check` found: errors (each at file:line:col), warnings, notes, and the
    rulebook when it loaded."""

    path: str
    errors: list[StatuteError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # not problems: e.g. paraphrased texts
    rulebook: "Rulebook | None" = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        rb = self.rulebook
        if rb is None:
            return Plural("{path}: {n} error(s)", "{path}: {n} error(s)", len(self.errors),
                          path=self.path)
        rules = {r.id for d in rb.decisions.values() for r in d.rules}
        return Message("{path}: ok ({decisions} decisions, {rules} rules, {parameters} "
                       "parameters, {facts} facts)", path=self.path, decisions=len(rb.decisions),
                       rules=len(rules), parameters=len(rb.parameters), facts=len(rb.facts))


def check(path: str | Path, files: Mapping[str, str] | None = None,
          today: _dt.date | None = None) -> Report:
    """Run the check stage on the rulebook at `path` (with unsaved `files` over it)."""
    from engine.load.build import load

    report = Report(str(path))
    try:
        report.rulebook = load(path, files)
    except StatuteError as e:
        report.errors = list(e.errors) if isinstance(e, ErrorList) else [e]
        return report
    report.warnings = freshness_warnings(report.rulebook, today or _dt.date.today())
    report.notes = paraphrase_notes(report.rulebook)
    return report

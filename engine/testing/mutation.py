"""Mutation testing of a rulebook: do its own YAML tests notice a change to the law?

A mutant is one textual change to one file of a rulebook (a multiplier, a date, a
boundary): `killed_by` copies the rulebook, applies it and runs the rulebook's
tests/*.yaml; the names of the cases that fail are what killed it. None failing means
the tests do not pin that part of the law. The mutant must still load: the tests, not
the loader, are being judged.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from engine.testing.cases import collect, run_case
from engine.render.messages import Message

__all__ = ["Mutant", "killed_by", "failing_cases"]


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # relative to the rulebook folder
    old: str  # must occur exactly once in the file
    new: str


def failing_cases(rulebook: Path) -> list[str]:
    """The cases of `rulebook`'s own tests that fail."""
    return [c.name for c in collect([rulebook / "tests"]) if not run_case(c).passed]


def killed_by(rulebook: str | Path, mutant: Mutant, workdir: str | Path) -> list[str]:
    """Apply `mutant` to a copy of `rulebook` under `workdir`; the failing cases.

    Raises:
        ValueError: the text to change does not occur exactly once in the file.
    """
    source = Path(rulebook)
    copy = Path(workdir) / source.name
    shutil.copytree(source, copy)
    target = copy / mutant.file
    text = target.read_text(encoding="utf-8")
    if text.count(mutant.old) != 1:
        raise ValueError(Message("{name}: the text to change occurs {count} times in {file}, "
                                 "not once", name=mutant.name, count=text.count(mutant.old),
                                 file=mutant.file))
    target.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return failing_cases(copy)

"""Versions tile the coverage: no gap, no overlap, nothing outside it, every edge met."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from engine.errors import LoadError, Position
from engine.model import Coverage

__all__ = ["Span", "check_tiling"]

_ONE_DAY = _dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """One dated version as written: its period and where it (and its `from`) stand."""

    start: _dt.date
    end: _dt.date
    position: Position
    from_position: Position


def check_tiling(spans: list[Span], coverage: Coverage, versions_at: Position) -> list[LoadError]:
    """Every problem with how `spans` cover `coverage`, each at its version."""
    errors: list[LoadError] = []
    prev: Span | None = None
    for s in spans:
        if s.end < s.start:
            errors.append(LoadError(f"version ends ({s.end}) before it starts ({s.start})",
                                    s.position, "to"))
        if s.end < coverage.start or s.start > coverage.end:
            errors.append(LoadError(f"version {s.start}..{s.end} lies outside the rulebook's "
                                    f"coverage {coverage.describe()}", s.position))
        elif s.start < coverage.start:
            errors.append(LoadError(f"version {s.start}..{s.end} begins before the rulebook's "
                                    f"coverage {coverage.describe()}; let it begin on "
                                    f"{coverage.start} at the earliest", s.position, "from"))
        elif s.end > coverage.end:
            errors.append(LoadError(f"version {s.start}..{s.end} reaches past the end of the "
                                    f"rulebook's coverage {coverage.describe()}; end it on "
                                    f"{coverage.end} at the latest (or leave 'to' out)",
                                    s.position, "to"))
        if prev is not None:
            if s.start <= prev.end:
                errors.append(LoadError(f"version from {s.start} overlaps the previous one "
                                        f"({prev.start}..{prev.end})", s.from_position, "from"))
            elif s.start != prev.end + _ONE_DAY:
                errors.append(LoadError(f"gap between versions: nothing is in force from "
                                        f"{prev.end + _ONE_DAY} to {s.start - _ONE_DAY}",
                                        s.from_position, "from"))
        prev = s
    if spans:
        first, last = spans[0], spans[-1]
        holes = []
        if first.start > coverage.start:
            holes.append(f"{coverage.start}..{first.start - _ONE_DAY}")
        if last.end < coverage.end:
            holes.append(f"{last.end + _ONE_DAY}..{coverage.end}")
        for hole in holes:  # a version reaching past an edge is reported above, not here
            errors.append(LoadError(
                f"no version is in force from {hole}, inside the coverage "
                f"{coverage.describe()}; add a version (in_force: false for a "
                "period the rule did not exist)", versions_at, "versions"))
    return errors

"""Versions tile the coverage: no gap, no overlap, nothing outside it, every edge met."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from engine.errors import LoadError, Position
from engine.model import Coverage
from engine.render.messages import Message

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
            errors.append(LoadError(Message("version ends ({end}) before it starts ({start})",
                                            end=s.end, start=s.start),
                                    s.position, "to"))
        if s.end < coverage.start or s.start > coverage.end:
            errors.append(LoadError(Message("version {start}..{end} lies outside the "
                                            "rulebook's coverage {coverage}", start=s.start,
                                            end=s.end, coverage=coverage.describe()), s.position))
        elif s.start < coverage.start:
            errors.append(LoadError(Message("version {start}..{end} begins before the "
                                            "rulebook's coverage {coverage}; let it begin on "
                                            "{start2} at the earliest", start=s.start, end=s.end,
                                            coverage=coverage.describe(), start2=coverage.start),
                                    s.position, "from"))
        elif s.end > coverage.end:
            errors.append(LoadError(Message("version {start}..{end} reaches past the end of "
                                            "the rulebook's coverage {coverage}; end it on "
                                            "{end2} at the latest (or leave 'to' out)",
                                            start=s.start, end=s.end, coverage=coverage.describe(),
                                            end2=coverage.end),
                                    s.position, "to"))
        if prev is not None:
            if s.start <= prev.end:
                errors.append(LoadError(Message("version from {start} overlaps the previous "
                                                "one ({start2}..{end})", start=s.start,
                                                start2=prev.start, end=prev.end),
                                        s.from_position, "from"))
            elif s.start != prev.end + _ONE_DAY:
                errors.append(LoadError(Message("gap between versions: nothing is in force "
                                                "from {value} to {value2}",
                                                value=prev.end + _ONE_DAY,
                                                value2=s.start - _ONE_DAY),
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
                Message("no version is in force from {hole}, inside the coverage {coverage}; "
                        "add a version (in_force: false for a period the rule did not exist)",
                        hole=hole, coverage=coverage.describe()), versions_at, "versions"))
    return errors

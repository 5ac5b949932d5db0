"""Every dated change names an act amendments.yaml lists; the baseline act is marked so."""
from __future__ import annotations

from typing import Mapping

from engine.errors import LoadError, Position
from engine.model import Act, Decision, Parameter
from engine.render.messages import Message

__all__ = ["check_acts"]


def check_acts(acts: Mapping[str, Act], baseline: str, baseline_at: Position,
               ended_by: tuple[str, Position] | None, params: Mapping[str, Parameter],
               decisions: Mapping[str, Decision]) -> list[LoadError]:
    errors: list[LoadError] = []

    def need(act: str | None, pos: Position, what: str) -> None:
        if act is None:
            errors.append(LoadError(Message("{what} names no act; add amended_by: <id from "
                                            "amendments.yaml>", what=what), pos, "amended_by"))
        elif act not in acts:
            known = ", ".join(sorted(acts)) or "none"
            errors.append(LoadError(Message("{what} names act {act!r}, which amendments.yaml "
                                            "does not list (it lists {known})", what=what, act=act,
                                            known=known), pos, "amended_by"))

    need(baseline, baseline_at, "the rulebook")
    if ended_by is not None:
        need(ended_by[0], ended_by[1], "the end of coverage")
    if baseline in acts and not acts[baseline].baseline:
        errors.append(LoadError(Message("act {baseline!r} is the rulebook's baseline wording; "
                                        "mark it baseline: true in amendments.yaml",
                                        baseline=baseline), acts[baseline].position))
    for p in params.values():
        for pv in p.values:
            need(pv.amended_by, pv.position, f"{p.id} value from {pv.start}")
    seen: set[str] = set()
    for d in decisions.values():
        for r in (d.applicable_date, *d.rules):
            if r.id in seen:
                continue
            seen.add(r.id)
            for v in r.versions:
                if not v.assumed:
                    need(v.amended_by, v.position, f"version of {r.id} from {v.start}")
    return errors

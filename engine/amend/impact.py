"""What an amendment changes: every case decided under two rulebooks, compared."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from engine.load.yaml import parse_yaml
from engine.errors import CaseError, ErrorList, Position
from engine.evaluate.facts import Case, case_from_data, read_case
from engine.kinds import KINDS, json_value
from engine.render.messages import Message

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Impact", "CaseChange", "read_cases", "impact"]

MAX_LINE = 1_000_000


@dataclass(frozen=True)
class CaseChange:
    case: str
    decision: str
    applicable_date: _dt.date | None
    before: tuple[str, Any, str | None, str]  # status, value, currency, kind
    after: tuple[str, Any, str | None, str]

    @property
    def delta(self) -> Decimal | None:
        """After minus before, when both are money (or no value) in one currency."""
        (_, a, ca, ka), (_, b, cb, kb) = self.before, self.after
        if "money" in (ka, kb) and {ka, kb} <= {"money", "absent"} and (
                ca == cb or a is None or b is None):
            return (b or Decimal(0)) - (a or Decimal(0))
        return None

    @property
    def currency(self) -> str | None:
        return self.after[2] or self.before[2]


@dataclass
class Impact:
    cases: int = 0
    changes: list[CaseChange] = field(default_factory=list)
    before: dict[str, Decimal] = field(default_factory=dict)  # currency -> total of money
    after: dict[str, Decimal] = field(default_factory=dict)

    @property
    def changed_cases(self) -> list[str]:
        return list(dict.fromkeys(c.case for c in self.changes))

    def as_dict(self) -> dict[str, Any]:
        def money(t: tuple) -> dict:
            return {"status": t[0], "type": t[3], "value": json_value(t[3], t[1], t[2])
                    if t[3] in KINDS else None}
        return {
            "cases": self.cases, "changed_cases": len(self.changed_cases),
            "changes": [{"case": c.case, "decision": c.decision,
                         "from": c.applicable_date.isoformat() if c.applicable_date else None,
                         "before": money(c.before), "after": money(c.after),
                         "delta": None if c.delta is None else str(c.delta)}
                        for c in self.changes],
            "totals": {"before": {k: str(v) for k, v in sorted(self.before.items())},
                       "after": {k: str(v) for k, v in sorted(self.after.items())}},
        }


def read_cases(path: str | Path) -> Iterator[tuple[str, Case]]:
    """Cases from a folder of case files (*.yaml, *.json) or a JSONL file, one per line."""
    p = Path(path)
    if p.is_dir():
        for f in sorted([*p.glob("*.yaml"), *p.glob("*.yml"), *p.glob("*.json")]):
            if f.name.endswith(".expected.json"):
                continue
            yield f.name, read_case(f)
        return
    if not p.is_file():
        raise ErrorList([CaseError(Message("no such file or folder of cases"), Position(str(p)))])
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if len(line) > MAX_LINE:
                raise ErrorList([CaseError(Message("line is over {MAX_LINE} characters",
                                                   MAX_LINE=MAX_LINE),
                                           Position(str(p), n, 1))])
            try:
                json.loads(line)  # JSONL: each line must be JSON, not merely YAML
            except ValueError as e:
                raise ErrorList([CaseError(Message("not a JSON object: {e}", e=e),
                                           Position(str(p), n, 1))]) \
                    from None
            doc = _shifted(parse_yaml(line, str(p)), n - 1)
            data = doc.data if isinstance(doc.data, dict) else {}
            name = str(data.get("name", f"line {n}"))
            body = {k: v for k, v in data.items() if k != "name"}
            yield name, case_from_data(body, doc)


def _shifted(doc: Any, lines: int) -> Any:
    """The document of one JSONL line, its positions moved to that line of the file."""
    def move(pos: Position) -> Position:
        return Position(pos.file, pos.line + lines, pos.col)
    doc.positions = {k: move(v) for k, v in doc.positions.items()}
    doc.keys = {k: move(v) for k, v in doc.keys.items()}
    return doc


def impact(base: "Rulebook", new: "Rulebook", cases: Any) -> Impact:
    """Decide every case under `base` and `new`; record each decision whose answer changes."""
    out = Impact()
    for name, case in cases:
        out.cases += 1
        a = base.evaluate_case(case)
        b = new.evaluate_case(case)
        for decision in dict.fromkeys([*a.decisions, *b.decisions]):
            ra, rb_ = a.decisions.get(decision), b.decisions.get(decision)
            ta = (ra.status, ra.value, ra.currency, ra.type) if ra else ("absent", None, None,
                                                                          "absent")
            tb = (rb_.status, rb_.value, rb_.currency, rb_.type) if rb_ else (
                "absent", None, None, "absent")
            for t, totals in ((ta, out.before), (tb, out.after)):
                if t[3] == "money" and t[1] is not None:
                    totals[t[2] or ""] = totals.get(t[2] or "", Decimal(0)) + t[1]
            if ta != tb:
                either = rb_ or ra
                when = either.applicable_date if either is not None else None
                out.changes.append(CaseChange(name, decision, when, ta, tb))
    return out

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

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["Impact", "CaseChange", "read_cases", "impact"]

MAX_LINE = 1_000_000


@dataclass(frozen=True)
class CaseChange:
    case: str
    benefit: str
    applicable_date: _dt.date | None
    before: tuple[str, Decimal | None, str | None]  # status, amount, currency
    after: tuple[str, Decimal | None, str | None]

    @property
    def delta(self) -> Decimal | None:
        """After minus before, when both are amounts in one currency."""
        (_, a, ca), (_, b, cb) = self.before, self.after
        if ca == cb:
            return (b or Decimal(0)) - (a or Decimal(0))
        return None


@dataclass
class Impact:
    cases: int = 0
    changes: list[CaseChange] = field(default_factory=list)
    before: dict[str, Decimal] = field(default_factory=dict)  # currency -> total granted
    after: dict[str, Decimal] = field(default_factory=dict)

    @property
    def changed_cases(self) -> list[str]:
        return list(dict.fromkeys(c.case for c in self.changes))

    def as_dict(self) -> dict[str, Any]:
        def money(t: tuple) -> dict:
            return {"status": t[0], "amount": None if t[1] is None else str(t[1]),
                    "currency": t[2]}
        return {
            "cases": self.cases, "changed_cases": len(self.changed_cases),
            "changes": [{"case": c.case, "benefit": c.benefit,
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
        raise ErrorList([CaseError("no such file or folder of cases", Position(str(p)))])
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if len(line) > MAX_LINE:
                raise ErrorList([CaseError(f"line is over {MAX_LINE} characters",
                                           Position(str(p), n, 1))])
            try:
                json.loads(line)  # JSONL: each line must be JSON, not merely YAML
            except ValueError as e:
                raise ErrorList([CaseError(f"not a JSON object: {e}", Position(str(p), n, 1))]) \
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
    """Decide every case under `base` and `new`; record each benefit whose answer changes."""
    out = Impact()
    for name, case in cases:
        out.cases += 1
        a = base.evaluate_case(case)
        b = new.evaluate_case(case)
        for benefit in dict.fromkeys([*a.benefits, *b.benefits]):
            ra, rb_ = a.benefits.get(benefit), b.benefits.get(benefit)
            ta = (ra.status, ra.amount, ra.currency) if ra else ("absent", None, None)
            tb = (rb_.status, rb_.amount, rb_.currency) if rb_ else ("absent", None, None)
            for t, totals in ((ta, out.before), (tb, out.after)):
                if t[0] == "granted" and t[1] is not None:
                    totals[t[2] or ""] = totals.get(t[2] or "", Decimal(0)) + t[1]
            if ta != tb:
                either = rb_ or ra
                when = either.applicable_date if either is not None else None
                out.changes.append(CaseChange(name, benefit, when, ta, tb))
    return out

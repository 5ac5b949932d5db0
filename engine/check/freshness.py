"""Freshness: a parameter series whose newest value is over a year old may be stale,
unless it was verified against its sources within the last year (a law that has not
changed, like a cut-off date fixed by statute, keeps its old value rightly)."""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING

from engine.render.messages import Message

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["freshness_warnings"]


def freshness_warnings(rb: "Rulebook", today: _dt.date) -> list[str]:
    """Series whose newest value is over a year old may have missed a newer value."""
    out: list[str] = []
    year_ago = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year - 1, day=28)
    for p in rb.parameters.values():
        last = p.values[-1].start if p.values else None
        recent = p.verified_through is not None and p.verified_through >= year_ago
        if last is not None and last < year_ago and not recent:
            out.append(Message("{id}: the newest value is from {last}, over a year before "
                               "{today}; check for a newer one (verified through {verified})",
                               id=p.id, last=last, today=today, verified=p.verified_through))
    return out

"""Texts: which rules give the law's wording, and which a paraphrase of it.

A rule's `text` is the law's own wording, quoted from the source the rulebook names.
Where the drafter has not seen the wording, the text is a paraphrase and starts with
the mark `≈` ("approximately this"); `statute check` lists every such rule, so a
reviewer knows which texts still need the source's wording.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from engine.render.messages import Message

if TYPE_CHECKING:
    from engine.rulebook import Rulebook

__all__ = ["PARAPHRASE", "paraphrase_notes"]

PARAPHRASE = "≈"
"""The mark that begins a rule text written as a paraphrase, not quoted."""


def paraphrase_notes(rb: "Rulebook") -> list[str]:
    """One note per rule (a table: per row) whose text is marked as a paraphrase."""
    seen: dict[str, str] = {}
    for d in rb.decisions.values():
        for r in (d.applicable_date, *d.rules):
            if not r.text.lstrip().startswith(PARAPHRASE):
                continue
            rid = r.id.rpartition(".")[0] if r.row is not None and "." in r.id.partition("]")[2] \
                else r.id
            where = f"{os.path.relpath(r.position.file, rb.root)}:{r.position.line}"
            seen.setdefault(rid, Message("{where}: {rule} ({cite}): the text is a paraphrase "
                                         "(marked {mark}), not the law's wording", where=where,
                                         rule=rid, cite=r.cite, mark=PARAPHRASE))
    return sorted(seen.values())

"""Citations: a rule's citation lies within its article file's, compared within its act."""
from __future__ import annotations

__all__ = ["cites_within"]


def cites_within(cite: str, citation: str) -> bool:
    """`§ 9(2)(1)` lies within `§ 9`; `§ 90` does not, nor `§ 9.27` (a dotted number is
    another article of a code, e.g. one numbered by chapter)."""
    if not cite.startswith(citation):
        return False
    rest = cite[len(citation):]
    return not rest or not (rest[0].isalnum() or rest[0] == "." and rest[1:2].isdigit())

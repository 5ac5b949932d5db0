"""Citations: a rule's citation lies within its article file's, compared within its act."""
from __future__ import annotations

import re

__all__ = ["cites_within"]

# a file covering a run of articles: a head, then the first and last number ("ст. 431–463")
_RUN = re.compile(r"^(?P<head>.*\D)(?P<first>\d+)\s*[–-]\s*(?P<last>\d+)$")


def cites_within(cite: str, citation: str) -> bool:
    """`§ 9(2)(1)` lies within `§ 9`; `§ 90` does not, nor `§ 9.27` (a dotted number is
    another article of a code, e.g. one numbered by chapter). A file citing a run of
    articles, `§ 431–463` (en dash or hyphen), holds `§ 434(a)` and `§ 463`, not `§ 464`."""
    if cite == citation:
        return True
    run = _RUN.match(citation)
    if run is not None:
        head = run["head"]
        number = re.match(r"\d+", cite[len(head):]) if cite.startswith(head) else None
        if number is None or not _ends(cite[len(head) + number.end():]):
            return False
        return int(run["first"]) <= int(number.group()) <= int(run["last"])
    if not cite.startswith(citation):
        return False
    return _ends(cite[len(citation):])


def _ends(rest: str) -> bool:
    """What follows a number ends it: nothing, or neither a letter, digit nor `.digit`."""
    return not rest or not (rest[0].isalnum() or rest[0] == "." and rest[1:2].isdigit())

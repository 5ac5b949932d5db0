"""Every bound the rule language and case facts are held to, in one table.

Each limit keeps the work one expression or one case can cause small and predictable:
the language has no loops a writer controls, so with these bounds an expression's cost
is at most (its size) x (the longest list) steps. rules/README.md ("Lists, strings and
arithmetic for validations") documents the table; change a number here and there.
"""
from __future__ import annotations

__all__ = ["MAX_LENGTH", "MAX_NODES", "MAX_DEPTH", "MAX_DEFINITION_NESTING", "MAX_LIST_ITEMS",
           "MAX_RECORD_FIELDS", "MAX_TEXT", "MAX_PATTERN", "MAX_NUMBER_DIGITS", "MAX_AMOUNT",
           "MAX_CASE_BYTES", "MAX_LITERAL_DIGITS", "MAX_QUANTUM_PLACES", "LIMITS"]

MAX_LENGTH = 2000
"""Characters of one expression: a rule stays readable, and parsing it stays cheap."""

MAX_NODES = 400
"""Syntax-tree nodes of one expression (after definitions are expanded): bounds its work."""

MAX_DEPTH = 40
"""Nesting levels of one expression: keeps the checker and the walker far from recursion limits."""

MAX_DEFINITION_NESTING = 8
"""Definitions used inside definitions: deeper chains are a sign of a tangle, not of law."""

MAX_LIST_ITEMS = 1000
"""The ceiling for a list fact's `max_items`: every list operation is linear in it."""

MAX_RECORD_FIELDS = 20
"""Fields of one record of a list fact: a record is a row of a form, not a database."""

MAX_TEXT = 1000
"""Characters of a string fact (or string item): identifiers and codes are short."""

MAX_PATTERN = 200
"""Positions of a matches() template: a template is matched once, position by position."""

MAX_NUMBER_DIGITS = 40
"""Digits number(s) reads: identifiers are shorter; longer ints would make output unbounded."""

MAX_AMOUNT = 10 ** 15
"""Amounts and counts in a case at or above this are refused as implausible."""

MAX_LITERAL_DIGITS = 20
"""Significant digits of a number in a rule: products of a few stay within 28 exact digits."""

MAX_QUANTUM_PLACES = 10
"""Decimal places of a round() quantum: finer would need more than the 28 exact digits."""

MAX_CASE_BYTES = 1_000_000
"""Bytes of one case file: a case is one person's facts, not a data set."""

LIMITS: dict[str, int] = {
    "MAX_LENGTH": MAX_LENGTH, "MAX_NODES": MAX_NODES, "MAX_DEPTH": MAX_DEPTH,
    "MAX_DEFINITION_NESTING": MAX_DEFINITION_NESTING, "MAX_LIST_ITEMS": MAX_LIST_ITEMS,
    "MAX_RECORD_FIELDS": MAX_RECORD_FIELDS, "MAX_TEXT": MAX_TEXT, "MAX_PATTERN": MAX_PATTERN,
    "MAX_NUMBER_DIGITS": MAX_NUMBER_DIGITS, "MAX_AMOUNT": MAX_AMOUNT,
    "MAX_CASE_BYTES": MAX_CASE_BYTES, "MAX_LITERAL_DIGITS": MAX_LITERAL_DIGITS,
    "MAX_QUANTUM_PLACES": MAX_QUANTUM_PLACES,
}
"""The table by name, for documentation and tests."""

"""The language server: statute's checks, explanations and names under a drafter's cursor.

`statute lsp` speaks the Language Server Protocol over stdio (pygls, the `lsp` extra).
The modules follow what an editor asks:

- `documents`: which rulebook a file belongs to, and its files as the editor holds them
  (unsaved buffers over the disk);
- `diagnostics`: the check stage run on those buffers, its positioned errors as ranges;
- `symbols`: every name the rulebook defines (facts, parameters, definitions, decisions,
  acts, rules) with where, and every place an expression names one;
- `hover`, `complete`, `navigate`: what the cursor is on, what may be typed there, where a
  name is defined and read;
- `server`: the protocol wiring; `client`: a minimal stdio client (tests, benchmark).

Everything but `server` and `client` is plain functions of texts and a loaded rulebook,
so it is tested without a protocol; the protocol tests drive `server` through pipes.
"""

"""Maintain the engine's message catalogs with Babel (a development tool).

    python tools/messages.py extract   # engine/**.py -> engine/render/locale/statute.pot,
                                       # and merge it into each language's .po
    python tools/messages.py compile   # each .po -> .mo (shipped in the wheel)
    python tools/messages.py check     # exit 1 if a message lacks a translation or a
                                       # .mo is not the compiled .po

Phrases are marked in the source with `_("...")` (where a translator is at hand),
`N_("...")` (in tables, translated where shown), `Message("...", **args)` and
`Plural("one", "many", n, **args)` (errors and warnings, shown in the reader's
language); the `help=` and `description=` texts of the command line are extracted too.
Translations are written in the .po files by hand; `compile` runs after each edit. The
check refuses a translation whose placeholders are not the message's own.
"""
from __future__ import annotations

import ast
import io
import re
import string
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "engine" / "render" / "locale"
POT = LOCALE / "statute.pot"
TRANSLATED = ("ru", "lt")  # English is the source language
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Message": (1,), "Plural": (1, 2)}
OPTION_TEXTS = ("help", "description")  # argparse's keyword arguments a person reads


def extracted() -> Catalog:
    """Every phrase marked in engine/, with where it is used."""
    cat = Catalog(project="statute", domain="statute")
    method = [("**.py", "python")]
    for file, line, msg, _c, _ctx in extract_from_dir(ROOT / "engine", method,
                                                      keywords=KEYWORDS):
        if msg:
            cat.add(msg, locations=[(f"engine/{file}", line)])
    for file, line, msg in option_texts():
        if msg not in cat:
            cat.add(msg, locations=[(file, line)])
    return cat


def option_texts() -> list[tuple[str, int, str]]:
    """The `help=` and `description=` strings of the command line (engine/cli)."""
    out = []
    for path in sorted((ROOT / "engine" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in OPTION_TEXTS \
                    and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str) and node.value.value:
                out.append((f"engine/cli/{path.name}", node.value.lineno, node.value.value))
    return out


def placeholders(text: str) -> list[str]:
    """The `{name}` fields and `%(name)s` / `%s` conversions of a message, sorted."""
    found = []
    try:
        found = [f"{{{name}}}" for _lit, name, _spec, _conv in string.Formatter().parse(text)
                 if name is not None]
    except ValueError:
        found = ["<unbalanced braces>"]
    found += re.findall(r"%(?:\([^)]*\))?[sdr]", text)
    return sorted(set(found))


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "statute.po"


def extract() -> None:
    template = extracted()
    with POT.open("wb") as fh:
        write_po(fh, template, omit_header=True, sort_output=True, width=100)
    for lang in TRANSLATED:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(locale=lang, project="statute", domain="statute")
        cat.update(template, no_fuzzy_matching=True)
        with path.open("wb") as fh:
            write_po(fh, cat, sort_output=True, width=100, ignore_obsolete=True)


def compiled(lang: str) -> bytes:
    with po_path(lang).open("rb") as fh:
        cat = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, cat)
    return buf.getvalue()


def compile_all() -> None:
    for lang in TRANSLATED:
        po_path(lang).with_suffix(".mo").write_bytes(compiled(lang))


def problems() -> list[str]:
    """What the check finds: messages without a translation, stale .mo files."""
    out = []
    wanted = {m.id for m in extracted() if m.id}
    for lang in TRANSLATED:
        with po_path(lang).open("rb") as fh:
            cat = read_po(fh, locale=lang)
        have = {m.id: m for m in cat if m.id}
        for msg in sorted(wanted, key=str):
            m = have.get(msg)
            strings = m.string if m is not None and isinstance(m.string, tuple) else \
                (m.string,) if m is not None else ("",)
            if m is None or not all(strings) or m.fuzzy:
                out.append(f"{_rel(po_path(lang))}: no translation of {msg!r}")
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            want = placeholders(ids[-1])
            for s in strings:
                if placeholders(s) != want and placeholders(s) != placeholders(ids[0]):
                    out.append(f"{_rel(po_path(lang))}: the translation of {msg!r} has the "
                               f"placeholders {placeholders(s)}, not {want}")
        mo = po_path(lang).with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != compiled(lang):
            out.append(f"{_rel(mo)}: not the compiled .po; run "
                       "`python tools/messages.py compile`")
    return out


def _rel(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "check"
    if cmd == "extract":
        extract()
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        found = problems()
        for p in found:
            print(p)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

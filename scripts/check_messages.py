"""Check the Russian catalogue: every message translated, none fuzzy, each plural with all its forms, and
the .mo built from it."""

import ast
import gettext
import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "src" / "veche" / "locale" / "ru" / "LC_MESSAGES"


def unquote(text: str) -> str:
    """The value of a PO string literal, escapes and all."""
    return ast.literal_eval(text) if text.startswith('"') else text


def parse_po(path: Path) -> list[tuple[str, str, bool]]:
    """(key, first msgstr, fuzzy) for each entry, the key as gettext stores it (context\x04msgid)."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = None
    context = ""
    fuzzy = False
    field = None
    obsolete = False

    def flush() -> None:
        if msgid and not obsolete:
            key = f"{context}\x04{msgid}" if context else msgid
            entries.append((key, msgstr or "", fuzzy))

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            msgid = msgstr = None
            context = ""
            fuzzy = obsolete = False
            field = None
        elif line.startswith("#~"):
            obsolete = True
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            context, field = unquote(line[8:]), "ctxt"
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgid "):
            msgid, field = unquote(line[6:]), "id"
        elif line.startswith("msgstr[0]") or line.startswith("msgstr "):
            msgstr, field = unquote(line.split(" ", 1)[1]), "str"
        elif line.startswith("msgstr["):
            field = "other"
        elif line.startswith('"'):
            if field == "ctxt":
                context += unquote(line)
            elif field == "id":
                msgid = (msgid or "") + unquote(line)
            elif field == "str":
                msgstr = (msgstr or "") + unquote(line)
    flush()
    return entries


def main() -> int:
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    if not po.exists() or not mo.exists():
        print(f"missing {po} or {mo}")
        return 1
    entries = parse_po(po)
    problems = [f"untranslated: {i!r}" for i, s, _ in entries if not s]
    problems += [f"fuzzy: {i!r}" for i, _, f in entries if f]
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    problems += [
        f"not in the compiled .mo: {i!r}"
        for i, s, f in entries
        if s and not f and i not in catalog._catalog and (i, 0) not in catalog._catalog
    ]  # type: ignore[attr-defined]
    # Russian has four plural forms (the fourth for fractions); a message with three fails `msgfmt -c`.
    forms = re.search(r"nplurals\s*=\s*(\d+)", catalog.info().get("plural-forms", ""))
    nplurals = int(forms.group(1)) if forms else 2
    plurals = sorted({key[0] for key in catalog._catalog if isinstance(key, tuple)})  # type: ignore[attr-defined]
    problems += [
        f"fewer than {nplurals} plural forms: {key!r}"
        for key in plurals
        if any((key, n) not in catalog._catalog for n in range(nplurals))  # type: ignore[attr-defined]
    ]
    for problem in problems[:50]:
        print(problem)
    print(f"{len(entries)} messages, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

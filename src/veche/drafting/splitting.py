"""How the organiser's text becomes numbered sections: a pure function, no database.

The rule, in order (the first that applies):

1. Headings. If some line starts with "## " (a Markdown heading of level 2), each such line opens a
   section: the line is its heading, the lines up to the next such line its body. A heading that
   starts with a number ("2.1 Parks", "3. Roads") gives the section that number; the heading keeps
   the rest. Text before the first heading is a section of its own, without a heading.
2. Numbered paragraphs. Otherwise, if some paragraph (paragraphs are separated by blank lines)
   starts with a number followed by a dot or a bracket ("1. ...", "2.1. ...", "3) ..."), each such
   paragraph opens a section numbered so, and the unnumbered paragraphs after it belong to it. Text
   before the first numbered paragraph is a section of its own.
3. Paragraphs. Otherwise every paragraph is a section.

A text that numbers none of its sections is numbered by place ("1", "2", ...). In a text that numbers
some, a section before the first numbered one is "0" (a preamble), and an unnumbered one after
section "N" is "N.1" (the next free "N.k"). Sections with nothing in them (a heading line alone is
not empty) are dropped.
"""

import re
from dataclasses import dataclass

HEADING = re.compile(r"^##[ \t]+(?P<text>.*?)[ \t#]*$")
# "2", "2.1", "2.1.3", followed by "." or ")" or a space (in headings a space is enough).
NUMBERED_PARAGRAPH = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3}){0,4})[.)][ \t]+(?P<rest>\S.*)", re.DOTALL)
NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,3}(?:\.\d{1,3}){0,4})[.)]?(?:[ \t]+(?P<rest>\S.*))?$")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Part:
    """One section as the text gives it: its number ("" when the text gives none), heading and body."""

    number: str
    heading: str
    body: str


def split_text(text: str) -> list[Part]:
    """The sections of `text` by the rule above, numbered (the text's own numbers, else the place)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    lines = text.split("\n")
    if any(HEADING.match(line) for line in lines):
        parts = _by_headings(lines)
    else:
        paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]
        if any(NUMBERED_PARAGRAPH.match(p) for p in paragraphs):
            parts = _by_numbered_paragraphs(paragraphs)
        else:
            parts = [Part("", "", p) for p in paragraphs]
    kept = [part for part in parts if part.heading or part.body]
    if not any(part.number for part in kept):
        return [Part(str(place), part.heading, part.body) for place, part in enumerate(kept, start=1)]
    used = {part.number for part in kept}
    numbered, previous = [], "0"
    for part in kept:
        number = part.number
        if not number:
            number = "0" if previous == "0" and "0" not in used else free_number(previous, used)
            used.add(number)
        numbered.append(Part(number, part.heading, part.body))
        previous = number
    return numbered


def free_number(base: str, used: set[str]) -> str:
    """The first of "base.1", "base.2"... not in `used`: the number of a section added after `base`."""
    k = 1
    while f"{base}.{k}" in used:
        k += 1
    return f"{base}.{k}"


def _by_headings(lines: list[str]) -> list[Part]:
    parts: list[Part] = []
    number, heading, body = "", "", []
    started = False
    for line in lines:
        match = HEADING.match(line)
        if match is None:
            body.append(line)
            continue
        if started or "\n".join(body).strip():
            parts.append(Part(number, heading, "\n".join(body).strip()))
        started = True
        number, heading = _numbered_heading(match.group("text").strip())
        body = []
    parts.append(Part(number, heading, "\n".join(body).strip()))
    return parts


def _numbered_heading(text: str) -> tuple[str, str]:
    match = NUMBERED_HEADING.match(text)
    if match is None:
        return "", text
    return match.group("number"), (match.group("rest") or "").strip()


def _by_numbered_paragraphs(paragraphs: list[str]) -> list[Part]:
    parts: list[Part] = []
    number, body = "", []
    for paragraph in paragraphs:
        match = NUMBERED_PARAGRAPH.match(paragraph)
        if match is None:
            body.append(paragraph)
            continue
        if body:
            parts.append(Part(number, "", "\n\n".join(body)))
        number, body = match.group("number"), [match.group("rest").strip()]
    if body:
        parts.append(Part(number, "", "\n\n".join(body)))
    return parts


def join_parts(parts: list[Part]) -> str:
    """A text that splits back into `parts` when they have headings (the editing form shows it)."""
    chunks = []
    for part in parts:
        chunks.append(f"## {part.number} {part.heading}".rstrip() if part.heading else f"## {part.number}")
        if part.body:
            chunks.append(part.body)
    return "\n\n".join(chunks)

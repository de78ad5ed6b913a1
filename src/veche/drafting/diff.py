"""Two versions of a document compared section by section: pure functions, no database.

Sections are matched by their key. Each section of either version is one of:

- unchanged: the same heading and text;
- changed: the heading or the text differ; the difference is word by word (`difflib`);
- added: only in the later version;
- removed: only in the earlier one.

They come in the later version's order, a removed section where it stood (after the section that
came before it in the earlier version). `render` writes a difference as HTML: every piece of the
texts is escaped, insertions are <ins> and deletions <del>, each with words for screen readers
("added:", "removed:") since a strike-through or an underline is not read aloud.
"""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Status = Literal["unchanged", "changed", "added", "removed"]
Op = Literal["equal", "insert", "delete"]

# Words, runs of blanks, and single other characters: what the difference is counted in.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


class SectionLike(Protocol):
    key: int
    number: str
    heading: str
    body: str


@dataclass(frozen=True)
class Piece:
    op: Op
    text: str


@dataclass(frozen=True)
class SectionDiff:
    key: int
    status: Status
    # The section in each version (None where it is absent).
    before: SectionLike | None
    after: SectionLike | None
    heading: tuple[Piece, ...]
    body: tuple[Piece, ...]

    @property
    def number(self) -> str:
        shown = self.after or self.before
        return shown.number if shown is not None else ""

    @property
    def heading_html(self) -> SafeString:
        return render(self.heading)

    @property
    def body_html(self) -> SafeString:
        return render(self.body)


def words(before: str, after: str) -> tuple[Piece, ...]:
    """The word-level difference of two texts, as pieces kept, inserted and deleted in reading order."""
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return tuple(pieces)


def compare(before: Sequence[SectionLike], after: Sequence[SectionLike]) -> list[SectionDiff]:
    """Every section of both versions, matched by key, in the later version's order."""
    old = {section.key: section for section in before}
    new_keys = {section.key for section in after}
    # A removed section goes after the section that preceded it in the earlier version.
    removed_after: dict[int | None, list[SectionLike]] = {}
    previous: int | None = None
    for section in before:
        if section.key not in new_keys:
            removed_after.setdefault(previous, []).append(section)
        else:
            previous = section.key
    result = [_removed(s) for s in removed_after.get(None, [])]
    for section in after:
        result.append(_matched(old.get(section.key), section))
        result.extend(_removed(s) for s in removed_after.get(section.key, []))
    return result


def _matched(before: SectionLike | None, after: SectionLike) -> SectionDiff:
    if before is None:
        return SectionDiff(
            after.key,
            "added",
            None,
            after,
            (Piece("insert", after.heading),) if after.heading else (),
            (Piece("insert", after.body),) if after.body else (),
        )
    same = before.heading == after.heading and before.body == after.body
    return SectionDiff(
        after.key,
        "unchanged" if same else "changed",
        before,
        after,
        words(before.heading, after.heading),
        words(before.body, after.body),
    )


def _removed(before: SectionLike) -> SectionDiff:
    return SectionDiff(
        before.key,
        "removed",
        before,
        None,
        (Piece("delete", before.heading),) if before.heading else (),
        (Piece("delete", before.body),) if before.body else (),
    )


def render(pieces: Sequence[Piece]) -> SafeString:
    """`pieces` as HTML: the texts escaped, changes in <ins>/<del> with words for screen readers."""
    added, removed, end = escape(_("added:")), escape(_("removed:")), escape(_("end of change"))
    html: list[str] = []
    for piece in pieces:
        text = escape(piece.text)
        if piece.op == "equal":
            html.append(text)
        elif piece.op == "insert":
            html.append(
                f'<ins><span class="visually-hidden">[{added} </span>{text}'
                f'<span class="visually-hidden"> {end}]</span></ins>'
            )
        else:
            html.append(
                f'<del><span class="visually-hidden">[{removed} </span>{text}'
                f'<span class="visually-hidden"> {end}]</span></del>'
            )
    return mark_safe("".join(html))  # noqa: S308 - every text in it went through escape()

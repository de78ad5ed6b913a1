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

# What the difference is counted in: a word with the blanks after it, a run of other characters with
# the blanks after it, or blanks that begin the text. Blanks ride with the word before them so that
# the commonest token (" ") does not exist: difflib's matcher slows down with every repeated token.
TOKENS = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")

# Past this many token pairs (tokens of the changed middle of one text times those of the other,
# after their common beginning and end are set aside), a section is shown as wholly replaced rather
# than compared word by word. SequenceMatcher's time grows with the product, and faster than it with
# repeated tokens: in the worst case measured (texts of alternating one-letter words) 300 × 300 tokens
# took 0.3 s, 400 × 400 0.9 s and 2 000 × 2 000 minutes. 90 000 is 300 × 300: any edit of a
# 300-word paragraph is shown word by word, and a rewrite of two 4 000-character sections
# (~600 tokens each) as a replacement, which is what it is. `selectors.compare_versions` caches the
# result, so that this cost is paid once per pair of versions.
MAX_TOKEN_PAIRS = 90_000


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
    # The common beginning and end cost a linear scan, not the matcher's product.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    pieces: list[Piece] = []
    if head:
        pieces.append(Piece("equal", "".join(a[:head])))
    if len(middle_a) * len(middle_b) > MAX_TOKEN_PAIRS:
        pieces.append(Piece("delete", "".join(middle_a)))
        pieces.append(Piece("insert", "".join(middle_b)))
    else:
        matcher = difflib.SequenceMatcher(None, middle_a, middle_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                pieces.append(Piece("equal", "".join(middle_a[i1:i2])))
                continue
            if op in ("delete", "replace"):
                pieces.append(Piece("delete", "".join(middle_a[i1:i2])))
            if op in ("insert", "replace"):
                pieces.append(Piece("insert", "".join(middle_b[j1:j2])))
    if tail:
        pieces.append(Piece("equal", "".join(a[len(a) - tail :])))
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

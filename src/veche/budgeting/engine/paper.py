# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Reading files of paper ballots counted by hand: a CSV file, or the VOTES section of a pabulib file.

Columns: the ballot's number (`voter_id`, `ballot` or `ballot_id`), `vote` (project ids, separated
by commas or spaces) and, on a cumulative ballot, `points` (aligned with `vote`). The separator is
`;` if the header line has one, else `,`. Every problem of the layout is reported with its line
number; whether a row's projects and points make a valid ballot is for the caller to judge.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal

from veche.budgeting.engine.pabulib import Problem, decode, parse_number

# The column that holds a ballot's number, in the order looked for.
REF_COLUMNS = ("voter_id", "ballot", "ballot_id")

# What each problem's code says, in English; `Problem.params` fill it in.
MESSAGES = {
    "no_header": "the header line is missing.",
    "missing_column": "the header lacks the column %(name)s.",
    "bad_quoting": "the quoting is broken.",
    "wrong_width": "%(n)d fields, but the header has %(m)d.",
}


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One ballot: its line, its number, the project ids in its vote, and their points if given.

    `points` holds None for a cell that is not a number, so that the caller can refuse the row as a
    ballot; it is None altogether when the file has no points (or the cell is empty)."""

    line: int
    ref: str
    vote: tuple[str, ...]
    points: tuple[Decimal | None, ...] | None


@dataclass(frozen=True, slots=True)
class PaperFile:
    format: str  # "csv", or "pabulib" for a VOTES section
    rows: list[PaperRow]
    problems: list[Problem]


def _problem(line: int, code: str, **params: str | int) -> Problem:
    return Problem(line, MESSAGES[code] % params, code, params)


def split_list(cell: str) -> tuple[str, ...]:
    """A cell listing ids or points, separated by commas (or else by spaces); empty or None is none."""
    cell = cell.strip()
    if cell in ("", "None"):
        return ()
    separator = "," if "," in cell else " "
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


def _number(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except ValueError:
        return None


def read_paper(content: str | bytes, *, cumulative: bool) -> PaperFile:
    """The rows of a file of paper ballots and every problem of its layout, in line order. A
    cumulative ballot needs the `points` column. Bytes are decoded as UTF-8 (UnicodeDecodeError)."""
    text = decode(content) if isinstance(content, bytes) else content.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # after the last line's newline
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    fmt = "csv"
    if start < len(lines) and lines[start].replace(";", "").strip().strip('"').upper() == "VOTES":
        fmt = "pabulib"
        start += 1
    if start >= len(lines):
        return PaperFile(fmt, [], [_problem(start + 1, "no_header")])
    header_line = lines[start]
    delimiter = ";" if ";" in header_line else ","

    def cells(line: str) -> list[str] | None:
        try:
            parsed = next(csv.reader([line], delimiter=delimiter, quotechar='"', strict=True), [])
        except csv.Error:
            return None
        return [c.strip() for c in parsed]

    header = cells(header_line) or []
    names = [h.lower() for h in header]
    ref_at = next((names.index(n) for n in REF_COLUMNS if n in names), -1)
    vote_at = names.index("vote") if "vote" in names else -1
    points_at = names.index("points") if "points" in names else -1
    wanted = [("voter_id", ref_at), ("vote", vote_at)] + ([("points", points_at)] if cumulative else [])
    missing = [name for name, at in wanted if at < 0]
    if missing:
        return PaperFile(fmt, [], [_problem(start + 1, "missing_column", name=name) for name in missing])
    rows: list[PaperRow] = []
    problems: list[Problem] = []
    for index in range(start + 1, len(lines)):
        raw = lines[index].rstrip("\r")
        if not raw.strip():
            continue
        number = index + 1
        row = cells(raw)
        if row is None:
            problems.append(_problem(number, "bad_quoting"))
            continue
        if len(row) != len(header):
            problems.append(_problem(number, "wrong_width", n=len(row), m=len(header)))
            continue
        points = None
        if points_at >= 0 and row[points_at] not in ("", "None"):
            points = tuple(_number(p) for p in split_list(row[points_at]))
        rows.append(PaperRow(number, row[ref_at], split_list(row[vote_at]), points))
    return PaperFile(fmt, rows, problems)

# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Polis's CSV export format (comments.csv, votes.csv, participants-votes.csv), read and written.

The columns are found by their header names, so both variants Polis has exported are read: the older
one with a `datetime` column, and the newer one with `xid`, `is-meta`, `is-seed` and
`group-informed-consensus`. `group-id` in participants-votes.csv is Polis's own answer and is never read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from veche.core.spreadsheet import neutralise, unneutralise

if TYPE_CHECKING:
    from veche.deliberation.engine.matrix import Votes

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS_VOTES = "participants-votes.csv"
SUMMARY = "summary.csv"

# Polis's column order (the variant with `datetime`, which its export has written for longest).
COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")

# Columns without which a file cannot be read; the others (timestamp, agrees, disagrees) default to 0.
REQUIRED_COMMENT_COLUMNS = ("comment-id", "author-id", "moderated", "comment-body")
REQUIRED_VOTE_COLUMNS = ("comment-id", "voter-id", "vote")

# The longest field the reader accepts, in characters: far above any statement (Polis cuts them at
# 1,000 characters), low enough that a file with a lost closing quote fails at once instead of reading
# the rest of the file into one field.
FIELD_LIMIT = 131_072


class PolisError(ValueError):
    """A Polis file that cannot be read; `str()` names the file and the line."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Comment:
    """One statement of comments.csv; `moderated` is -1 (hidden), 0 (not yet moderated) or 1 (accepted)."""

    id: int
    author: int
    text: str
    moderated: int = 1
    timestamp_ms: int = 0
    agrees: int = 0
    disagrees: int = 0


@dataclass(frozen=True, slots=True)
class VoteRow:
    """One row of votes.csv: 1 agree, -1 disagree, 0 pass (a later row on the same pair replaces it)."""

    timestamp_ms: int
    comment: int
    voter: int
    vote: int


@dataclass(frozen=True)
class Conversation:
    """A conversation as Polis exports it: its statements and every vote row, in the file's order."""

    comments: list[Comment]
    votes: list[VoteRow]

    def matrix(self, *, hidden: bool = False) -> Votes:
        """The latest vote of each participant on each statement shown (moderated -1 left out; with
        `hidden`, every statement is a column, as in Polis's participants-votes.csv).

        The rows are taken in time order (a stable sort: rows with the same timestamp keep the file's
        order), the last of a pair winning."""
        import numpy as np

        from veche.deliberation.engine.matrix import Votes

        n = len(self.votes)
        timestamp = np.fromiter((row.timestamp_ms for row in self.votes), dtype=np.int64, count=n)
        participant = np.fromiter((row.voter for row in self.votes), dtype=np.int64, count=n)
        statement = np.fromiter((row.comment for row in self.votes), dtype=np.int64, count=n)
        value = np.fromiter((row.vote for row in self.votes), dtype=np.int8, count=n)
        order = np.argsort(timestamp, kind="stable")
        columns = sorted(c.id for c in self.comments if hidden or c.moderated != -1)
        shown = np.array(columns, dtype=np.int64)
        return Votes.from_events(participant[order], statement[order], value[order], statements=shown)


# Reading ---------------------------------------------------------------------------------------------


def read_polis(folder: str | os.PathLike[str]) -> Conversation:
    """Read comments.csv and votes.csv from a Polis export folder; PolisError names the file and line."""
    base = Path(folder)
    with _open(base, COMMENTS) as stream:
        comments = _read_comments(stream)
    known = {comment.id for comment in comments}
    with _open(base, VOTES) as stream:
        votes = _read_votes(stream, known)
    return Conversation(comments=comments, votes=votes)


def read_comments(text: str) -> list[Comment]:
    """The statements of a comments.csv given as text (for an upload)."""
    return _read_comments(io.StringIO(text, newline=""))


def read_votes(text: str, known: set[int] | None = None) -> list[VoteRow]:
    """The rows of a votes.csv given as text; with `known`, a vote on another comment id is an error."""
    return _read_votes(io.StringIO(text, newline=""), known)


def _open(base: Path, name: str) -> TextIO:
    """The file as text, once it is known to be UTF-8 (checked in chunks, so a large file is never held
    whole in memory: the CSV reader then streams it)."""
    path = base / name
    try:
        _check_utf8(name, path)
        return open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise PolisError(name, None, f"file not found in {base}") from None
    except OSError as error:
        raise PolisError(name, None, f"cannot read the file: {error.strerror or error}") from None


def _check_utf8(name: str, path: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                line += chunk[: max(error.start, 0)].count(b"\n")
                raise PolisError(name, line, "not UTF-8 text (the file must be saved as UTF-8)") from None
            if not chunk:
                return
            line += chunk.count(b"\n")


class _Rows:
    """A CSV reader that knows the line each record starts on and gives each field by column name."""

    def __init__(self, name: str, stream: TextIO, required: Sequence[str]) -> None:
        self.name = name
        self._reader = csv.reader(stream, strict=True)
        self.line = 1
        header = self._next()
        while header is not None and not any(cell.strip() for cell in header):
            header = self._next()  # blank lines before the header
        if header is None:
            raise PolisError(name, 1, "the file is empty")
        self.columns = {column.strip(): index for index, column in reversed(list(enumerate(header)))}
        self.width = len(header)
        for column in required:
            if column not in self.columns:
                raise PolisError(name, self.line, f"missing column '{column}'")

    def _next(self) -> list[str] | None:
        self.line = self._reader.line_num + 1
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as error:
            message = str(error)
            if "field larger than field limit" in message:
                message = f"a field is longer than {FIELD_LIMIT:,} characters (the reader's cap)"
            else:
                message = f"broken CSV ({message}); check the quotes"
            raise PolisError(self.name, self.line, message) from None

    def __iter__(self) -> Iterator[list[str]]:
        previous = csv.field_size_limit(FIELD_LIMIT)
        try:
            while (record := self._next()) is not None:
                if not record:
                    continue  # a blank line
                if len(record) != self.width:
                    raise PolisError(
                        self.name, self.line, f"{len(record)} fields where the header has {self.width}"
                    )
                yield record
        finally:
            csv.field_size_limit(previous)

    def text(self, record: list[str], column: str) -> str:
        return record[self.columns[column]]

    def index(self, column: str) -> int | None:
        return self.columns.get(column)

    def integer(self, record: list[str], column: str, default: int | None = None) -> int:
        if default is not None and column not in self.columns:
            return default
        raw = record[self.columns[column]].strip()
        if default is not None and raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise PolisError(self.name, self.line, f"{column} must be an integer, not '{raw[:40]}'") from None


def _read_comments(stream: TextIO) -> list[Comment]:
    rows = _Rows(COMMENTS, stream, REQUIRED_COMMENT_COLUMNS)
    comments: list[Comment] = []
    seen: set[int] = set()
    for record in rows:
        comment_id = rows.integer(record, "comment-id")
        if comment_id in seen:
            raise PolisError(COMMENTS, rows.line, f"comment-id {comment_id} appears twice")
        seen.add(comment_id)
        moderated = rows.integer(record, "moderated")
        if moderated not in (-1, 0, 1):
            raise PolisError(COMMENTS, rows.line, "moderated must be -1, 0 or 1")
        comments.append(
            Comment(
                id=comment_id,
                author=rows.integer(record, "author-id"),
                text=unneutralise(rows.text(record, "comment-body")),
                moderated=moderated,
                timestamp_ms=rows.integer(record, "timestamp", 0),
                agrees=rows.integer(record, "agrees", 0),
                disagrees=rows.integer(record, "disagrees", 0),
            )
        )
    return comments


def _read_votes(stream: TextIO, known: set[int] | None) -> list[VoteRow]:
    rows = _Rows(VOTES, stream, REQUIRED_VOTE_COLUMNS)
    votes: list[VoteRow] = []
    at_comment, at_voter, at_vote = rows.columns["comment-id"], rows.columns["voter-id"], rows.columns["vote"]
    at_time = rows.index("timestamp")
    for record in rows:
        # The fast path (a million rows): int() of each cell; on any failure the slow path says which.
        try:
            timestamp = int(record[at_time]) if at_time is not None else 0
            comment, voter, vote = int(record[at_comment]), int(record[at_voter]), int(record[at_vote])
        except ValueError:
            timestamp = rows.integer(record, "timestamp", 0)
            comment = rows.integer(record, "comment-id")
            voter = rows.integer(record, "voter-id")
            vote = rows.integer(record, "vote")
        if vote not in (1, -1, 0):
            raise PolisError(VOTES, rows.line, "vote must be 1, -1 or 0")
        if known is not None and comment not in known:
            raise PolisError(VOTES, rows.line, f"vote on comment {comment}, which comments.csv does not have")
        votes.append(VoteRow(timestamp_ms=timestamp, comment=comment, voter=voter, vote=vote))
    return votes


# Writing ---------------------------------------------------------------------------------------------


def _datetime(timestamp_ms: int) -> str:
    # Polis writes the server's local time in JavaScript's Date format; this writes UTC in that shape.
    # The column is for people: the reader takes `timestamp`, so one out of range is left empty.
    try:
        return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
    except (ValueError, OverflowError, OSError):
        return ""


def write_comments(out: TextIO, comments: Iterable[Comment]) -> None:
    """comments.csv in Polis's column order; statement texts neutralised against formula injection."""
    out.write(",".join(COMMENT_COLUMNS) + "\n")
    for comment in comments:
        cells = (
            str(comment.timestamp_ms),
            _datetime(comment.timestamp_ms),
            str(comment.id),
            str(comment.author),
            str(comment.agrees),
            str(comment.disagrees),
            str(comment.moderated),
            _quoted(neutralise(comment.text)),
        )
        out.write(",".join(cells) + "\n")


def _quoted(text: str) -> str:
    # csv.writer with "\n" line ends leaves a lone "\r" unquoted, which readers take for a line end.
    if any(special in text for special in (",", '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_votes(out: TextIO, votes: Iterable[VoteRow]) -> None:
    """votes.csv in Polis's column order, one row per vote in the order given."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VOTE_COLUMNS)
    writer.writerows(
        (row.timestamp_ms, _datetime(row.timestamp_ms), row.comment, row.voter, row.vote) for row in votes
    )


def write_participants_votes(
    out: TextIO, votes: Votes, groups: dict[int, int], authored: dict[int, int]
) -> None:
    """participants-votes.csv: one row per participant who voted, with the group (empty when not
    grouped), the statements authored, counts and the latest vote on each column of `votes` (empty when
    not seen). With `Conversation.matrix(hidden=True)` it is Polis's own file, cell for cell."""
    import numpy as np

    participants = [int(p) for p in votes.participants]
    statements = [int(s) for s in votes.statements]
    rows = np.asarray(votes.rows)
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    cols = np.asarray(votes.cols)[order]
    values = np.asarray(votes.values)[order]
    starts = np.searchsorted(rows, np.arange(len(votes.participants) + 1))

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*PARTICIPANT_COLUMNS, *statements))
    for index, participant in enumerate(participants):
        cells = [""] * len(statements)
        start, end = int(starts[index]), int(starts[index + 1])
        for col, value in zip(cols[start:end].tolist(), values[start:end].tolist(), strict=True):
            cells[col] = str(value)
        block = values[start:end]
        n_votes = end - start
        n_agree = int(np.count_nonzero(block == 1))
        n_disagree = int(np.count_nonzero(block == -1))
        group = groups.get(participant)
        writer.writerow(
            (
                participant,
                "" if group is None else group,
                authored.get(participant, 0),
                n_votes,
                n_agree,
                n_disagree,
                *cells,
            )
        )


class Grouping(Protocol):
    """What write_polis needs of a clustering result (`cluster()`'s Result has it)."""

    @property
    def k(self) -> int: ...
    @property
    def groups(self) -> dict[int, int]: ...
    @property
    def n_participants(self) -> int: ...


def write_polis(
    folder: str | os.PathLike[str], conversation: Conversation, result: Grouping | None = None
) -> None:
    """Write a Polis export folder (comments.csv, votes.csv, participants-votes.csv, summary.csv) that
    read_polis reads back; with a clustering result, participants-votes.csv carries its groups."""
    base = Path(folder)
    base.mkdir(parents=True, exist_ok=True)
    groups = result.groups if result is not None else {}
    authored = dict(Counter(comment.author for comment in conversation.comments))
    with open(base / COMMENTS, "w", encoding="utf-8", newline="") as out:
        write_comments(out, conversation.comments)
    with open(base / VOTES, "w", encoding="utf-8", newline="") as out:
        write_votes(out, conversation.votes)
    votes = conversation.matrix(hidden=True)
    with open(base / PARTICIPANTS_VOTES, "w", encoding="utf-8", newline="") as out:
        write_participants_votes(out, votes, groups, authored)
    voters = len({row.voter for row in conversation.votes})
    with open(base / SUMMARY, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows(
            (
                ("voters", voters),
                ("voters-in-conv", result.n_participants if result is not None else voters),
                ("commenters", len(authored)),
                ("comments", len(conversation.comments)),
                ("groups", result.k if result is not None else 0),
            )
        )

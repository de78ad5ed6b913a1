# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""Reading, checking and writing participatory-budgeting elections in the pabulib `.pb` format."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from veche.core.spreadsheet import neutralise, unneutralise

SECTIONS = ("META", "PROJECTS", "VOTES")
MANDATORY_META = (
    "description",
    "country",
    "unit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
)
VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring", "choose-1")
POINT_VOTE_TYPES = ("cumulative", "scoring")

# A number as pabulib writes it: optional sign, digits, and a decimal point or a decimal comma.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


# What each problem's code says, in English (`Problem.params` fill it in); a caller with a catalogue of
# its own says a problem in the reader's language by its code.
MESSAGES = {
    "bad_quoting": "bad quoting: %(error)s",
    "section_repeated": "section %(name)s appears a second time",
    "section_order": "section %(name)s must come before %(later)s",
    "text_before_meta": "text before the META section",
    "section_missing": "missing section %(name)s",
    "no_header": "section %(name)s has no header line",
    "column_missing": "%(name)s header lacks the column '%(column)s'",
    "column_repeated": "%(name)s header repeats the column '%(column)s'",
    "wrong_width": "%(name)s row has %(n)d fields, the header has %(m)d",
    "key_repeated": "META key '%(key)s' appears a second time",
    "key_missing": "META lacks the mandatory key '%(key)s'",
    "count_not_whole": "%(key)s must be a whole number, not '%(value)s'",
    "budget_negative": "budget must not be negative",
    "budget_not_number": "budget is not a number: '%(value)s'",
    "unknown_vote_type": "unknown vote_type '%(value)s'",
    "count_mismatch": "%(key)s is %(declared)s but %(section)s has %(actual)d rows",
    "project_id_empty": "project_id is empty",
    "project_repeated": "duplicate project_id '%(id)s' (first on line %(first)d)",
    "cost_not_number": "cost of project '%(id)s' is not a number: '%(value)s'",
    "cost_negative": "cost of project '%(id)s' is negative: %(value)s",
    "votes_not_whole": "votes of project '%(id)s' is not a whole number: '%(value)s'",
    "score_not_number": "score of project '%(id)s' is not a number: '%(value)s'",
    "selected_not_flag": "selected of project '%(id)s' must be 0 or 1, not '%(value)s'",
    "voter_repeated": "duplicate voter_id '%(id)s' (first on line %(first)d)",
    "unknown_project": "vote names the unknown project id '%(id)s'",
    "project_twice": "vote names the same project twice",
    "points_not_numbers": "points are not numbers: '%(value)s'",
    "points_mismatch": "%(n)d points for %(m)d projects in the vote",
    "points_missing": "points are missing for a vote of type %(vote_type)s",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, at the line (1-based) where it shows: `message` in English, and
    its `code` (a key of the reader's MESSAGES) with the `params` that fill it in."""

    line: int
    message: str
    code: str = field(default="", compare=False)
    params: dict[str, str | int] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ParseError(ValueError):
    """The file is not a valid .pb election; `problems` lists every problem found, in line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Project:
    project_id: str
    cost: Decimal
    name: str | None = None
    votes: int | None = None
    score: Decimal | None = None
    selected: bool | None = None
    # Every other column, as written (None where the file says None or leaves the cell empty).
    extra: dict[str, str | None] = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass(slots=True)
class Voter:
    voter_id: str
    vote: tuple[str, ...]
    points: tuple[Decimal, ...] | None = None
    extra: dict[str, str | None] = field(default_factory=dict)
    line: int = field(default=0, compare=False)


@dataclass(slots=True)
class Election:
    meta: dict[str, str]
    projects: dict[str, Project]
    voters: list[Voter]
    project_columns: list[str] = field(default_factory=lambda: ["project_id", "cost"])
    voter_columns: list[str] = field(default_factory=lambda: ["voter_id", "vote"])

    @property
    def budget(self) -> Decimal:
        return parse_number(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")


def parse_number(text: str) -> Decimal:
    """A cost, budget or point count: stray spaces and a decimal comma are accepted."""
    cell = text.strip()
    if not _NUMBER.fullmatch(cell):
        raise ValueError(f"not a number: {text!r}")
    try:
        return Decimal(cell.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not a number: {text!r}") from error


def decode(content: bytes) -> str:
    """A file's bytes as text: UTF-8, with or without a byte-order mark (UnicodeDecodeError if not)."""
    return content.decode("utf-8-sig")


def format_number(value: Decimal) -> str:
    return format(value, "f")


def _missing(cell: str) -> bool:
    return cell == "" or cell == "None"


class _Reader:
    """One pass over the lines: builds the election and collects every problem with its line number."""

    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        # Not str.splitlines(): it would also split on form feeds and other separators inside names.
        self.lines = text.split("\n")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.problems: list[Problem] = []
        self.row_counts: dict[str, int] = {}
        # The first cell of rows that could not be read, so that votes naming them are not reported too.
        self.unreadable: dict[str, set[str]] = {name: set() for name in SECTIONS}

    def problem(self, line: int, code: str, **params: str | int) -> None:
        self.problems.append(Problem(line, MESSAGES[code] % params, code, params))

    def cells(self, number: int, line: str) -> list[str] | None:
        if '"' not in line:
            if " " in line or "\t" in line or "\r" in line:
                return [cell.strip() for cell in line.split(";")]
            return line.split(";")
        try:
            rows = list(csv.reader([line], delimiter=";", quotechar='"', strict=True))
        except csv.Error as error:
            self.problem(number, "bad_quoting", error=str(error))
            return None
        return [cell.strip() for cell in rows[0]] if rows else [""]

    def read(self) -> Election | None:
        bounds = self.find_sections()
        meta, meta_lines = self.read_meta(bounds.get("META"))
        projects, project_columns = self.read_projects(bounds.get("PROJECTS"))
        voters, voter_columns = self.read_votes(bounds.get("VOTES"), meta, projects)
        self.check_counts(meta, meta_lines)
        if self.problems:
            return None
        return Election(meta, projects, voters, project_columns, voter_columns)

    def find_sections(self) -> dict[str, tuple[int, int]]:
        """Where each section's title sits (0-based) and where its rows end."""
        titles: list[tuple[str, int]] = []
        for index, raw in enumerate(self.lines):
            # Cheap test first: a title line is short and starts with a section's letter.
            if len(raw) > 24 or raw.lstrip(' "')[:1].upper() not in ("M", "P", "V"):
                continue
            cell = raw.replace(";", "").strip().strip('"').upper()
            if cell in SECTIONS:
                titles.append((cell, index))
        bounds: dict[str, tuple[int, int]] = {}
        seen: list[str] = []
        for position, (name, index) in enumerate(titles):
            end = titles[position + 1][1] if position + 1 < len(titles) else len(self.lines)
            if name in bounds:
                self.problem(index + 1, "section_repeated", name=name)
                continue
            for later in seen:
                if SECTIONS.index(later) > SECTIONS.index(name):
                    self.problem(index + 1, "section_order", name=name, later=later)
                    break
            seen.append(name)
            bounds[name] = (index, end)
        first = titles[0][1] if titles else len(self.lines)
        for index in range(first):
            if self.lines[index].strip():
                self.problem(index + 1, "text_before_meta")
                break
        for order, name in enumerate(SECTIONS):
            if name not in bounds:
                following = [bounds[n][0] + 1 for n in SECTIONS[order + 1 :] if n in bounds]
                line = following[0] if following else max(len(self.lines), 1)
                self.problem(line, "section_missing", name=name)
        return bounds

    def header(self, bound: tuple[int, int], name: str, required: Iterable[str]) -> list[str] | None:
        start, end = bound
        if start + 1 >= end:
            self.problem(start + 1, "no_header", name=name)
            return None
        header = self.cells(start + 2, self.lines[start + 1])
        if header is None:
            return None
        ok = True
        for column in required:
            if column not in header:
                self.problem(start + 2, "column_missing", name=name, column=column)
                ok = False
        for column in {c for c in header if header.count(c) > 1}:
            self.problem(start + 2, "column_repeated", name=name, column=column)
            ok = False
        return header if ok else None

    def rows(self, bound: tuple[int, int], header: list[str], name: str) -> Iterable[tuple[int, list[str]]]:
        start, end = bound
        width = len(header)
        self.row_counts[name] = 0
        for index in range(start + 2, end):
            raw = self.lines[index]
            if not raw.strip():
                continue
            self.row_counts[name] += 1
            number = index + 1
            cells = self.cells(number, raw.rstrip("\r"))
            if cells is None:
                self.unreadable[name].add(raw.split(";", 1)[0].strip().strip('"'))
                continue
            if len(cells) != width:
                self.problem(number, "wrong_width", name=name, n=len(cells), m=width)
                self.unreadable[name].add(cells[0])
                continue
            yield number, cells

    def _vote_rows(self, bound: tuple[int, int], header: list[str]) -> Iterable[tuple[int, list[str]]]:
        """`rows` for VOTES, with a fast path for the plain lines that make up nearly all of a big file."""
        start, end = bound
        width = len(header)
        lines = self.lines
        count = 0
        for index in range(start + 2, end):
            raw = lines[index]
            if '"' in raw or " " in raw or "\t" in raw or "\r" in raw:
                if not raw.strip():
                    continue
                count += 1
                cells = self.cells(index + 1, raw.rstrip("\r"))
                if cells is None:
                    continue
            elif not raw:
                continue
            else:
                count += 1
                cells = raw.split(";")
            if len(cells) != width:
                self.problem(index + 1, "wrong_width", name="VOTES", n=len(cells), m=width)
                continue
            yield index + 1, cells
        self.row_counts["VOTES"] = count

    def read_meta(self, bound: tuple[int, int] | None) -> tuple[dict[str, str], dict[str, int]]:
        meta: dict[str, str] = {}
        lines: dict[str, int] = {}
        if bound is None:
            return meta, lines
        header = self.header(bound, "META", ())
        if header is None:
            return meta, lines
        for number, cells in self.rows(bound, ["key", "value"], "META"):
            key, value = cells
            if key in meta:
                self.problem(number, "key_repeated", key=key)
                continue
            meta[key] = unneutralise(value)
            lines[key] = number
        title = bound[0] + 1
        for key in MANDATORY_META:
            if key not in meta:
                self.problem(title, "key_missing", key=key)
        for key in ("num_projects", "num_votes"):
            if key in meta and not meta[key].isdigit():
                self.problem(lines[key], "count_not_whole", key=key, value=meta[key])
        if "budget" in meta:
            try:
                if parse_number(meta["budget"]) < 0:
                    self.problem(lines["budget"], "budget_negative")
            except ValueError:
                self.problem(lines["budget"], "budget_not_number", value=meta["budget"])
        if "vote_type" in meta and meta["vote_type"] not in VOTE_TYPES:
            self.problem(lines["vote_type"], "unknown_vote_type", value=meta["vote_type"])
        return meta, lines

    def read_projects(self, bound: tuple[int, int] | None) -> tuple[dict[str, Project], list[str]]:
        projects: dict[str, Project] = {}
        if bound is None:
            return projects, []
        header = self.header(bound, "PROJECTS", ("project_id", "cost"))
        if header is None:
            return projects, []
        known = {"project_id", "cost", "name", "votes", "score", "selected"}
        for number, cells in self.rows(bound, header, "PROJECTS"):
            row = dict(zip(header, cells, strict=True))
            project_id = row["project_id"]
            if _missing(project_id):
                self.problem(number, "project_id_empty")
                continue
            if project_id in projects:
                first = projects[project_id].line
                self.problem(number, "project_repeated", id=project_id, first=first)
                continue
            try:
                cost = parse_number(row["cost"])
            except ValueError:
                self.problem(number, "cost_not_number", id=project_id, value=row["cost"])
                cost = Decimal(0)
            else:
                if cost < 0:
                    self.problem(number, "cost_negative", id=project_id, value=row["cost"])
            project = Project(project_id=project_id, cost=cost, line=number)
            if not _missing(row.get("name", "")):
                project.name = unneutralise(row["name"])
            if not _missing(row.get("votes", "")):
                if row["votes"].isdigit():
                    project.votes = int(row["votes"])
                else:
                    self.problem(number, "votes_not_whole", id=project_id, value=row["votes"])
            if not _missing(row.get("score", "")):
                try:
                    project.score = parse_number(row["score"])
                except ValueError:
                    self.problem(number, "score_not_number", id=project_id, value=row["score"])
            if not _missing(row.get("selected", "")):
                if row["selected"].isdigit():
                    project.selected = int(row["selected"]) > 0
                else:
                    self.problem(number, "selected_not_flag", id=project_id, value=row["selected"])
            project.extra = {
                c: (None if _missing(row[c]) else unneutralise(row[c])) for c in header if c not in known
            }
            projects[project_id] = project
        return projects, header

    def read_votes(
        self, bound: tuple[int, int] | None, meta: dict[str, str], projects: dict[str, Project]
    ) -> tuple[list[Voter], list[str]]:
        voters: list[Voter] = []
        if bound is None:
            return voters, []
        with_points = meta.get("vote_type") in POINT_VOTE_TYPES
        required = ("voter_id", "vote", "points") if with_points else ("voter_id", "vote")
        header = self.header(bound, "VOTES", required)
        if header is None:
            return voters, []
        seen: dict[str, int] = {}
        id_at = header.index("voter_id")
        vote_at = header.index("vote")
        points_at = header.index("points") if "points" in header else -1
        others = [(i, c) for i, c in enumerate(header) if c not in ("voter_id", "vote", "points")]
        check_ids = bool(projects)
        known = set(projects) | self.unreadable["PROJECTS"]
        for number, cells in self._vote_rows(bound, header):
            voter_id = cells[id_at]
            if voter_id in seen:
                self.problem(number, "voter_repeated", id=voter_id, first=seen[voter_id])
                continue
            seen[voter_id] = number
            raw_vote = cells[vote_at]
            if raw_vote == "" or raw_vote == "None":
                vote: tuple[str, ...] = ()
            elif " " in raw_vote:
                vote = tuple(p.strip() for p in raw_vote.split(","))
            else:
                vote = tuple(raw_vote.split(","))
            if check_ids and not known.issuperset(vote):
                for project_id in vote:
                    if project_id not in known:
                        self.problem(number, "unknown_project", id=project_id)
            if len(vote) > 1 and len(set(vote)) != len(vote):
                self.problem(number, "project_twice")
            points: tuple[Decimal, ...] | None = None
            if points_at >= 0 and not _missing(cells[points_at]):
                try:
                    points = tuple(parse_number(p) for p in cells[points_at].split(","))
                except ValueError:
                    self.problem(number, "points_not_numbers", value=cells[points_at])
                else:
                    if len(points) != len(vote):
                        self.problem(number, "points_mismatch", n=len(points), m=len(vote))
            elif with_points and vote:
                self.problem(number, "points_missing", vote_type=meta["vote_type"])
            extra = (
                {c: (None if _missing(cells[i]) else unneutralise(cells[i])) for i, c in others}
                if others
                else {}
            )
            voters.append(Voter(voter_id, vote, points, extra, number))
        return voters, header

    def check_counts(self, meta: dict[str, str], lines: dict[str, int]) -> None:
        """num_projects and num_votes against the rows of their sections (rows with problems count too)."""
        for key, section in (("num_projects", "PROJECTS"), ("num_votes", "VOTES")):
            declared = meta.get(key, "")
            actual = self.row_counts.get(section)
            if actual is not None and declared.isdigit() and int(declared) != actual:
                self.problem(
                    lines[key], "count_mismatch", key=key, declared=declared, section=section, actual=actual
                )


def validate_pb(text: str) -> list[Problem]:
    """Every problem in the file, in line order; empty if the file is a valid election."""
    reader = _Reader(text)
    reader.read()
    return sorted(reader.problems, key=lambda p: p.line)


def parse_pb(text: str) -> Election:
    reader = _Reader(text)
    election = reader.read()
    if election is None:
        raise ParseError(reader.problems)
    return election


def read_pb(path: str | Path) -> Election:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pb(handle.read())


def write_pb(election: Election, path: str | Path | None = None) -> str:
    """The election as .pb text (and written to `path` if given); counts in META follow the data."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.voters))
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, _text(value)])
    out.write("PROJECTS\n")
    project_columns = list(election.project_columns)
    writer.writerow(project_columns)
    for project in election.projects.values():
        writer.writerow([_project_cell(project, column) for column in project_columns])
    out.write("VOTES\n")
    voter_columns = list(election.voter_columns)
    writer.writerow(voter_columns)
    for voter in election.voters:
        writer.writerow([_voter_cell(voter, column) for column in voter_columns])
    text = out.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _project_cell(project: Project, column: str) -> str:
    if column == "project_id":
        return project.project_id
    if column == "cost":
        return format_number(project.cost)
    if column == "name":
        return "None" if project.name is None else _text(project.name)
    if column == "votes":
        return "None" if project.votes is None else str(project.votes)
    if column == "score":
        return "None" if project.score is None else format_number(project.score)
    if column == "selected":
        return "None" if project.selected is None else str(int(project.selected))
    value = project.extra.get(column)
    return "None" if value is None else _text(value)


def _voter_cell(voter: Voter, column: str) -> str:
    if column == "voter_id":
        return voter.voter_id
    if column == "vote":
        return ",".join(voter.vote)
    if column == "points":
        # An empty vote's points as missing: pabutools reads an empty cell as a point count.
        return ",".join(format_number(p) for p in voter.points) if voter.points else "None"
    value = voter.extra.get(column)
    return "None" if value is None else _text(value)


def _text(value: str) -> str:
    """A text cell neutralised against spreadsheet formulas (the reader takes the quote off again);
    a number, negative ones too, is written as it is."""
    try:
        parse_number(value)
    except ValueError:
        return neutralise(value)
    return value if value == value.strip() else neutralise(value)

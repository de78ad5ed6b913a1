"""Reading, checking and writing .pb files: every problem is reported with the line it is on."""

import csv
import io
from decimal import Decimal

import pytest

from veche.budgeting.engine import ParseError, Problem, parse_pb, validate_pb, write_pb
from veche.budgeting.engine.synthetic import synthetic_election
from veche.budgeting.engine.tests.helpers import VALID, WIELICZKA, replace_line


def test_valid_file_parses_with_quotes_spaces_and_decimal_comma() -> None:
    assert validate_pb(VALID) == []
    election = parse_pb(VALID)
    assert election.budget == Decimal(1000)
    assert list(election.projects) == ["1", "2", "3"]
    park, bikes, trees = election.projects.values()
    assert park.name == 'Park; with a "fountain"'
    assert park.cost == Decimal(600) and park.selected is True and park.votes == 3
    assert trees.cost == Decimal("500.50")  # decimal comma
    assert trees.name == "Trees"  # stray space stripped
    assert bikes.line == 17
    assert [v.vote for v in election.voters] == [("1", "2"), ("1",), ("1", "3"), ("2",)]
    assert election.voters[2].line == 23


def test_wieliczka_copy_parses(wieliczka) -> None:
    assert wieliczka.meta["rule"] == "equalshares/add1"
    assert len(wieliczka.projects) == 64
    assert len(wieliczka.voters) == 6586
    assert wieliczka.budget == Decimal(1_000_000)
    assert sum(1 for p in wieliczka.projects.values() if p.selected) == 30
    assert validate_pb(WIELICZKA.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("line", "new", "expected_line", "words"),
    [
        (8, "num_votes;5", 8, "num_votes is 5 but VOTES has 4 rows"),
        (7, "num_projects;2", 7, "num_projects is 2 but PROJECTS has 3 rows"),
        (23, "3;1,9", 23, "unknown project id '9'"),
        (17, '2;400;2;"Bike racks;1', 17, "bad quoting"),
        (17, '2;400;2;"Bike" racks;1', 17, "bad quoting"),
        (18, "3;-5;1;Trees;0", 18, "negative"),
        (17, "2;four hundred;2;Bike racks;1", 17, "not a number"),
        (22, "2;1,1", 22, "same project twice"),
        (24, "3;2", 24, "duplicate voter_id '3'"),
        (16, "1;600;3;Park", 16, "4 fields, the header has 5"),
        (9, "budget;a lot", 9, "budget is not a number"),
        (10, "vote_type;plurality", 10, "unknown vote_type"),
        (18, "3;500;1;Trees;yes", 18, "selected"),
    ],
)
def test_each_broken_line_is_reported_where_it_is(
    line: int, new: str, expected_line: int, words: str
) -> None:
    broken = replace_line(VALID, line, new)
    problems = validate_pb(broken)
    assert [p.line for p in problems] == [expected_line], problems
    assert words in problems[0].message
    with pytest.raises(ParseError) as raised:
        parse_pb(broken)
    assert raised.value.problems == problems
    assert f"line {expected_line}: " in str(raised.value)


def test_duplicate_project_is_reported_and_votes_for_the_lost_one_too() -> None:
    problems = validate_pb(replace_line(VALID, 18, "2;500;1;Trees;0"))
    assert problems == [
        Problem(18, "duplicate project_id '2' (first on line 17)"),
        Problem(23, "vote names the unknown project id '3'"),
    ]


def test_missing_section_is_reported_where_it_should_start() -> None:
    without_projects = "\n".join(VALID.split("\n")[:13] + VALID.split("\n")[18:])
    problems = validate_pb(without_projects)
    assert problems == [Problem(14, "missing section PROJECTS")]


def test_missing_mandatory_meta_key_is_reported_on_the_meta_line() -> None:
    problems = validate_pb(replace_line(VALID, 4, None))
    assert problems == [Problem(1, "META lacks the mandatory key 'country'")]


def test_every_problem_is_reported_in_line_order() -> None:
    broken = replace_line(VALID, 24, "4;7")
    broken = replace_line(replace_line(broken, 18, "3;-1;1;Trees;0"), 8, "num_votes;9")
    assert [p.line for p in validate_pb(broken)] == [8, 18, 24]


def test_empty_file_lacks_every_section() -> None:
    assert [p.message for p in validate_pb("")] == [
        "missing section META",
        "missing section PROJECTS",
        "missing section VOTES",
    ]


def test_cumulative_votes_carry_points_and_their_count_is_checked() -> None:
    lines = VALID.split("\n")
    lines[9] = "vote_type;cumulative"
    lines[19] = "voter_id;vote;points"
    lines[20:24] = ["1;1,2;3,2", "2;1;5", "3;1,3;4,1,0", "4;2;2,5"]
    problems = validate_pb("\n".join(lines))
    assert problems == [
        Problem(23, "3 points for 2 projects in the vote"),
        Problem(24, "2 points for 1 projects in the vote"),
    ]
    lines[22:24] = ["3;1,3;4,1", "4;2;2,5"[:5]]
    election = parse_pb("\n".join(lines))
    assert election.voters[0].points == (Decimal(3), Decimal(2))
    assert parse_pb(write_pb(election)) == election


def test_write_then_parse_gives_the_same_election() -> None:
    election = parse_pb(VALID)
    text = write_pb(election)
    assert '"Park; with a ""fountain"""' in text
    assert parse_pb(text) == election


def test_round_trip_of_real_and_synthetic_elections(wieliczka) -> None:
    assert parse_pb(write_pb(wieliczka)) == wieliczka
    synthetic = synthetic_election(300, 12, seed=5)
    assert parse_pb(write_pb(synthetic)) == synthetic


def test_write_counts_follow_the_data(tmp_path) -> None:
    election = parse_pb(VALID)
    election.voters.pop()
    path = tmp_path / "out.pb"
    write_pb(election, path)
    assert parse_pb(path.read_text(encoding="utf-8")).meta["num_votes"] == "3"


FORMULAS = ('=HYPERLINK("http://x")', "+1+1", "-2+3 cmd", "@SUM(A1)", "\tTAB", "\rCR", "'=quoted")


def test_text_cells_are_neutralised_against_formulas_and_read_back_as_written() -> None:
    election = parse_pb(VALID)
    election.meta["description"] = "=cmd|' /C calc'!A0"
    for project, name in zip(election.projects.values(), FORMULAS, strict=False):
        project.name = name
    election.voters[0].extra = {"district": "@evil"}
    election.voter_columns = [*election.voter_columns, "district"]
    for voter in election.voters[1:]:
        voter.extra = {"district": "-1"}  # a number stays a number
    text = write_pb(election)
    assert validate_pb(text) == []
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "@", "\t", "\r") and not cell.startswith("-2"), cell
    assert "'=cmd|' /C calc'!A0" in cells and "'@evil" in cells and "-1" in cells
    assert parse_pb(text) == election

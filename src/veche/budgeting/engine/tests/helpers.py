"""What the engine's tests share: a small valid election, the Wieliczka 2023 copy, a line editor, the META
of generated elections, and the comparison with pabutools."""

from decimal import Decimal
from pathlib import Path

from veche.budgeting.engine import Election, Project, Voter, compute, parse_pb, write_pb
from veche.budgeting.engine.tests import peer

DATA = Path(__file__).parent / "data"
WIELICZKA = DATA / "poland_wieliczka_2023_green-budget.pb"

# Line numbers matter to the tests that break this file: keep the layout.
VALID = (
    "\n".join(
        [
            "META",
            "key;value",
            "description;Test",
            "country;Poland",
            "unit;Testgrad",
            "instance;2024",
            "num_projects;3",
            "num_votes;4",
            "budget;1000",
            "vote_type;approval",
            "rule;greedy",
            "date_begin;01.01.2024",
            "date_end;02.01.2024",
            "PROJECTS",
            "project_id;cost;votes;name;selected",
            '1;600;3;"Park; with a ""fountain""";1',
            "2;400;2;Bike racks;1",
            "3;500,50;1;Trees ;0",
            "VOTES",
            "voter_id;vote",
            "1;1,2",
            "2;1",
            "3;1,3",
            "4;2",
        ]
    )
    + "\n"
)


def replace_line(text: str, number: int, new: str | None) -> str:
    """`text` with line `number` (1-based) replaced, or removed if `new` is None."""
    lines = text.split("\n")
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new
    return "\n".join(lines)


# Every rule, with the utilities that change its outcome, as the agreement tests count them.
COUNTS = [
    ("greedy", "cost"),
    ("mes", "cost"),
    ("mes", "cardinal"),
    ("mes-add1", "cost"),
    ("mes-add1", "cardinal"),
    ("mes-add1-comparison", "cost"),
    ("mes-add1-comparison", "cardinal"),
    ("phragmen", "cost"),
]

# The META of generated elections (budget and vote type set by each).
META = {
    "description": "generated",
    "country": "Nowhere",
    "unit": "Test",
    "instance": "1",
    "num_projects": "0",
    "num_votes": "0",
    "vote_type": "approval",
    "rule": "unknown",
    "date_begin": "1",
    "date_end": "2",
}


def agree(election: Election, rule: str, utilities: str, tie_breaking: str = "lexicographic") -> None:
    text = write_pb(election)
    instance, profile = peer.parse(text)
    theirs = peer.winners(instance, profile, rule, utilities, tie_breaking)
    ours = compute(parse_pb(text), rule, utilities=utilities, tie_breaking=tie_breaking).winners
    assert sorted(ours) == sorted(theirs), (rule, utilities, tie_breaking, text)


def cumulative(
    costs: list[int | Decimal], ballots: list[dict[int, int | Decimal]], budget: int | str
) -> Election:
    """Projects "1", "2", ... with these costs; each ballot maps a project's position to its points."""
    ids = [str(i + 1) for i in range(len(costs))]
    return Election(
        {**META, "budget": str(budget), "vote_type": "cumulative"},
        {i: Project(i, Decimal(c)) for i, c in zip(ids, costs, strict=True)},
        [
            Voter(str(v + 1), tuple(ids[p] for p in ballot), tuple(Decimal(n) for n in ballot.values()))
            for v, ballot in enumerate(ballots)
        ],
        voter_columns=["voter_id", "vote", "points"],
    )

"""Shared material for the engine's tests: a small valid election and the Wieliczka 2023 copy."""

from pathlib import Path

import pytest

from veche.budgeting.engine import Election, read_pb

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


@pytest.fixture(scope="session")
def wieliczka() -> Election:
    return read_pb(WIELICZKA)

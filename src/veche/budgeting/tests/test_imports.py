"""Paper ballots and pabulib files: every row checked, problems reported by line, all or nothing;
an exported .pb file imported again counts the same winners."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from veche.budgeting import engine
from veche.budgeting.engine import parse_pb, validate_pb
from veche.budgeting.models import (
    Ballot,
    BallotChoice,
    BallotKind,
    Budget,
    PaperBatch,
    Process,
    ProcessPhase,
    Proposal,
    Rule,
)
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.pabulib import budget_export_pb, process_import_pb
from veche.budgeting.services.paper import paper_ballots_import
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import city_budget, options
from veche.core.errors import Conflict, DomainError, NotFound
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import chain_name

WIELICZKA = Path(engine.__file__).parent / "tests" / "data" / "poland_wieliczka_2023_green-budget.pb"


@pytest.fixture
def counting(make_process, municipal_admin):
    """A city-wide budget whose voting has closed, and its projects."""
    budget = city_budget(make_process(ProcessPhase.COUNTING))
    return budget, options(budget)


def test_paper_ballots_from_a_csv_file_are_stored_with_ledger_entries(counting, official):
    budget, (bike, playground, benches, *_rest) = counting
    # Commas separate the fields here: a list of projects is quoted, or separated by spaces.
    rows = [f'A-1,"{bike.pk},{playground.pk}"', f"A-2,{benches.pk}", "", f"A-3,{bike.pk} {benches.pk}"]
    content = ("ballot,vote\n" + "\n".join(rows) + "\n").encode()

    batch = paper_ballots_import(actor=official, budget=budget, content=content, filename="box-1.csv")

    assert (batch.format, batch.ballots, batch.filename) == ("csv", 3, "box-1.csv")
    ballots = list(Ballot.objects.order_by("id"))
    assert [(b.source, b.voter_ref, b.user) for b in ballots] == [
        ("paper", f"A-{i}", None) for i in (1, 2, 3)
    ]
    assert [list(b.choices.values_list("proposal_id", flat=True)) for b in ballots] == [
        [bike.pk, playground.pk],
        [benches.pk],
        [bike.pk, benches.pk],
    ]
    assert LedgerEntry.objects.count() == 3 and all(b.receipt for b in ballots)
    assert chain_break(chain_name(budget)) is None


def test_a_file_with_broken_rows_reports_each_line_and_imports_nothing(counting, official):
    budget, (bike, playground, benches, fountain, trees) = counting
    content = "\n".join(
        [
            "voter_id;vote",
            f"1;{bike.pk}",
            f"2;{bike.pk},{playground.pk},{benches.pk},{trees.pk}",  # four of at most three
            "3;999999",  # not on the ballot
            f"1;{benches.pk}",  # the number of line 2 again
            f"4;{bike.pk};extra",  # a field too many
            f"5;{fountain.pk}",
        ]
    ).encode()

    with pytest.raises(DomainError) as refused:
        paper_ballots_import(actor=official, budget=budget, content=content, filename="box.csv")

    problems = refused.value.fields["file"]
    assert (refused.value.code, refused.value.message) == (
        "invalid_file",
        "В файле 4 ошибки, ничего не импортировано.",
    )
    assert problems[0] == "строка 3: Выберите от 1 до 3 проектов (вы выбрали: 4)."
    assert problems[1].startswith("строка 4: Проекта 999999 нет в этом бюллетене")
    assert problems[2] == "строка 5: бюллетень 1 уже есть в строке 2."
    assert problems[3] == "строка 6: полей: 3, а в строке заголовков: 2."
    assert (
        not Ballot.objects.exists() and not PaperBatch.objects.exists() and not LedgerEntry.objects.exists()
    )


def test_the_layout_problems_the_engine_finds_are_said_in_the_readers_language(counting, official):
    budget, (bike, *_rest) = counting
    content = f'voter_id;vote\n1;{bike.pk};extra\n2;"{bike.pk}\n'.encode()

    with translation.override("ru"), pytest.raises(DomainError) as refused:
        paper_ballots_import(actor=official, budget=budget, content=content, filename="box.csv")

    assert refused.value.fields["file"] == [
        "строка 2: полей: 3, а в строке заголовков: 2.",
        "строка 3: ошибка в кавычках.",
    ]
    assert not Ballot.objects.exists()


def test_a_pabulib_votes_section_is_imported_and_a_ballot_number_only_once(counting, official):
    budget, (bike, playground, *_rest) = counting
    section = f"VOTES\nvoter_id;vote\n7;{bike.pk}\n8;{bike.pk},{playground.pk}\n".encode()

    batch = paper_ballots_import(actor=official, budget=budget, content=section, filename="votes.pb")
    with pytest.raises(Conflict):
        paper_ballots_import(actor=official, budget=budget, content=section, filename="votes.pb")
    with pytest.raises(DomainError) as again:
        paper_ballots_import(
            actor=official,
            budget=budget,
            content=f"voter_id;vote\n8;{playground.pk}\n".encode(),
            filename="b.csv",
        )

    assert batch.format == "pabulib" and Ballot.objects.count() == 2
    assert again.value.fields["file"] == ["строка 2: бюллетень 8 уже был импортирован ранее."]


def test_paper_ballots_are_refused_to_residents_and_while_proposals_are_collected(
    make_process, official, voter
):
    budget = city_budget(make_process(ProcessPhase.PROPOSALS))
    with pytest.raises(Conflict):
        paper_ballots_import(actor=official, budget=budget, content=b"voter_id;vote\n1;1\n")
    with pytest.raises(NotFound):
        paper_ballots_import(actor=voter, budget=budget, content=b"voter_id;vote\n1;1\n")
    assert not Ballot.objects.exists()


@pytest.mark.language("en")
def test_cumulative_paper_ballots_carry_their_points(make_process, official, municipal_admin):
    process = make_process(ProcessPhase.COUNTING, kind=BallotKind.CUMULATIVE)
    budget = city_budget(process)
    bike, playground, *_ = options(budget)

    paper_ballots_import(
        actor=official,
        budget=budget,
        content=f"voter_id;vote;points\nP1;{bike.pk},{playground.pk};7,3\n".encode(),
    )
    with pytest.raises(DomainError) as over:
        paper_ballots_import(
            actor=official, budget=budget, content=f"voter_id;vote;points\nP2;{bike.pk};11\n".encode()
        )

    assert list(BallotChoice.objects.values_list("points", flat=True)) == [7, 3]
    assert over.value.fields["file"] == ["line 2: You gave 11 points; you have 10 to share."]


def test_an_exported_file_imported_again_counts_the_same_winners(
    counting, official, municipal_admin, municipality, central
):
    budget, (bike, playground, benches, fountain, trees) = counting
    rows = [
        [bike, playground],
        [bike],
        [fountain, trees],
        [benches, trees],
        [fountain],
        [playground, benches],
    ]
    lines = [f"B{i};{','.join(str(p.pk) for p in row)}" for i, row in enumerate(rows)]
    paper_ballots_import(
        actor=official, budget=budget, content=("voter_id;vote\n" + "\n".join(lines)).encode()
    )
    first = budget_count(actor=official, budget=budget, rule=Rule.MES_ADD1)

    text = budget_export_pb(actor=official, budget=budget)
    assert validate_pb(text) == []
    election = parse_pb(text)
    assert election.meta["budget"] == str(budget.amount) and len(election.voters) == len(rows)
    assert {pid for pid, p in election.projects.items() if p.selected} == {str(pk) for pk in first.winners}

    imported = process_import_pb(
        actor=municipal_admin, municipality=municipality, content=text.encode(), filename="export.pb"
    )
    again = budget_count(actor=official, budget=city_budget(imported))

    assert imported.phase == ProcessPhase.COUNTING and imported.rule == Rule.MES_ADD1
    by_code = dict(Proposal.objects.filter(process=imported).values_list("pk", "code"))
    assert [by_code[pk] for pk in again.winners] == [str(pk) for pk in first.winners]
    assert again.total_cost == first.total_cost
    assert chain_break(chain_name(city_budget(imported))) is None


# A pabulib file with a cost that is not a number (line 17) and a vote for an unknown project (line 21).
BROKEN_PB = "\n".join(
    [
        "META",
        "key;value",
        "description;Broken",
        "country;Russia",
        "unit;Testgrad",
        "instance;2025",
        "num_projects;2",
        "num_votes;2",
        "budget;1000",
        "vote_type;approval",
        "rule;greedy",
        "date_begin;01.01.2025",
        "date_end;02.01.2025",
        "PROJECTS",
        "project_id;cost",
        "a;600",
        "b;lots",
        "VOTES",
        "voter_id;vote",
        "1;a",
        "2;c",
    ]
)


@pytest.mark.language("en")
def test_a_broken_pb_file_is_refused_with_the_validators_line_numbers(
    municipality, municipal_admin, official
):
    with pytest.raises(DomainError) as refused:
        process_import_pb(actor=municipal_admin, municipality=municipality, content=BROKEN_PB.encode())
    with pytest.raises(NotFound):
        process_import_pb(actor=official, municipality=municipality, content=BROKEN_PB.encode())

    problems = refused.value.fields["file"]
    assert any(p.startswith("line 17:") and "cost" in p for p in problems), problems
    assert any(p.startswith("line 21:") and "project c," in p for p in problems), problems
    assert not Process.objects.exists() and not Budget.objects.exists()


def test_the_problems_the_pb_validator_finds_are_said_in_the_readers_language(municipality, municipal_admin):
    with pytest.raises(DomainError) as refused:
        process_import_pb(actor=municipal_admin, municipality=municipality, content=BROKEN_PB.encode())

    problems = refused.value.fields["file"]
    assert refused.value.message.startswith("В файле")
    assert [p.split(":")[0] for p in problems] == ["строка 17", "строка 21"], problems
    assert all(re.search("[а-яё]", p.split(":", 1)[1]) for p in problems), problems


def test_a_decimal_cost_is_refused_with_its_line(municipality, municipal_admin):
    text = "\n".join(
        [
            "META",
            "key;value",
            "description;Decimal",
            "country;Russia",
            "unit;Testgrad",
            "instance;2025",
            "num_projects;1",
            "num_votes;1",
            "budget;1000",
            "vote_type;approval",
            "rule;greedy",
            "date_begin;01.01.2025",
            "date_end;02.01.2025",
            "PROJECTS",
            "project_id;cost",
            "a;600,50",
            "VOTES",
            "voter_id;vote",
            "1;a",
        ]
    )

    with pytest.raises(DomainError) as refused:
        process_import_pb(actor=municipal_admin, municipality=municipality, content=text.encode())

    assert refused.value.fields["file"] == ["строка 16: стоимость проекта a — не целое число."]
    assert not Process.objects.exists()


@pytest.mark.skipif(not WIELICZKA.exists(), reason="the Wieliczka file is not in the engine's test data")
def test_wieliczka_imported_and_counted_here_funds_the_official_winners(
    municipality, municipal_admin, official
):
    content = WIELICZKA.read_bytes()
    official_winners = {pid for pid, p in parse_pb(content.decode()).projects.items() if p.selected}

    process = process_import_pb(
        actor=municipal_admin, municipality=municipality, content=content, filename=WIELICZKA.name
    )
    budget = city_budget(process)
    count = budget_count(actor=official, budget=budget)

    assert (process.rule, process.utilities, process.ballot_kind) == (
        Rule.MES_ADD1,
        "cost",
        BallotKind.APPROVAL,
    )
    assert Ballot.objects.filter(budget=budget).count() == 6586
    codes = dict(Proposal.objects.filter(budget=budget).values_list("pk", "code"))
    assert {codes[pk] for pk in count.winners} == official_winners and len(count.winners) == 30
    assert count.total_cost <= budget.amount == 1_000_000
    process_move(actor=municipal_admin, process=process, to=ProcessPhase.RESULTS)


def test_every_problem_the_engine_can_find_in_a_file_has_words_for_people():
    # A code the engine gains without a translation here would turn an import into an error page.
    from veche.budgeting.engine import pabulib as pb_reader
    from veche.budgeting.engine import paper as paper_reader
    from veche.budgeting.services import pabulib, paper

    assert set(pabulib.PROBLEM_MESSAGES) == set(pb_reader.MESSAGES)
    assert set(paper.PROBLEM_MESSAGES) == set(paper_reader.MESSAGES)
    with translation.override("ru"):
        for said in (*pabulib.PROBLEM_MESSAGES.values(), *paper.PROBLEM_MESSAGES.values()):
            assert re.search("[а-яё]", str(said)), said

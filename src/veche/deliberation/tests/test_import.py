"""Importing a Polis export: statements with Polis's ids and moderation, participants by Polis's
ids, each pair's latest vote; a broken file or a bad row leaves nothing; the command reports the file
and line and exits non-zero. The counts are checked against the CSV read here with the csv module."""

import csv
import shutil
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veche.core.errors import DomainError
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.deliberation.engine.polis import Conversation, PolisError, VoteRow, read_polis
from veche.deliberation.engine.synthetic import as_conversation, planted_conversation
from veche.deliberation.models import Deliberation, Participant, Statement, StatementStatus, Vote
from veche.deliberation.services import deliberation_import_polis, map_recompute

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "engine" / "tests" / "data" / "polis"
LONDON = DATA / "london.youth.policing"


def _expected(folder: Path) -> tuple[dict[int, int], set[int], dict[tuple[int, int], int]]:
    """From the CSV itself: each comment's moderation, every participant, each pair's latest vote."""
    with (folder / "comments.csv").open(encoding="utf-8") as f:
        comments = {
            int(row["comment-id"]): (int(row["moderated"]), int(row["author-id"]))
            for row in csv.DictReader(f)
        }
    with (folder / "votes.csv").open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda row: int(row["timestamp"]))
    latest = {(int(r["voter-id"]), int(r["comment-id"])): int(r["vote"]) for r in rows}
    people = {voter for voter, _ in latest} | {author for _, author in comments.values()}
    return {c: m for c, (m, _) in comments.items()}, people, latest


def test_london_youth_policing_is_imported_whole(municipality):
    moderated, people, latest = _expected(LONDON)

    deliberation = deliberation_import_polis(
        actor=None, source=LONDON, municipality=municipality, title="London youth policing"
    )

    statements = dict(Statement.objects.filter(deliberation=deliberation).values_list("number", "status"))
    status_of = {1: StatementStatus.ACCEPTED, 0: StatementStatus.PENDING, -1: StatementStatus.REJECTED}
    assert statements == {number: status_of[m] for number, m in moderated.items()}
    numbers = set(Participant.objects.filter(deliberation=deliberation).values_list("number", flat=True))
    assert numbers == people
    stored = {
        (p, s): v
        for p, s, v in Vote.objects.filter(deliberation=deliberation).values_list(
            "participant__number", "statement__number", "value"
        )
    }
    assert stored == latest
    deliberation.refresh_from_db()
    assert deliberation.published_at is not None and deliberation.created_by is None
    assert deliberation.vote_serial == len(latest)
    assert deliberation.last_statement == max(moderated) and deliberation.last_participant == max(people)


def test_the_imported_map_matches_the_engine_on_the_files(municipality):
    deliberation = deliberation_import_polis(actor=None, source=LONDON, municipality=municipality, title="L")
    from veche.deliberation.engine import cluster

    expected = cluster(read_polis(LONDON).matrix()).to_json()

    stored = map_recompute(deliberation=deliberation)

    assert stored.k == expected["k"]
    assert stored.result["groups"] == expected["groups"]


def test_a_project_deliberation_is_imported(municipal_admin, municipality):
    project = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.DELIBERATION, template="deliberation"
    )
    deliberation = deliberation_import_polis(
        actor=municipal_admin, source=LONDON, municipality=municipality, project=project
    )
    assert project.deliberation == deliberation and deliberation.title == project.title


def test_a_broken_file_leaves_nothing(municipality, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(LONDON, broken)
    lines = (broken / "votes.csv").read_text(encoding="utf-8").splitlines()
    lines[12] = lines[12].rsplit(",", 1)[0] + ",7"
    (broken / "votes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(PolisError) as refused:
        deliberation_import_polis(actor=None, source=broken, municipality=municipality, title="x")

    assert "votes.csv, line 13" in str(refused.value)
    assert not Deliberation.objects.exists() and not Statement.objects.exists()


def test_a_bad_row_midway_rolls_everything_back(municipality):
    conversation = read_polis(LONDON)
    bad = Conversation(
        comments=conversation.comments,
        votes=[
            *conversation.votes,
            VoteRow(timestamp_ms=2**40, comment=conversation.comments[0].id, voter=1, vote=5),
        ],
    )
    with pytest.raises(DomainError) as refused:
        deliberation_import_polis(actor=None, source=bad, municipality=municipality, title="x")
    assert refused.value.code == "bad_vote"
    assert not Deliberation.objects.exists()
    assert not Participant.objects.exists() and not Vote.objects.exists()


def test_the_command_imports_and_reports(municipality, capsys):
    call_command(
        "deliberation", "import", str(LONDON), "--municipality", municipality.slug, "--title", "London"
    )
    out = capsys.readouterr().out
    deliberation = Deliberation.objects.get()
    assert f"deliberation={deliberation.pk}" in out and f"votes={deliberation.votes.count()}" in out


def test_the_command_names_the_file_and_line_and_stores_nothing(municipality, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(LONDON, broken)
    text = (broken / "comments.csv").read_text(encoding="utf-8").splitlines()
    text[3] = "not,a,comment"
    (broken / "comments.csv").write_text("\n".join(text) + "\n", encoding="utf-8")

    with pytest.raises(CommandError) as failed:
        call_command(
            "deliberation", "import", str(broken), "--municipality", municipality.slug, "--title", "x"
        )

    assert failed.value.returncode != 0
    assert str(failed.value).startswith("comments.csv, line 4")
    assert not Deliberation.objects.exists()


def test_the_command_needs_a_title_or_a_project(municipality):
    with pytest.raises(CommandError):
        call_command("deliberation", "import", str(LONDON), "--municipality", municipality.slug)
    with pytest.raises(CommandError):
        call_command("deliberation", "import", str(LONDON), "--project", "999999")


def test_a_hundred_thousand_votes_import_in_seconds(municipality):
    votes, _ = planted_conversation(
        participants=2000, statements=100, votes_per_participant=60, groups=3, seed=1
    )
    conversation = as_conversation(votes)
    started = time.perf_counter()
    deliberation = deliberation_import_polis(
        actor=None, source=conversation, municipality=municipality, title="big"
    )
    seconds = time.perf_counter() - started
    assert deliberation.votes.count() == len(votes) >= 100_000
    print(f"imported {len(votes)} votes in {seconds:.1f} s")
    assert seconds < 30
